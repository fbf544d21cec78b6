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

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/core/ids.h"
#include "runtime/event/event.h"

namespace fnguard::detect {

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
  bool HasAny(std::string_view chars) const {
    for (char c : chars) if (Has(c)) return true;
    return false;
  }
  static CharMask Of(std::string_view s);
};

struct Input {
  std::string_view raw;    // value as decoded from the event
  std::string_view norm;   // normalized value (== raw when nothing changed)
  CharMask mask;           // of `norm`
  std::string_view path;   // field path, e.g. "query.q"
  event::Location location = event::Location::kOther;
  bool is_key = false;     // value is a JSON object key name
  event::Kind event_kind = event::Kind::kGeneric;
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

}  // namespace fnguard::detect

#endif  // FNGUARD_RUNTIME_DETECT_DETECTOR_H_
