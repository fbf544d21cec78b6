// fnguard::Guard: the public entry point, on top of the engine.
#include "fnguard/guard.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "policy/policy.h"
#include "runtime/core/json.h"
#include "runtime/egress/egress_event.h"
#include "runtime/egress/http_client.h"
#include "runtime/engine/engine.h"
#include "runtime/event/event.h"
#include "runtime/guard_internal.h"
#include "runtime/report/reporter.h"
#include "runtime/sandbox/sandbox.h"

namespace fnguard {

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string_view name;
  switch (code_) {
    case StatusCode::kOk: name = "OK"; break;
    case StatusCode::kInvalidArgument: name = "INVALID_ARGUMENT"; break;
    case StatusCode::kDeadlineExceeded: name = "DEADLINE_EXCEEDED"; break;
    case StatusCode::kNotFound: name = "NOT_FOUND"; break;
    case StatusCode::kPermissionDenied: name = "PERMISSION_DENIED"; break;
    case StatusCode::kResourceExhausted: name = "RESOURCE_EXHAUSTED"; break;
    case StatusCode::kFailedPrecondition: name = "FAILED_PRECONDITION"; break;
    case StatusCode::kInternal: name = "INTERNAL"; break;
    case StatusCode::kUnavailable: name = "UNAVAILABLE"; break;
  }
  return std::string(name) + ": " + message_;
}

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kAllow: return "allow";
    case Action::kMonitor: return "monitor";
    case Action::kBlock: return "block";
  }
  return "allow";
}

HandlerResult HandlerResult::Success(std::string payload, std::string content_type) {
  HandlerResult r;
  r.success = true;
  r.payload = std::move(payload);
  r.content_type = std::move(content_type);
  return r;
}

HandlerResult HandlerResult::Failure(std::string error_message, std::string error_type) {
  HandlerResult r;
  r.success = false;
  r.error_message = std::move(error_message);
  r.error_type = std::move(error_type);
  return r;
}

namespace {

Status FromAbsl(const absl::Status& s) {
  if (s.ok()) return Status();
  return Status(static_cast<StatusCode>(static_cast<int>(s.code())), std::string(s.message()));
}

bool IsHttpKindName(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(event::kLastKind); ++k) {
    auto kind = static_cast<event::Kind>(k);
    if (event::KindName(kind) == name) return event::IsHttpKind(kind);
  }
  return false;
}

// The invocation the current thread is running a handler for (Invoke()),
// so that egress events name it.
thread_local const InvocationInfo* current_invocation = nullptr;

class CurrentInvocation {
 public:
  explicit CurrentInvocation(const InvocationInfo* info) : previous_(current_invocation) {
    current_invocation = info;
  }
  ~CurrentInvocation() { current_invocation = previous_; }
  CurrentInvocation(const CurrentInvocation&) = delete;
  CurrentInvocation& operator=(const CurrentInvocation&) = delete;

 private:
  const InvocationInfo* previous_;
};

}  // namespace

// Defined in runtime/client.cc.
std::unique_ptr<HttpClient> MakeHttpClient(egress::HttpClient client);

struct Guard::Impl {
  explicit Impl(std::shared_ptr<const policy::Policy> p)
      : policy(std::move(p)), reporter(*policy), egress_reporter(&reporter, stderr) {}

  // The sandbox must stop reporting through this reporter before it goes.
  ~Impl() { sandbox::ClearReporter(&reporter); }

  static StatusOr<std::unique_ptr<Guard>> MakeGuard(std::shared_ptr<const policy::Policy> p);

  // Installs the socket guard and process controls the policy asks for
  // (runtime/sandbox); denials are reported through this Guard's reporter.
  // What could not be put in place in the kernel is reported as an internal
  // event (the interposed checks still apply).
  absl::Status InstallSandbox() {
    if (!sandbox::Wanted(*policy)) return absl::OkStatus();
    absl::StatusOr<sandbox::InstallReport> installed = sandbox::Install(policy);
    if (!installed.ok()) return installed.status();
    sandbox::SetReporter(&reporter);
    for (const std::string& note : installed->notes) {
      report::SecurityEvent e;
      e.kind = "internal";
      e.action = Action::kMonitor;
      e.detector = "sandbox";
      e.rule_id = "sandbox.kernel";
      e.reason = note;
      if (reporter.enabled()) {
        reporter.Report(std::move(e));
      } else {
        std::fprintf(stderr, "%s\n", report::ToJson(e).c_str());
      }
    }
    return absl::OkStatus();
  }

  // Builds the Guard's outbound client; fails on an egress section the
  // HostPolicy compiler rejects.
  absl::Status InitHttp() {
    absl::StatusOr<egress::HttpClient> client = egress::HttpClient::Create(
        policy->egress, [this](const egress::EgressNotice& notice) {
          const InvocationInfo* info = current_invocation;
          egress_reporter.Report(notice, info != nullptr ? info->request_id : std::string_view(),
                                 info != nullptr ? info->trace_id : std::string_view());
        });
    if (!client.ok()) return client.status();
    http = MakeHttpClient(*std::move(client));
    return absl::OkStatus();
  }

