#include "runtime/report/reporter.h"

#include <chrono>
#include <cstdlib>
#include <random>

#include "runtime/core/json.h"
#include "runtime/report/redact.h"
#include "runtime/report/sender.h"

namespace fnguard::report {
namespace {

std::string EnvOr(const char* name, std::string_view fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : std::string(fallback);
}

}  // namespace

std::string NewEventId() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  // The UUIDv7 layout (RFC 9562): 48-bit Unix milliseconds, version 7, 12
  // random bits, variant 10, 62 random bits. Leading with the time keeps ids
  // that are made close together close in sort order, so a receiver's unique
  // index grows at its right edge instead of being rewritten all over.
  uint64_t ms = NowUnixNanos() / 1000000;
  uint64_t a = rng();
  uint64_t b = rng();
  uint64_t hi = (ms << 16) | 0x7000 | (a & 0x0fff);
  uint64_t lo = (b & 0x3fffffffffffffffull) | 0x8000000000000000ull;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int i = 0; i < 16; ++i) {
    id[static_cast<size_t>(i)] = kHex[(hi >> (60 - 4 * i)) & 0xf];
    id[static_cast<size_t>(16 + i)] = kHex[(lo >> (60 - 4 * i)) & 0xf];
  }
  return id;
}

uint64_t NowUnixNanos() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string ToJson(const SecurityEvent& e) {
  json::Writer w;
  w.BeginObject();
  w.Field("source", "fnguard");
  w.Field("event_id", e.event_id);
  w.Field("time_unix_ns", e.time_unix_ns);
  w.Field("kind", e.kind);
  w.Field("action", ActionName(e.action));
  w.Field("detector", e.detector);
  w.Field("rule_id", e.rule_id);
  w.Field("field_path", e.field_path);
  w.Field("excerpt", e.excerpt);
  w.Field("reason", e.reason);
  w.Field("event_kind", e.event_kind);
  w.Field("findings", e.findings);
  w.Field("timed_out", e.timed_out);
  w.Field("request_id", e.request_id);
  w.Field("trace_id", e.trace_id);
  w.Field("function_name", e.function_name);
  w.Field("function_version", e.function_version);
  w.Field("region", e.region);
  if (!e.host.empty()) w.Field("host", e.host);
  if (!e.policy_version.empty()) w.Field("policy_version", e.policy_version);
  if (!e.policy_source.empty()) w.Field("policy_source", e.policy_source);
  w.EndObject();
  return w.Take();
}

SecurityEvent FromVerdict(const Verdict& v, std::string_view request_id, std::string_view trace_id) {
  SecurityEvent e;
  e.event_id = NewEventId();
  e.kind = v.internal_error ? "internal" : "injection";
  e.action = v.action;
  e.detector = v.detector;
  e.rule_id = v.rule_id;
  e.field_path = v.field_path;
  e.excerpt = Redact(v.excerpt);
  e.reason = v.reason;
  e.event_kind = v.event_kind;
  e.timed_out = v.timed_out;
  e.findings = static_cast<int>(v.findings.size());
  e.request_id = std::string(request_id);
  e.trace_id = std::string(trace_id);
  e.function_name = EnvOr("AWS_LAMBDA_FUNCTION_NAME", "");
  e.function_version = EnvOr("AWS_LAMBDA_FUNCTION_VERSION", "");
  e.region = EnvOr("AWS_REGION", "");
  e.time_unix_ns = NowUnixNanos();
  return e;
}

Reporter::Reporter(const policy::Reporting& settings, FILE* out)
    : stdout_json_(settings.stdout_format == "json"), out_(out) {
  if (settings.otlp_endpoint.empty()) return;
  if (!IsHttpUrl(settings.otlp_endpoint)) {
    std::fprintf(stderr, "fnguard: reporting.otlp_endpoint is not an http(s) URL; OTLP export is off\n");
    return;
  }
  sender_ = std::make_unique<Sender>(SenderOptions::FromPolicy(settings));
}

Reporter::Reporter(const policy::Policy& policy, FILE* out) : Reporter(policy.reporting, out) {
  policy_version_ = std::to_string(policy.version);
  policy_source_ = policy.source;
}

Reporter::~Reporter() = default;  // ~Sender flushes with its bounded deadline

void Reporter::Report(SecurityEvent event) {
  if (event.event_id.empty()) event.event_id = NewEventId();
  if (event.time_unix_ns == 0) event.time_unix_ns = NowUnixNanos();
  if (event.policy_version.empty()) event.policy_version = policy_version_;
  if (event.policy_source.empty()) event.policy_source = policy_source_;
  if (stdout_json_) {
    std::string line = ToJson(event);
    line.push_back('\n');
    std::lock_guard<std::mutex> lock(mu_);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
  }
  if (sender_ != nullptr) sender_->Enqueue(std::move(event));
}

void Reporter::Flush(int timeout_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::fflush(out_);
  }
  if (sender_ != nullptr) sender_->Flush(timeout_ms);
}

}  // namespace fnguard::report
