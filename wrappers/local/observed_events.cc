#include "wrappers/local/observed_events.h"

#include <utility>

namespace fnguard::local {

std::optional<report::SecurityEvent> ObservedEvent(const InvocationResult& result,
                                                   const FunctionIdentity& function) {
  report::SecurityEvent e;
  e.kind = "internal";
  e.action = Action::kAllow;  // the harness observed it; it decided nothing
  e.detector = "runtime";
  switch (result.status) {
    case InvocationStatus::kSuccess:
      return std::nullopt;
    case InvocationStatus::kError:
      if (!result.init_error) return std::nullopt;
      e.rule_id = "runtime.init_error";
      e.reason = "the function failed to initialize (" + result.error_type +
                 "): " + result.error_message;
      break;
    case InvocationStatus::kTimeout:
      e.rule_id = result.cold_start && result.init_ms < 0 ? "runtime.init_timeout"
                                                          : "runtime.timeout";
      e.reason = "the function did not answer in time and was stopped: " + result.error_message;
      break;
    case InvocationStatus::kCrash:
      e.rule_id = "runtime.exit";
      e.reason = "the function's process ended during the invocation: " + result.error_message;
      break;
  }
  e.request_id = result.request_id;
  e.function_name = function.name;
  e.function_version = function.version;
  e.region = function.region;
  return e;
}

ObservedEventReporter::ObservedEventReporter(std::shared_ptr<const policy::Policy> policy,
                                             FunctionIdentity function, FILE* json_out)
    : function_(std::move(function)), json_out_(json_out) {
  if (policy == nullptr) return;
  policy_ = *policy;
  enabled_ = !policy_.reporting.otlp_endpoint.empty() || policy_.reporting.stdout_format == "json";
  if (!policy_.reporting.spool_dir.empty()) {
    std::string& dir = policy_.reporting.spool_dir;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    dir += "-local";
  }
}

ObservedEventReporter::~ObservedEventReporter() { Flush(5000); }

bool ObservedEventReporter::Observe(const InvocationResult& result) {
  if (!enabled_) return false;
  std::optional<report::SecurityEvent> event = ObservedEvent(result, function_);
  if (!event) return false;
  if (reporter_ == nullptr) reporter_ = std::make_unique<report::Reporter>(policy_, json_out_);
  reporter_->Report(*std::move(event));
  ++reported_;
  return true;
}

void ObservedEventReporter::Flush(int timeout_ms) {
  if (reporter_ != nullptr) reporter_->Flush(timeout_ms);
}

}  // namespace fnguard::local
