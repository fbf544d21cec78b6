// JavaScript prototype pollution: "__proto__" or "constructor.prototype" as a
// key, in a field path (body.__proto__.isAdmin, query a[__proto__][x]) or
// inside a value that will be parsed or merged as a path or JSON. And its
// Java counterpart: a bean property path through class.classLoader (or
// class.module.classLoader, class.protectionDomain), which data binding in
// Spring and Struts follows from getClass() into the server's own objects
// (CVE-2010-1622, Struts' class.classLoader, Spring4Shell). And PHP's: a
// Drupal render-array property that holds a callback ("#post_render",
// "#lazy_builder") set from request data, which Drupal's form API renders
// by calling it (Drupalgeddon2, CVE-2018-7600).
#include <algorithm>
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

// Whether a query or fragment parameter's name may open at `p` of `s`: at
// the start or after '?', '&' or '#' (the forms that query and fragment
// parsers such as jQuery deparam and can-deparam read as nested keys).
bool ParamNameOpensAt(std::string_view s, size_t p) {
  return p == 0 || s[p - 1] == '?' || s[p - 1] == '&' || s[p - 1] == '#';
}

// Finds `name` as a whole path segment of `s` (bounded by separators).
size_t FindSegment(std::string_view s, std::string_view name, size_t from = 0) {
  for (size_t p = scan::Find(s, name, from); p != kNpos; p = scan::Find(s, name, p + 1)) {
    bool left = ParamNameOpensAt(s, p) || IsSep(s[p - 1]);
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
    while (e < s.size() && e - p < 20 &&
           (IsSep(s[e]) || s[e] == ':' || s[e] == ' ' || s[e] == '{' || s[e] == ',')) {
      ++e;
    }
    if (s.compare(e, 9, "prototype") == 0) return p;
  }
  return kNpos;
}

constexpr size_t kShortestClassLoaderPath = std::string_view("class.classLoader").size();

// Whether "class" at `p` of `s` starts a property path that goes on
// (through "module") to the class loader or protection domain.
// Case-insensitive, as Struts' filters were bypassed with "Class".
bool ClassLoaderPathAt(std::string_view s, size_t p) {
  const auto skip_seps = [&](size_t i) {
    while (i < s.size() && IsSep(s[i])) ++i;
    return i;
  };
  if (!scan::IAt(s, p, "class") || p + 5 >= s.size() || !IsSep(s[p + 5])) return false;
  size_t q = skip_seps(p + 5);
  if (scan::IAt(s, q, "module") && q + 6 < s.size() && IsSep(s[q + 6])) q = skip_seps(q + 6);
  for (std::string_view target : {std::string_view("classloader"),
                                  std::string_view("protectiondomain")}) {
    const size_t e = q + target.size();
    if (scan::IAt(s, q, target) && (e == s.size() || IsSep(s[e]) || s[e] == '=')) return true;
  }
  return false;
}

// Where such a path starts as a segment of a field path, or npos.
size_t FindClassLoaderPath(std::string_view path) {
  for (size_t p = scan::IFind(path, "class"); p != kNpos; p = scan::IFind(path, "class", p + 1)) {
    if ((p == 0 || IsSep(path[p - 1])) && ClassLoaderPathAt(path, p)) return p;
  }
  return kNpos;
}

// Where such a path starts as a parameter name inside a value (a query or
// form string): at the value's start or after '&', '?' or '['. After a
// '.' it is a member access ("this.class.classLoader" in a Groovy
// snippet), not a parameter.
size_t FindClassLoaderParameter(std::string_view v) {
  if (ClassLoaderPathAt(v, 0)) return 0;
  for (size_t i = scan::FindAnyOf(v, 0, '&', '?', '['); i != kNpos;
       i = scan::FindAnyOf(v, i + 1, '&', '?', '[')) {
    if (ClassLoaderPathAt(v, i + 1)) return i + 1;
  }
  return kNpos;
}

// The render-array properties whose value Drupal calls (or whose value
// holds a callback and its arguments). Property keys start with '#', which
// no form field or JSON member of an ordinary request does.
constexpr std::string_view kRenderCallbackProperties[] = {
    "post_render", "pre_render",       "lazy_builder", "access_callback",
    "value_callback", "element_validate", "after_build",
};

// Where "#property" for one of kRenderCallbackProperties stands as a key of
// `s`: after one of `left` (or at its start when `at_start`), and followed
// by a separator, '=' or the end. Case matters, as in PHP's array keys.
size_t FindRenderCallbackKey(std::string_view s, std::string_view left, bool at_start) {
  for (size_t p = s.find('#'); p != kNpos; p = s.find('#', p + 1)) {
    if (p == 0 ? !at_start : left.find(s[p - 1]) == kNpos) continue;
    for (std::string_view name : kRenderCallbackProperties) {
      const size_t e = p + 1 + name.size();
      if (s.compare(p + 1, name.size(), name) == 0 &&
          (e == s.size() || IsSep(s[e]) || s[e] == '=')) {
        return p;
      }
    }
  }
  return kNpos;
}

