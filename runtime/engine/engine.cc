#include "runtime/engine/engine.h"

#include <re2/re2.h>

#include <array>
#include <bit>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "runtime/detect/detector.h"
#include "runtime/report/redact.h"

namespace fnguard::engine {
namespace {

using Clock = std::chrono::steady_clock;

// The clock is read once every this many fields, and before the next field
// once this many bytes of values were inspected since it was last read (a
// few long values take as long as many short ones).
constexpr size_t kClockStride = 16;
constexpr size_t kClockBytes = 64 * 1024;

constexpr std::string_view kLimitDetector = "limits";

Finding MakeLimitFinding(const event::LimitFinding& lf) {
  Finding f;
  f.detector = std::string(kLimitDetector);
  f.rule_id = absl::StrCat("limits.", lf.limit);
  f.field_path = lf.path;
  f.reason = lf.detail;
  f.score = 100;
  return f;
}

// The built-in detectors indexed by id, resolved once.
const std::array<const detect::Detector*, kDetectorCount>& DetectorTable() {
  static const std::array<const detect::Detector*, kDetectorCount> kTable = [] {
    std::array<const detect::Detector*, kDetectorCount> t{};
    for (size_t i = 0; i < kDetectorCount; ++i) t[i] = &detect::Get(static_cast<DetectorId>(i));
    return t;
  }();
  return kTable;
}

}  // namespace

std::string MakeExcerpt(std::string_view value, size_t offset, size_t length, size_t max_len) {
  if (offset > value.size()) offset = 0;
  if (length == 0 || offset + length > value.size()) length = value.size() - offset;
  // Center the window on the evidence, with some context before it.
  size_t start = offset > 16 ? offset - 16 : 0;
  size_t end = std::min(value.size(), std::max(offset + length, start + max_len));
  if (end - start > max_len) end = start + max_len;
  std::string_view window = value.substr(start, end - start);
  std::string printable;
  printable.reserve(window.size() + 8);
  if (start > 0) printable += "...";
  for (unsigned char c : window) {
    if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      printable += "\\x";
      printable.push_back(kHex[c >> 4]);
      printable.push_back(kHex[c & 15]);
    } else {
      printable.push_back(static_cast<char>(c));
    }
  }
  if (end < value.size()) printable += "...";
  return report::Redact(printable);
}

Inspector::Inspector(std::shared_ptr<const policy::Policy> policy)
    : policy_(std::move(policy)), decoder_(policy_->limits.event) {
  for (const policy::Exclusion& ex : policy_->exclusions) {
    policy_names_indexes_ = policy_names_indexes_ || PatternNamesIndex(ex.path);
  }
  for (const policy::CustomRule& rule : policy_->rules) {
    for (const std::string& pattern : rule.paths) {
      policy_names_indexes_ = policy_names_indexes_ || PatternNamesIndex(pattern);
    }
  }
}

// The enabled detectors on `in`, in id order; false when inspection stops
// (the finding cap, or with `kTimed` the time budget, was reached).
template <bool kTimed>
bool Inspector::RunDetectors(const detect::Input& in, DetectorSet enabled, Verdict* verdict) {
  const auto& detectors = DetectorTable();
  // One Match for the whole loop: detectors fill it only when they report,
  // and it is reset after each report.
  detect::Match m;
  // One set bit each.
  for (uint32_t bits = enabled.bits(); bits != 0; bits &= bits - 1) {
    const auto i = static_cast<size_t>(std::countr_zero(bits));
    auto id = static_cast<DetectorId>(i);
    if constexpr (kTimed) {
      if (OutOfTime()) {
        verdict->timed_out = true;
        return false;
      }
    }
    if (!detectors[i]->Inspect(in, &m)) continue;
    Finding f;
    f.detector = std::string(DetectorName(id));
    f.rule_id = std::string(m.rule_id);
    f.field_path = std::string(in.path);
    f.excerpt = MakeExcerpt(in.norm, m.offset, m.length);
    f.reason = std::move(m.reason);
    f.score = m.score;
    m = detect::Match();
    verdict->findings.push_back(std::move(f));
    if (verdict->findings.size() >= kMaxFindings) return false;
  }
  return true;
}

