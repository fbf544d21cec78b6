// What `fnguard local` itself observes about a function, as security events.
//
// The function's own Guard reports what it decides (blocked injections, its
// faults). Some failures only the harness sees: the function timed out, its
// process crashed or exited mid-invocation, or it reported an init error (for
// example a policy that does not load). Those become events of kind
// `internal` (detector `runtime`, rule ids `runtime.timeout`,
// `runtime.init_timeout`, `runtime.exit`, `runtime.init_error`) and go where
// the policy's `reporting` section sends events, like those of `fnguard scan`.
//
// Thread-safety: ObservedEvent is a pure function; ObservedEventReporter is
// not thread-safe (one owner).
#ifndef FNGUARD_WRAPPERS_LOCAL_OBSERVED_EVENTS_H_
#define FNGUARD_WRAPPERS_LOCAL_OBSERVED_EVENTS_H_

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "policy/policy.h"
#include "runtime/report/reporter.h"
#include "wrappers/local/emulator.h"

namespace fnguard::local {

// Who the function is, for the events' resource fields.
struct FunctionIdentity {
  std::string name;
  std::string version = "$LATEST";
  std::string region;
};

// The event for an invocation that timed out, crashed or failed to
// initialize; nullopt for answered invocations (success or a function error:
// the function's own Guard reports what concerns it).
std::optional<report::SecurityEvent> ObservedEvent(const InvocationResult& result,
                                                   const FunctionIdentity& function);

// Reports observed events as `policy`'s reporting section asks. The
// underlying Reporter (and its sender thread) is created on the first event,
// so a run without failures costs nothing. Its disk spool is
// `<reporting.spool_dir>-local`: the function, running at the same time, holds
// the lock on the policy's own spool directory.
class ObservedEventReporter {
 public:
  // JSON lines (reporting.stdout: json) go to `json_out`.
  ObservedEventReporter(std::shared_ptr<const policy::Policy> policy, FunctionIdentity function,
                        FILE* json_out);
  ~ObservedEventReporter();  // flushes (bounded)
  ObservedEventReporter(const ObservedEventReporter&) = delete;
  ObservedEventReporter& operator=(const ObservedEventReporter&) = delete;

  // Reports `result` if it is something the harness observed; true if so.
  bool Observe(const InvocationResult& result);
  // Waits up to `timeout_ms` for reported events to reach the collector.
  void Flush(int timeout_ms);
  int reported() const { return reported_; }

 private:
  policy::Policy policy_;
  bool enabled_ = false;
  FunctionIdentity function_;
  FILE* json_out_;
  std::unique_ptr<report::Reporter> reporter_;
  int reported_ = 0;
};

}  // namespace fnguard::local

#endif  // FNGUARD_WRAPPERS_LOCAL_OBSERVED_EVENTS_H_
