// Security events and where they go.
//
// A SecurityEvent is one thing worth telling the team that runs the function:
// an injection verdict, an internal fault, a policy problem. The Reporter
// delivers events as the policy's `reporting` section asks; today that is one
// JSON object per line on stdout (CloudWatch reads it), or nothing.
//
// Thread-safety: Report() may be called from any thread.
#ifndef FNGUARD_RUNTIME_REPORT_REPORTER_H_
#define FNGUARD_RUNTIME_REPORT_REPORTER_H_

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "fnguard/verdict.h"
#include "policy/policy.h"

namespace fnguard::report {

struct SecurityEvent {
  std::string kind;  // "injection" | "internal" | "policy"
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
  bool timed_out = false;
  int findings = 0;            // how many findings the verdict had
  uint64_t time_unix_ns = 0;
};

// One JSON object, no trailing newline.
std::string ToJson(const SecurityEvent& e);

// Builds the event for a verdict (action != allow, or timed out).
SecurityEvent FromVerdict(const Verdict& v, std::string_view request_id, std::string_view trace_id);

class Reporter {
 public:
  explicit Reporter(const policy::Reporting& settings, FILE* out = stdout);
  void Report(SecurityEvent event);
  void Flush(int timeout_ms);
  bool enabled() const { return stdout_json_; }

 private:
  bool stdout_json_ = false;
  FILE* out_;
  std::mutex mu_;
};

}  // namespace fnguard::report

#endif  // FNGUARD_RUNTIME_REPORT_REPORTER_H_