bool Inspector::InspectField(const event::Field& field, Verdict* verdict, bool use_cache) {
  if (field.value.empty()) return true;
  // Fields shorter than this are timed between fields (Inspect()); a longer
  // one between its own passes, so that one value overruns the budget by at
  // most one pass over it.
  const bool long_value = field.value.size() >= kClockBytes;
  // A short field that came out clean before comes out clean again.
  const bool cacheable = use_cache && CleanFieldCache::Cacheable(field);
  const uint64_t key = cacheable ? CleanFieldCache::Key(field, kind_) : 0;
  if (cacheable && clean_.Contains(key, field, kind_)) return true;
  const size_t findings_before = verdict->findings.size();
  const policy::Policy& p = *policy_;

  // An XML document's prolog, tags, attributes and text are fields of their
  // own; the whole of it is left to custom rules.
  DetectorSet enabled = field.xml_document ? DetectorSet() : p.detectors;
  for (const policy::Exclusion& ex : p.exclusions) {
    if (policy::PathMatches(ex.path, field.path)) {
      for (size_t i = 0; i < kDetectorCount; ++i) {
        auto id = static_cast<DetectorId>(i);
        if (ex.detectors.Has(id)) enabled.Remove(id);
      }
    }
  }

  detect::Input in;
  in.raw = field.value;
  in.path = field.path;
  in.location = field.location;
  in.is_key = field.is_key;
  in.is_param_name = field.is_param_name;
  in.event_kind = kind_;
  if (!enabled.empty()) {
    // One pass tells which characters occur; a value with nothing the
    // normalizer decodes or folds ('%', '&', '\\', non-ASCII, control bytes)
    // is its own normal form, and its mask is the one the detectors get.
    const detect::CharMask raw_mask = detect::CharMask::Of(field.value);
    normalize::Presence present;
    present.percent = raw_mask.Has('%');
    present.amp = raw_mask.Has('&');
    present.backslash = raw_mask.Has('\\');
    present.non_ascii = raw_mask.has_non_ascii;
    present.control = raw_mask.has_control;
    if (present.percent || present.amp || present.backslash || present.non_ascii ||
        present.control) {
      // The mask tells the normalizer which of its bytes occur.
      in.norm = normalizer_.Normalize(field.value, present);
      in.mask = in.norm.data() == field.value.data() && in.norm.size() == field.value.size()
                    ? raw_mask
                    : detect::CharMask::Of(in.norm);
    } else {
      in.norm = field.value;
      in.mask = raw_mask;
    }
    const bool go_on = long_value ? RunDetectors<true>(in, enabled, verdict)
                                  : RunDetectors<false>(in, enabled, verdict);
    if (!go_on) return false;
  }

  for (const policy::CustomRule& rule : p.rules) {
    if (!rule.paths.empty()) {
      bool any = false;
      for (const std::string& pat : rule.paths) {
        if (policy::PathMatches(pat, field.path)) {
          any = true;
          break;
        }
      }
      if (!any) continue;
    }
    if (long_value && OutOfTime()) {
      verdict->timed_out = true;
      return false;
    }
    re2::StringPiece match;
    re2::StringPiece text(field.value.data(), field.value.size());
    if (!rule.re->Match(text, 0, text.size(), RE2::UNANCHORED, &match, 1)) continue;
    Finding f;
    f.detector = "custom";
    f.rule_id = absl::StrCat("custom.", rule.id);
    f.field_path = std::string(field.path);
    f.excerpt = MakeExcerpt(field.value, static_cast<size_t>(match.data() - text.data()), match.size());
    f.reason = rule.reason.empty() ? absl::StrCat("matches custom rule '", rule.id, "'") : rule.reason;
    f.score = 100;
    verdict->findings.push_back(std::move(f));
    if (verdict->findings.size() >= kMaxFindings) return false;
  }
  if (cacheable && verdict->findings.size() == findings_before) clean_.NoteClean(key, field, kind_);
  return true;
}