  std::unique_ptr<engine::Inspector> Acquire() const {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!pool.empty()) {
        auto ins = std::move(pool.back());
        pool.pop_back();
        return ins;
      }
    }
    return std::make_unique<engine::Inspector>(policy);
  }
  void Release(std::unique_ptr<engine::Inspector> ins) const {
    std::lock_guard<std::mutex> lock(mu);
    if (pool.size() < 64) pool.push_back(std::move(ins));
  }

  // Inspection never throws: any internal failure becomes a verdict that
  // follows the policy's fail mode.
  Verdict InspectSafely(std::string_view event) const {
    try {
      auto ins = Acquire();
      Verdict v = ins->Inspect(event);
      Release(std::move(ins));
      return v;
    } catch (const std::exception& e) {
      return FailureVerdict(e.what());
    } catch (...) {
      return FailureVerdict("unknown exception");
    }
  }

  Verdict FailureVerdict(std::string_view what) const {
    Verdict v;
    v.internal_error = true;
    v.detector = "internal";
    v.rule_id = "internal.error";
    v.reason = "fnguard failed while inspecting: " + std::string(what);
    v.action = policy->fail_mode == policy::FailMode::kClosed ? Action::kBlock : Action::kAllow;
    return v;
  }

  void ReportVerdict(const Verdict& v, const InvocationInfo& info) const {
    if (v.action == Action::kAllow && !v.timed_out && !v.internal_error) return;
    try {
      reporter.Report(report::FromVerdict(v, info.request_id, info.trace_id));
    } catch (...) {
      // Reporting must never break the invocation.
    }
  }

  std::shared_ptr<const policy::Policy> policy;
  mutable report::Reporter reporter;
  mutable egress::EgressReporter egress_reporter;
  std::unique_ptr<HttpClient> http;
  mutable std::mutex mu;
  mutable std::vector<std::unique_ptr<engine::Inspector>> pool;
};

Guard::Guard(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Guard::~Guard() = default;

StatusOr<std::unique_ptr<Guard>> Guard::Impl::MakeGuard(std::shared_ptr<const policy::Policy> p) {
  auto impl = std::make_unique<Impl>(std::move(p));
  if (absl::Status s = impl->InitHttp(); !s.ok()) {
    return Status(StatusCode::kInvalidArgument,
                  impl->policy->source + ": egress: " + std::string(s.message()));
  }
  if (absl::Status s = impl->InstallSandbox(); !s.ok()) {
    return Status(StatusCode::kInvalidArgument,
                  impl->policy->source + ": sandbox: " + std::string(s.message()));
  }
  return std::unique_ptr<Guard>(new Guard(std::move(impl)));
}

StatusOr<std::unique_ptr<Guard>> internal::GuardFromPolicy(std::shared_ptr<const policy::Policy> policy) {
  return Guard::Impl::MakeGuard(std::move(policy));
}

StatusOr<std::unique_ptr<Guard>> Guard::FromFile(const std::string& path) {
  auto p = policy::LoadPolicyFile(path);
  if (!p.ok()) return FromAbsl(p.status());
  return Impl::MakeGuard(*std::move(p));
}

StatusOr<std::unique_ptr<Guard>> Guard::FromString(std::string_view text, std::string_view source) {
  auto p = policy::LoadPolicyText(text, source);
  if (!p.ok()) return FromAbsl(p.status());
  return Impl::MakeGuard(*std::move(p));
}

StatusOr<std::unique_ptr<Guard>> Guard::FromEnv() {
  const char* path = std::getenv("FNGUARD_POLICY");
  if (path == nullptr || *path == '\0') return WithDefaults();
  return FromFile(path);
}

std::unique_ptr<Guard> Guard::WithDefaults() {
  // The default egress section (enforce, empty allowlist) always compiles.
  StatusOr<std::unique_ptr<Guard>> guard = Impl::MakeGuard(policy::DefaultPolicy());
  if (!guard.ok()) std::abort();
  return std::move(guard).value();
}

Verdict Guard::Inspect(std::string_view event, const InvocationInfo& info) const {
  Verdict v = impl_->InspectSafely(event);
  impl_->ReportVerdict(v, info);
  return v;
}

HandlerResult Guard::BlockedResult(const Verdict& verdict) const {
  const policy::BlockResponse& br = impl_->policy->block_response;
  if (IsHttpKindName(verdict.event_kind)) {
    json::Writer w;
    w.BeginObject();
    w.Field("statusCode", br.status);
    if (verdict.event_kind == "alb") {
      w.Field("statusDescription", absl::StrCat(br.status, " Forbidden"));
    }
    w.Key("headers").BeginObject().Field("content-type", br.content_type).EndObject();
    w.Field("body", br.body);
    w.Field("isBase64Encoded", false);
    w.EndObject();
    return HandlerResult::Success(w.Take());
  }
  return HandlerResult::Failure(
      absl::StrCat("request blocked by fnguard: ", verdict.rule_id, " in ",
                   verdict.field_path.empty() ? std::string("event") : verdict.field_path),
      "fnguard.Blocked");
}

Invocation Guard::Invoke(std::string_view event, const Handler& handler,
                         const InvocationInfo& info) const {
  Invocation inv;
  inv.verdict = Inspect(event, info);
  if (inv.verdict.action == Action::kBlock) {
    try {
      inv.result = BlockedResult(inv.verdict);
    } catch (...) {
      inv.result = HandlerResult::Failure("request blocked by fnguard", "fnguard.Blocked");
    }
    return inv;
  }
  inv.handler_called = true;
  CurrentInvocation current(&info);
  try {
    inv.result = handler(event);
  } catch (const std::exception& e) {
    inv.handler_threw = true;
    inv.result = HandlerResult::Failure(e.what(), "fnguard.HandlerException");
  } catch (...) {
    inv.handler_threw = true;
    inv.result = HandlerResult::Failure("the handler threw a non-standard exception",
                                        "fnguard.HandlerException");
  }
  return inv;
}

void Guard::Flush(int timeout_ms) const { impl_->reporter.Flush(timeout_ms); }

const HttpClient& Guard::http() const { return *impl_->http; }

const std::string& Guard::policy_source() const { return impl_->policy->source; }

Handler Protect(const Guard& guard, Handler handler) {
  return [&guard, handler = std::move(handler)](std::string_view event) {
    return guard.Invoke(event, handler).result;
  };
}

}  // namespace fnguard
