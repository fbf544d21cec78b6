// The function under test, run as a child process the way Lambda runs a
// custom runtime: its own process group (so a shell wrapper and everything it
// started can be killed together), stdin from /dev/null, stdout and stderr to
// a chosen descriptor, and a prepared environment.
//
// The child is tied to the parent's lifetime (PR_SET_PDEATHSIG): if the
// harness dies, the function dies too instead of lingering. Note that Linux
// delivers that signal when the *thread* that started the child exits, so
// start and use a FunctionProcess from a thread that outlives it.
//
// Thread-safety: not thread-safe; one owner.
#ifndef FNGUARD_WRAPPERS_LOCAL_FUNCTION_PROCESS_H_
#define FNGUARD_WRAPPERS_LOCAL_FUNCTION_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fnguard::local {

// How to start the function: an argv to exec directly, resolved on PATH.
struct FunctionCommand {
  std::vector<std::string> argv;
};

// Turns a command line into an argv. A command made only of plain words
// (letters, digits and `/._-+=:,@%`, separated by blanks) is split and run
// directly, so signals and exit codes are the function's own; anything else
// (quotes, pipes, variables, `&&`, ...) runs under `/bin/sh -c`.
FunctionCommand ParseCommand(const std::string& command);

// The absolute path `name` resolves to: itself if it contains a '/', else the
// first executable match on $PATH; empty when not found.
std::string ResolveExecutable(const std::string& name);

// How a child process ended, as wait4() reported it.
struct ExitStatus {
  bool signaled = false;
  int code = 0;  // exit code, or the signal number when `signaled`
  // CPU time the process used over its whole life (rusage), 0 when unknown.
  double user_cpu_ms = 0;
  double system_cpu_ms = 0;

  // "exit status 2" / "signal: segmentation fault".
  [[nodiscard]] std::string Describe() const;
};

class FunctionProcess {
 public:
  // Starts `command` with exactly the environment `env` (NAME=value strings),
  // its stdout and stderr on `output_fd`.
  static absl::StatusOr<FunctionProcess> Spawn(const FunctionCommand& command,
                                               const std::vector<std::string>& env,
                                               int output_fd);

  FunctionProcess(FunctionProcess&& other) noexcept;
  FunctionProcess& operator=(FunctionProcess&& other) noexcept;
  FunctionProcess(const FunctionProcess&) = delete;
  FunctionProcess& operator=(const FunctionProcess&) = delete;
  // Kills and reaps the process group if still running.
  ~FunctionProcess();

  pid_t pid() const { return pid_; }

  // Non-blocking: the exit status once the process has ended (and reaps it).
  std::optional<ExitStatus> Poll();

  // SIGKILL to the whole group, then reaps the leader. Bounded: SIGKILL
  // cannot be ignored.
  ExitStatus Kill();

  // SIGTERM to the group, waits up to `grace` for the process to end, then
  // SIGKILL. Returns how it ended.
  ExitStatus Terminate(std::chrono::milliseconds grace);

 private:
  explicit FunctionProcess(pid_t pid) : pid_(pid) {}
  ExitStatus WaitBlocking();

  pid_t pid_ = -1;
  std::optional<ExitStatus> exit_;
};

}  // namespace fnguard::local

#endif  // FNGUARD_WRAPPERS_LOCAL_FUNCTION_PROCESS_H_