void Inspector::Decide(Verdict* v) const {
  const policy::Policy& p = *policy_;
  if (!v->findings.empty()) {
    // The most confident finding decides; on a tie, the first one found.
    const Finding* best = &v->findings.front();
    for (const Finding& f : v->findings) {
      if (f.score > best->score) best = &f;
    }
    const Finding& first = *best;
    v->action = p.mode == policy::Mode::kBlock ? Action::kBlock : Action::kMonitor;
    v->detector = first.detector;
    v->rule_id = first.rule_id;
    v->field_path = first.field_path;
    v->excerpt = first.excerpt;
    v->reason = first.reason;
  } else if (v->timed_out && p.on_timeout == policy::FailMode::kClosed) {
    v->action = p.mode == policy::Mode::kBlock ? Action::kBlock : Action::kMonitor;
    v->detector = "limits";
    v->rule_id = "limits.time_budget";
    v->reason = absl::StrCat("inspection exceeded the time budget of ", p.limits.time_budget_us,
                             " us and on_timeout is closed");
  } else {
    v->action = Action::kAllow;
  }
}

Verdict Inspector::Inspect(std::string_view event, absl::Status* decode_status) {
  const Clock::time_point start = Clock::now();
  Verdict verdict;
  const auto budget = std::chrono::microseconds(policy_->limits.time_budget_us);
  deadline_ = start + budget;
  absl::Status st = decoder_.Decode(event, &decoded_);
  if (decode_status != nullptr) *decode_status = st;
  kind_ = decoded_.kind;
  verdict.event_kind = std::string(event::KindName(decoded_.kind));
  if (!st.ok()) {
    Finding f;
    f.detector = "event";
    f.rule_id = "event.malformed";
    f.field_path = "";
    f.excerpt = MakeExcerpt(event, 0, std::min<size_t>(event.size(), 40));
    f.reason = absl::StrCat("the event is not a valid JSON document: ", st.message());
    f.score = 100;
    verdict.findings.push_back(std::move(f));
  }
  for (const event::LimitFinding& lf : decoded_.limit_findings) {
    if (verdict.findings.size() >= kMaxFindings) break;
    // A body marked base64 that does not decode is inspected as text instead;
    // the client cannot set isBase64Encoded (the AWS front end does), so the
    // mismatch itself is no evidence of an attack.
    if (lf.limit == "body_encoding") continue;
    verdict.findings.push_back(MakeLimitFinding(lf));
  }

  const size_t n = decoded_.fields.size();
  // Past the fields the cache looks up, a large event's fields are looked up
  // among its own earlier clean ones (clean_cache.h, EventFieldMemo).
  const size_t cached = std::min(n, CleanFieldCache::kFieldsPerEvent);
  size_t bytes_since_clock = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i % kClockStride == kClockStride - 1 || bytes_since_clock >= kClockBytes) {
      bytes_since_clock = 0;
      if (OutOfTime()) {
        verdict.timed_out = true;
        break;
      }
    }
    const event::Field& field = decoded_.fields[i];
    bytes_since_clock += field.value.size();
    if (i < cached || !remember_clean_ || policy_names_indexes_) {
      if (!InspectField(field, &verdict, remember_clean_ && i < cached)) break;
      continue;
    }
    if (i == cached) repeated_.Begin(&decoded_.fields);
    const uint64_t key = repeated_.active() ? repeated_.Key(field) : 0;
    if (key != 0 && repeated_.Contains(key, field)) continue;
    const size_t findings_before = verdict.findings.size();
    if (!InspectField(field, &verdict, false)) break;
    if (key != 0 && verdict.findings.size() == findings_before) repeated_.NoteClean(key, i);
  }
  Decide(&verdict);
  verdict.elapsed_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
  return verdict;
}

Verdict Inspector::InspectValue(std::string_view value, event::Location location,
                                std::string_view path) {
  const Clock::time_point start = Clock::now();
  Verdict verdict;
  kind_ = event::Kind::kGeneric;
  verdict.event_kind = "value";
  deadline_ = Clock::time_point::max();
  event::Field field;
  field.path = path;
  field.value = value;
  field.location = location;
  InspectField(field, &verdict, remember_clean_);
  Decide(&verdict);
  verdict.elapsed_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
  return verdict;
}

}  // namespace fnguard::engine
