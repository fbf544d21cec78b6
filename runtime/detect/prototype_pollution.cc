// JavaScript prototype pollution: "__proto__" or "constructor.prototype" as a
// key, in a field path (body.__proto__.isAdmin, query a[__proto__][x]) or
// inside a value that will be parsed or merged as a path or JSON.
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/fill_match.h"

namespace fnguard::detect {
namespace {

constexpr size_t kNpos = std::string_view::npos;

bool IsSep(char c) { return c == '.' || c == '[' || c == ']' || c == '/' || c == '"' || c == '\''; }

// Finds `name` as a whole path segment of `s` (bounded by separators).
size_t FindSegment(std::string_view s, std::string_view name, size_t from = 0) {
  for (size_t p = s.find(name, from); p != kNpos; p = s.find(name, p + 1)) {
    bool left = p == 0 || IsSep(s[p - 1]);
    size_t e = p + name.size();
    bool right = e == s.size() || IsSep(s[e]) || s[e] == '=' || s[e] == ':';
    if (left && right) return p;
  }
  return kNpos;
}

// "constructor" followed by a "prototype" segment.
size_t FindConstructorPrototype(std::string_view s) {
  for (size_t p = FindSegment(s, "constructor"); p != kNpos;
       p = FindSegment(s, "constructor", p + 1)) {
    size_t e = p + 11;
    while (e < s.size() && (IsSep(s[e]) || s[e] == ':' || s[e] == ' ' || s[e] == '{') && e - p < 20) {
      ++e;
    }
    if (s.compare(e, 9, "prototype") == 0) return p;
  }
  return kNpos;
}

class PrototypePollutionImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kPrototypePollution; }

  bool Inspect(const Input& in, Match* m) const override {
    std::string_view v = in.norm;
    if (in.is_key && (v == "__proto__" || v == "[__proto__]")) {
      return FillMatch(m, "prototype_pollution.proto_key", "Object key __proto__", 90, 0,
                       v.size());
    }
    // Both path rules need "proto" in the path: one search for most fields.
    if (in.path.find("proto") != kNpos) {
      if (in.path.find("__proto__") != kNpos && FindSegment(in.path, "__proto__") != kNpos) {
        return FillMatch(m, "prototype_pollution.proto_path",
                         "Field path goes through __proto__", 90, 0, v.size());
      }
      if (in.path.find("prototype") != kNpos && FindConstructorPrototype(in.path) != kNpos) {
        return FillMatch(m, "prototype_pollution.constructor_prototype",
                         "Field path goes through constructor.prototype", 90, 0, v.size());
      }
    }
    if (v.size() < 9) return false;
    size_t p = in.mask.Has('_') ? v.find("__proto__") : kNpos;
    if (p != kNpos) {
      size_t e = p + 9;
      bool left = p > 0 && (v[p - 1] == '[' || v[p - 1] == '.' || v[p - 1] == '"' ||
                            v[p - 1] == '\'');
      bool right = e < v.size() && (v[e] == ']' || v[e] == '.' || v[e] == '"' || v[e] == '\'' ||
                                    v[e] == '[');
      bool keyed = false;
      if (right && (v[e] == '"' || v[e] == '\'')) {
        size_t c = scan::SkipSpaces(v, e + 1);
        keyed = c < v.size() && v[c] == ':';
      }
      if ((left && right && v[e] != '"' && v[e] != '\'') || keyed ||
          (p == 0 && right && (v[e] == '.' || v[e] == '['))) {
        return FillMatch(m, "prototype_pollution.proto_in_value",
                         "__proto__ used as a key or path segment inside a value", 85, p, 9);
      }
    }
    static constexpr uint64_t kPrototype = CharMask::AlnumOf("prototype");
    if (in.mask.HasAlnumOf(kPrototype) && v.find("prototype") != kNpos) {
      size_t q = FindConstructorPrototype(v);
      if (q != kNpos && (q == 0 || v[q - 1] == '[' || v[q - 1] == '"' || v[q - 1] == '.')) {
        return FillMatch(m, "prototype_pollution.constructor_prototype",
                         "constructor.prototype path inside a value", 80, q, 21);
      }
    }
    return false;
  }
};

}  // namespace

const Detector& PrototypePollutionDetector() {
  static const PrototypePollutionImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
