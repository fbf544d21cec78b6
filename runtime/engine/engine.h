// The inspection engine: decode → normalize → detect → verdict.
//
// `Inspector` is the per-invocation context: it owns the decoder's parser
// buffers and the normalizer's scratch, so steady-state inspection reuses
// memory. It reads an immutable, shared `policy::Policy`. Not thread-safe: one
// Inspector per thread (Guard keeps a pool).
#ifndef FNGUARD_RUNTIME_ENGINE_ENGINE_H_
#define FNGUARD_RUNTIME_ENGINE_ENGINE_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "fnguard/verdict.h"
#include "policy/policy.h"
#include "runtime/engine/clean_cache.h"
#include "runtime/event/event.h"
#include "runtime/normalize/normalize.h"

namespace fnguard::detect {
struct Input;
}  // namespace fnguard::detect

namespace fnguard::engine {

// Most findings kept per verdict; inspection stops early once reached.
inline constexpr size_t kMaxFindings = 16;

class Inspector {
 public:
  explicit Inspector(std::shared_ptr<const policy::Policy> policy);

  // Inspects one invocation payload. When the payload is not JSON at all the
  // verdict carries an "event.malformed" finding and `*decode_status` (if
  // given) holds the decoder's error.
  Verdict Inspect(std::string_view event, absl::Status* decode_status = nullptr);

  // Inspects one bare value as if it were the field `path` at `location`
  // (used by `fnguard eval --embed raw`), whole: the time budget is for
  // events, and an evaluation measures what the detectors find.
  Verdict InspectValue(std::string_view value, event::Location location, std::string_view path);

  // The kind of the last inspected event.
  event::Kind last_kind() const { return decoded_.kind; }
  size_t last_field_count() const { return decoded_.fields.size(); }

  const policy::Policy& policy() const { return *policy_; }

  // Whether fields that came out clean before are skipped when they come
  // again unchanged (see clean_cache.h). On by default; `fnguard bench
  // --no-field-cache` turns it off to time every field every time.
  void set_remember_clean_fields(bool on) { remember_clean_ = on; }

 private:
  // Runs every enabled detector and custom rule on one field; returns false
  // when the finding cap is reached. `use_cache`: whether the clean-field
  // cache is looked up and noted for this field.
  // A long value is also checked against the time budget between its
  // passes (normalization, each detector, each custom rule); on expiry
  // `verdict->timed_out` is set and false returned.
  bool InspectField(const event::Field& field, Verdict* verdict, bool use_cache);
  template <bool kTimed>
  bool RunDetectors(const detect::Input& in, DetectorSet enabled, Verdict* verdict);
  // Whether the budget of the inspection under way has run out.
  bool OutOfTime() const { return std::chrono::steady_clock::now() > deadline_; }
  void Decide(Verdict* verdict) const;

  std::shared_ptr<const policy::Policy> policy_;
  event::Decoder decoder_;
  event::DecodedEvent decoded_;
  normalize::Normalizer normalizer_;
  event::Kind kind_ = event::Kind::kGeneric;
  CleanFieldCache clean_;  // fields that came out clean before
  EventFieldMemo repeated_;  // clean fields of this event, for its later fields
  // Whether an exclusion or custom rule of the policy names an array index,
  // so that `repeated_` cannot be used (PatternNamesIndex()).
  bool policy_names_indexes_ = false;
  bool remember_clean_ = true;
  // When the inspection under way runs out of its time budget.
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
};

// A short, printable excerpt of `value` around [offset, offset+length):
// control bytes escaped, at most `max_len` bytes, secrets redacted.
std::string MakeExcerpt(std::string_view value, size_t offset, size_t length, size_t max_len = 80);

}  // namespace fnguard::engine

#endif  // FNGUARD_RUNTIME_ENGINE_ENGINE_H_
