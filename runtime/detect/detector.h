// Detectors: one per attack class. Each is a stateless, immutable object
// shared by all threads; per-field state lives on the stack or in `Scratch`.
//
// The engine calls a detector once per field with both the value as decoded
// from the event (`raw`) and its normalized form (`norm`, see
// runtime/normalize/normalize.h: repeated URL decoding, HTML entities, JS
// escapes, overlong/full-width folding, NUL removal). `norm` is the same view
// as `raw` when normalization changed nothing. Detectors apply their own
// class-specific transforms (SQL comments, case folding, path folding) on top.
//
// A detector must run in time linear in the value length, never allocate on
// the no-match path when it can avoid it, and never throw.
#ifndef FNGUARD_RUNTIME_DETECT_DETECTOR_H_
#define FNGUARD_RUNTIME_DETECT_DETECTOR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "runtime/core/ids.h"
#include "runtime/event/event.h"

namespace fnguard::detect {

// A set of printable ASCII characters, built at compile time from a string
// literal: CharMask::HasAny() tests it with two ANDs.
struct CharSet {
  uint64_t bits = 0;  // as CharMask::bits
  uint64_t high = 0;  // as CharMask::high
  consteval CharSet(const char* chars) {  // NOLINT: implicit from a literal
    for (const char* c = chars; *c != 0; ++c) {
      const unsigned char u = static_cast<unsigned char>(*c);
      if (u >= 32 && u < 96) {
        bits |= uint64_t{1} << (u - 32);
      } else if (u >= 96 && u < 128) {
        high |= uint64_t{1} << (u - 96);
      } else {
        throw "CharSet holds printable ASCII only";  // a compile-time error
      }
    }
  }
};

// Which ASCII punctuation classes occur in a value: computed once per field
// by the engine so each detector can skip values that cannot match.
struct CharMask {
  uint64_t bits = 0;  // bit (c - 32) for printable ASCII c in [32, 95]; see Has()
  uint64_t high = 0;  // bit (c - 96) for c in [96, 127]
  bool has_control = false;  // bytes < 0x20 or 0x7f
  bool has_non_ascii = false;
  bool Has(char c) const {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 32 && u < 96) return (bits >> (u - 32)) & 1;
    if (u >= 96 && u < 128) return (high >> (u - 96)) & 1;
    return false;
  }
  bool HasAny(CharSet chars) const {
    return ((bits & chars.bits) | (high & chars.high)) != 0;
  }
  // The ASCII letters (either case) and digits present, one bit each: bit
  // (c - 'a') for a letter, 26 + (c - '0') for a digit.
  uint64_t Alnum() const {
    return ((bits >> ('A' - 32)) & 0x3FFFFFF) | ((high >> ('a' - 96)) & 0x3FFFFFF) |
           (((bits >> ('0' - 32)) & 0x3FF) << 26);
  }
  // Alnum() of a literal: a case-insensitive occurrence of `lit` in a value
  // needs (value.Alnum() & AlnumOf(lit)) == AlnumOf(lit). Cheap necessary
  // conditions for literal searches, computed once per literal.
  static constexpr uint64_t AlnumOf(std::string_view lit) {
    uint64_t m = 0;
    for (char c : lit) {
      if (c >= 'a' && c <= 'z') m |= uint64_t{1} << (c - 'a');
      if (c >= 'A' && c <= 'Z') m |= uint64_t{1} << (c - 'A');
      if (c >= '0' && c <= '9') m |= uint64_t{1} << (26 + c - '0');
    }
    return m;
  }
  bool HasAlnumOf(uint64_t need) const { return (Alnum() & need) == need; }
  // Whether the letters and digits of at least one of `needs` (AlnumNeeds()
  // of a list of literals) are all present: none of the literals can occur
  // otherwise.
  bool HasAlnumOfAny(std::span<const uint64_t> needs) const {
    const uint64_t have = Alnum();
    for (uint64_t need : needs) {
      if ((have & need) == need) return true;
    }
    return false;
  }
  static CharMask Of(std::string_view s);
};

// AlnumOf() of each literal of a list, for CharMask::HasAlnumOfAny().
template <size_t N>
constexpr std::array<uint64_t, N> AlnumNeeds(const std::array<std::string_view, N>& lits) {
  std::array<uint64_t, N> needs{};
  for (size_t i = 0; i < N; ++i) needs[i] = CharMask::AlnumOf(lits[i]);
  return needs;
}
template <size_t N>
constexpr std::array<uint64_t, N> AlnumNeeds(const std::string_view (&lits)[N]) {
  return AlnumNeeds(std::to_array(lits));
}

// The length of the longest literal of a list: how far a scan reads to take
// in any of them.
template <size_t N>
constexpr size_t LongestOf(const std::array<std::string_view, N>& lits) {
  size_t n = 0;
  for (std::string_view s : lits) n = n < s.size() ? s.size() : n;
  return n;
}
template <size_t N>
constexpr size_t LongestOf(const std::string_view (&lits)[N]) {
  return LongestOf(std::to_array(lits));
}

struct Input {
  std::string_view raw;    // value as decoded from the event
  std::string_view norm;   // normalized value (== raw when nothing changed)
  CharMask mask;           // of `norm`
  std::string_view path;   // field path, e.g. "query.q"
  event::Location location = event::Location::kOther;
  bool is_key = false;     // value is an object key name
  bool is_param_name = false;  // ...a query, form, multipart or cookie name (is_key too)
  event::Kind event_kind = event::Kind::kGeneric;

  // A JSON object key: the detectors that judge values only pass it by. A
  // query, form, multipart or cookie name is the sender's text in the request
  // line or body, as free as a value, and is judged like one.
  bool IsObjectKey() const { return is_key && !is_param_name; }
  // Normalization left the value as it was: `raw` is `norm` itself, and
  // `mask` describes both.
  bool RawIsNorm() const { return raw.data() == norm.data() && raw.size() == norm.size(); }
};

struct Match {
  std::string_view rule_id;  // static string, e.g. "sqli.union_select"
  std::string reason;        // one human sentence
  int score = 0;             // 0..100 confidence
  size_t offset = 0;         // where in `norm` the evidence starts
  size_t length = 0;         // and how long it is (for the excerpt)
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual DetectorId id() const = 0;
  // Returns true and fills `m` when the value is an attack of this class.
  virtual bool Inspect(const Input& in, Match* m) const = 0;
};

// The built-in detector for `id` (static lifetime, thread-safe).
const Detector& Get(DetectorId id);

// Implemented one per file: runtime/detect/<name>.cc.
const Detector& SqliDetector();
const Detector& XssDetector();
const Detector& CmdiDetector();
const Detector& PathTraversalDetector();
const Detector& RfiDetector();
const Detector& SstiDetector();
const Detector& NosqliDetector();
const Detector& LdapiDetector();
const Detector& XxeDetector();
const Detector& SsrfDetector();
const Detector& JndiDetector();
const Detector& DeserializationDetector();
const Detector& PrototypePollutionDetector();
const Detector& CrlfDetector();

}  // namespace fnguard::detect

#endif  // FNGUARD_RUNTIME_DETECT_DETECTOR_H_
