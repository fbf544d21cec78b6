// Security events and where they go.
//
// A SecurityEvent is one thing worth telling the team that runs the function:
// an injection verdict, an internal fault, a policy problem. The Reporter
// delivers events as the policy's `reporting` section asks: one JSON object
// per line on stdout (CloudWatch reads it) and/or OTLP/HTTP protobuf to a
// collector through a background Sender (runtime/report/sender.h) that never
// blocks the caller and spools to disk when the collector is unreachable.
//
// Thread-safety: Report() and Flush() may be called from any thread.
#ifndef FNGUARD_RUNTIME_REPORT_REPORTER_H_
#define FNGUARD_RUNTIME_REPORT_REPORTER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "fnguard/verdict.h"
#include "policy/policy.h"

namespace fnguard::report {

class Sender;

// The canonical field list is runtime/report/proto/security_event.proto.
struct SecurityEvent {
  std::string event_id;  // 32 lowercase hex digits (a UUIDv7); set by Report() if empty
  std::string kind;      // "injection" | "egress" | "tls" | "process" | "policy" | "internal"
  Action action = Action::kAllow;
  std::string detector;
  std::string rule_id;
  std::string field_path;
  std::string excerpt;
  std::string reason;
  std::string event_kind;  // "apigw-v2", "sqs", ...
  std::string request_id;
  std::string trace_id;
  std::string function_name;
  std::string function_version;
  std::string region;
  std::string policy_version;
  std::string policy_source;
  bool timed_out = false;
  int findings = 0;            // how many findings the verdict had
  std::string host;            // egress/tls: the host the function tried to reach
  uint64_t time_unix_ns = 0;
};

// A fresh id: a UUIDv7 (48-bit Unix milliseconds, then 74 random bits) as
// 32 lowercase hex digits, without dashes. Unique with overwhelming
// probability; ids made close together sort close together. Cheap
// (thread-local generator seeded from the OS).
std::string NewEventId();

// Current wall-clock time in nanoseconds since the Unix epoch.
uint64_t NowUnixNanos();

// One JSON object, no trailing newline.
std::string ToJson(const SecurityEvent& e);

// Builds the event for a verdict (action != allow, or timed out). The excerpt
// is passed through Redact() once more: no secret leaves through a report.
SecurityEvent FromVerdict(const Verdict& v, std::string_view request_id, std::string_view trace_id);

class Reporter {
 public:
  explicit Reporter(const policy::Reporting& settings, FILE* out = stdout);
  // As above, and stamps every event with the policy's version and source.
  explicit Reporter(const policy::Policy& policy, FILE* out = stdout);
  ~Reporter();  // flushes the sender with a bounded deadline
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  // Never blocks on the network; costs about a microsecond with OTLP on.
  void Report(SecurityEvent event);
  // Waits up to `timeout_ms` for queued events to reach the collector.
  void Flush(int timeout_ms);
  bool enabled() const { return stdout_json_ || sender_ != nullptr; }

 private:
  bool stdout_json_ = false;
  std::string policy_version_;
  std::string policy_source_;
  FILE* out_;
  std::mutex mu_;
  std::unique_ptr<Sender> sender_;
};

}  // namespace fnguard::report

#endif  // FNGUARD_RUNTIME_REPORT_REPORTER_H_
