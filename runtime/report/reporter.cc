#include "runtime/report/reporter.h"

#include <chrono>
#include <cstdlib>

#include "runtime/core/json.h"

namespace fnguard::report {
namespace {

std::string EnvOr(const char* name, std::string_view fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : std::string(fallback);
}

}  // namespace

std::string ToJson(const SecurityEvent& e) {
  json::Writer w;
  w.BeginObject();
  w.Field("source", "fnguard");
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
  w.EndObject();
  return w.Take();
}

SecurityEvent FromVerdict(const Verdict& v, std::string_view request_id, std::string_view trace_id) {
  SecurityEvent e;
  e.kind = v.internal_error ? "internal" : "injection";
  e.action = v.action;
  e.detector = v.detector;
  e.rule_id = v.rule_id;
  e.field_path = v.field_path;
  e.excerpt = v.excerpt;
  e.reason = v.reason;
  e.event_kind = v.event_kind;
  e.timed_out = v.timed_out;
  e.findings = static_cast<int>(v.findings.size());
  e.request_id = std::string(request_id);
  e.trace_id = std::string(trace_id);
  e.function_name = EnvOr("AWS_LAMBDA_FUNCTION_NAME", "");
  e.function_version = EnvOr("AWS_LAMBDA_FUNCTION_VERSION", "");
  e.region = EnvOr("AWS_REGION", "");
  e.time_unix_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  return e;
}

Reporter::Reporter(const policy::Reporting& settings, FILE* out)
    : stdout_json_(settings.stdout_format == "json"), out_(out) {}

void Reporter::Report(SecurityEvent event) {
  if (!stdout_json_) return;
  std::string line = ToJson(event);
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void Reporter::Flush(int) {
  std::lock_guard<std::mutex> lock(mu_);
  std::fflush(out_);
}

}  // namespace fnguard::report