// Whether the name at v[p, e) is a quoted element of an array of two or
// more path segments (["__proto__", "isAdmin"], a path given to a deep
// setter): quoted, after '[' or ',' and before ',' or ']', but not alone in
// brackets (obj["__proto__"] reads the property).
bool QuotedPathElement(std::string_view v, size_t p, size_t e) {
  if (p == 0 || e >= v.size() || (v[p - 1] != '"' && v[p - 1] != '\'') || v[e] != v[p - 1]) {
    return false;
  }
  size_t b = p - 1;
  while (b > 0 && scan::IsSpace(v[b - 1])) --b;
  const size_t a = scan::SkipSpaces(v, e + 1);
  if (b == 0 || a >= v.size()) return false;
  const char before = v[b - 1];
  const char after = v[a];
  return (before == '[' || before == ',') && (after == ',' || after == ']') &&
         !(before == '[' && after == ']');
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
    if (scan::Find(in.path, "proto") != kNpos) {
      if (scan::Find(in.path, "__proto__") != kNpos && FindSegment(in.path, "__proto__") != kNpos) {
        return FillMatch(m, "prototype_pollution.proto_path",
                         "Field path goes through __proto__", 90, 0, v.size());
      }
      if (scan::Find(in.path, "prototype") != kNpos && FindConstructorPrototype(in.path) != kNpos) {
        return FillMatch(m, "prototype_pollution.constructor_prototype",
                         "Field path goes through constructor.prototype", 90, 0, v.size());
      }
    }
    // Bean properties match their getter's name but for the first letter:
    // "class" or "Class", found by one search for "lass".
    if (in.path.size() >= kShortestClassLoaderPath && scan::Find(in.path, "lass") != kNpos &&
        FindClassLoaderPath(in.path) != kNpos) {
      return FillMatch(m, "prototype_pollution.class_loader_path",
                       "Field path binds into the class loader through class.classLoader", 90, 0,
                       v.size());
    }
    // A key: a form field's name ("mail[#post_render][]") or a JSON member
    // ("#lazy_builder"). The key is inspected as a field of its own, so its
    // path needs no search.
    if (in.is_key && in.mask.Has('#') && FindRenderCallbackKey(v, ".[\"'", true) != kNpos) {
      return FillMatch(m, "prototype_pollution.render_callback_key",
                       "Key sets a Drupal render-array callback property", 90, 0, v.size());
    }
    // Inside a value, as a bracketed or quoted key only: after a '.' or '/'
    // it is a URL fragment or a heading anchor.
    if (in.mask.Has('#') && in.mask.HasAny("[\"'")) {
      const size_t r = FindRenderCallbackKey(v, "[\"'", false);
      if (r != kNpos) {
        return FillMatch(m, "prototype_pollution.render_callback_key",
                         "A Drupal render-array callback property is set inside a value", 80, r,
                         std::min<size_t>(v.size() - r, 32));
      }
    }
    static constexpr uint64_t kLoader = CharMask::AlnumOf("classloader");
    static constexpr uint64_t kDomain = CharMask::AlnumOf("classprotectiondomain");
    // (A parameter inside a value is assigned: '=' is the cheap gate.)
    if (v.size() >= kShortestClassLoaderPath && in.mask.Has('=') &&
        (in.mask.HasAlnumOf(kLoader) || in.mask.HasAlnumOf(kDomain))) {
      const size_t c = FindClassLoaderParameter(v);
      if (c != kNpos) {
        return FillMatch(m, "prototype_pollution.class_loader_path",
                         "Parameter name inside a value binds into the class loader", 85, c,
                         std::min<size_t>(v.size() - c, 32));
      }
    }
    if (v.size() < 9) return false;
    size_t p = in.mask.Has('_') ? scan::Find(v, "__proto__") : kNpos;
    // "__pro__proto__to__": what a filter that deletes "__proto__" once
    // leaves is "__proto__" again. No text nests the name in itself.
    if (p != kNpos) {
      static constexpr std::string_view kProto = "__proto__";
      for (size_t q = p; q != kNpos; q = scan::Find(v, kProto, q + 1)) {
        for (size_t k = 1; k < kProto.size(); ++k) {
          if (q >= k && v.compare(q - k, k, kProto.substr(0, k)) == 0 &&
              v.compare(q + kProto.size(), kProto.size() - k, kProto.substr(k)) == 0) {
            return FillMatch(m, "prototype_pollution.proto_in_value",
                             "__proto__ nested in itself, for a filter that deletes it once", 85,
                             q - k, 2 * kProto.size());
          }
        }
      }
    }
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
      const bool param_start = ParamNameOpensAt(v, p);
      // A JSON Pointer's segment ("/__proto__/isAdmin" in a JSON Patch).
      const bool pointer =
          p > 0 && v[p - 1] == '/' && (e == v.size() || v[e] == '/' || v[e] == '"' || v[e] == '\'');
      // A YAML mapping's key at the start of a line ("__proto__:\n  admin: true"),
      // which js-yaml and merge-based loaders copy onto the prototype.
      size_t ls = p;
      while (ls > 0 && (v[ls - 1] == ' ' || v[ls - 1] == '\t' || v[ls - 1] == '-')) --ls;
      const bool yaml_key = (ls == 0 || v[ls - 1] == '\n') && e < v.size() && v[e] == ':';
      if ((left && right && v[e] != '"' && v[e] != '\'') || keyed || pointer || yaml_key ||
          QuotedPathElement(v, p, e) || (param_start && right && (v[e] == '.' || v[e] == '['))) {
        return FillMatch(m, "prototype_pollution.proto_in_value",
                         "__proto__ used as a key or path segment inside a value", 85, p, 9);
      }
    }
    static constexpr uint64_t kPrototype = CharMask::AlnumOf("prototype");
    if (in.mask.HasAlnumOf(kPrototype) && scan::Find(v, "prototype") != kNpos) {
      size_t q = FindConstructorPrototype(v);
      if (q != kNpos &&
          (ParamNameOpensAt(v, q) || v[q - 1] == '[' || v[q - 1] == '"' || v[q - 1] == '.' ||
           v[q - 1] == '/')) {
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
