// A local emulator of the AWS Lambda Runtime API, for running a custom
// runtime (a `bootstrap` binary) on a developer machine or in tests.
//
// LocalRuntime serves the Runtime API (2018-06-01) on 127.0.0.1 at an
// ephemeral port, starts the function process with the environment Lambda
// gives a custom runtime (AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_NAME,
// _HANDLER, LAMBDA_TASK_ROOT, ...), and delivers one event per Invoke():
//
//   fnguard::local::LocalRuntimeOptions opts;
//   opts.command = "./build/examples/hello/bootstrap";
//   opts.policy_path = "examples/hello/policy.yaml";
//   auto rt = fnguard::local::LocalRuntime::Start(opts);
//   if (!rt.ok()) ...;
//   fnguard::local::InvocationResult r = (*rt)->Invoke(R"({"rawPath":"/"})");
//   // r.status == kSuccess, r.response == the posted payload
//
// It behaves like the service where a function can tell the difference:
// real headers (request id, deadline, ARN, trace id), 202 for accepted
// results, 400 for unknown request ids, 413 for responses over 6 MB, an
// enforced deadline (the process is killed and a fresh one started for the
// next event), a runtime that exits or crashes before answering is reported
// as `Runtime.ExitError` and restarted, and /runtime/init/error ends the
// invocation with the reported error.
//
// It also measures what a function costs: each InvocationResult carries its
// round trip and, on a cold start, the init time (process start to the first
// GET /runtime/invocation/next); processes() gives every process's init
// time and CPU, peak memory, and CPU time over its life (fnguard local
// --timing prints them).
//
// No call waits forever: each Invoke() is bounded by the init allowance plus
// the function timeout; Stop() (also run by the destructor) terminates the
// process (SIGTERM, then SIGKILL after a grace period), releases the server's
// waiting requests and joins the server thread.
//
// Ignores SIGPIPE in this process (writes to a function that died must not
// kill the harness); the function itself starts with default dispositions.
//
// Thread-safety: Invoke() calls are serialized internally; call Stop() (or
// destroy the object) from the thread that started it, because the function
// process is tied to that thread's lifetime (see function_process.h).
#ifndef FNGUARD_WRAPPERS_LOCAL_EMULATOR_H_
#define FNGUARD_WRAPPERS_LOCAL_EMULATOR_H_

#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "wrappers/local/function_process.h"

namespace fnguard::local {

struct LocalRuntimeOptions {
  // The function: a command line (see ParseCommand in function_process.h) or,
  // when `argv` is non-empty, an argv executed directly.
  std::string command;
  std::vector<std::string> argv;
  std::string function_name = "fnguard-local";
  // FNGUARD_POLICY for the function; empty leaves the variable alone.
  std::string policy_path;
  // Invocation timeout (Lambda's function timeout), measured from the moment
  // the function fetched the event.
  std::chrono::milliseconds timeout{3000};
  // How long a starting process may take to fetch its first event (Lambda's
  // init phase allowance).
  std::chrono::milliseconds init_timeout{10000};
  int memory_mb = 128;
  // Extra or overriding environment variables for the function.
  std::vector<std::pair<std::string, std::string>> env;
  // Where the function's stdout and stderr go.
  int output_fd = STDERR_FILENO;
  // Between SIGTERM and SIGKILL when stopping.
  std::chrono::milliseconds stop_grace{500};
};

enum class InvocationStatus {
  kSuccess,  // the function posted a response
  kError,    // the function posted an error (or reported an init error)
  kTimeout,  // no answer before the deadline; the process was killed
  kCrash,    // the process exited before answering
};

// "success" | "error" | "timeout" | "crash".
std::string_view InvocationStatusName(InvocationStatus status);

struct InvocationResult {
  InvocationStatus status = InvocationStatus::kCrash;
  std::string request_id;
  // Success: the posted payload. Otherwise the error document a caller of
  // the real service would get ({"errorMessage":..,"errorType":..}).
  std::string response;
  std::string content_type;  // as posted, success only
  std::string error_type;    // e.g. "Runtime.ExitError", "Sandbox.Timedout"
  std::string error_message;
  // From the moment the function fetched the event (or, when it never did,
  // from dispatch) to the answer.
  double duration_ms = 0;
  // The function reported /runtime/init/error.
  bool init_error = false;

  // Timing as the emulator sees it (steady clock, this process).
  // A process was started for this invocation (the first event, or after a
  // timeout, crash or exit): the event waited for the function's init.
  bool cold_start = false;
  // Cold starts: from starting the process (just before fork) to its first
  // GET /runtime/invocation/next, i.e. ready for its first event; -1 otherwise
  // (and when it never asked).
  double init_ms = -1;
  // From the moment the event was available to the runtime (dispatch) to its
  // answer (or the end of the invocation): one trip through the runtime's
  // loop, including the Runtime API requests and, on a cold start, init.
  double round_trip_us = 0;

  [[nodiscard]] bool ok() const { return status == InvocationStatus::kSuccess; }
};

// One function process the runtime started, as observed so far.
struct ProcessRecord {
  pid_t pid = -1;
  // From starting it (just before fork) to its first GET
  // /runtime/invocation/next; -1 when it never asked.
  double init_ms = -1;
  // CPU time its main thread had used by then (/proc/PID/schedstat): the
  // work of its init, unaffected by waiting for a CPU; -1 when unknown.
  double init_cpu_ms = -1;
  // Peak resident set size in KiB (VmHWM of /proc/PID/status, the kernel's
  // high-water mark of this program's own memory), sampled before the
  // process is retired (timeout, init error, Stop()); 0 when it exited by
  // itself first (a crash). Not wait4()'s ru_maxrss: that also counts the
  // pages of the forked copy of this (larger) process before exec.
  long peak_rss_kb = 0;
  int invocations = 0;  // events it answered
  bool ended = false;
  ExitStatus exit;      // how it ended and the CPU time it used, once `ended`
};

class LocalRuntime {
 public:
  // Binds the server and starts the function process.
  static absl::StatusOr<std::unique_ptr<LocalRuntime>> Start(LocalRuntimeOptions options);
  ~LocalRuntime();
  LocalRuntime(const LocalRuntime&) = delete;
  LocalRuntime& operator=(const LocalRuntime&) = delete;

  // Delivers `event` to the function and waits for its answer (bounded).
  // Restarts the function first if it is not running.
  InvocationResult Invoke(std::string_view event);

  // Terminates the function and stops the server. Idempotent.
  void Stop();

  int port() const;
  // "127.0.0.1:PORT", the value of AWS_LAMBDA_RUNTIME_API.
  std::string endpoint() const;
  // How many function processes have been started so far.
  int process_starts() const;
  // Every process started so far, oldest first. After Stop() every record is
  // `ended`, with its CPU time.
  std::vector<ProcessRecord> processes() const;

  struct State;  // shared with the server's handlers

 private:
  explicit LocalRuntime(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace fnguard::local

#endif  // FNGUARD_WRAPPERS_LOCAL_EMULATOR_H_
