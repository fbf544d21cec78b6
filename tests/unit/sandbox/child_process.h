// Test support for code that changes the whole process for good (a seccomp
// filter, a Landlock ruleset) or that must be seen from a forked child: it
// runs in a child of the test process, which is left as it was.
#ifndef FNGUARD_TESTS_UNIT_SANDBOX_CHILD_PROCESS_H_
#define FNGUARD_TESTS_UNIT_SANDBOX_CHILD_PROCESS_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <functional>
#include <string>

namespace fnguard::sandbox::testing {

// The exit code a child body returns when the kernel lacks what it tests.
inline constexpr int kUnavailable = 77;

struct ChildResult {
  int exit_code = -1;  // -1 when the child did not exit normally
  int signal = 0;      // the signal that ended it, if one did
  std::string output;  // everything the child wrote to stdout and stderr
};

// Runs `body` in a forked child whose stdout and stderr go to a pipe; the
// child exits with the value `body` returns (it prints what went wrong).
// Call it only while the test process has no other threads running code
// that the child could need (the child starts with this thread alone).
inline ChildResult RunInChild(const std::function<int()>& body) {
  ChildResult r;
  int fds[2];
  if (pipe(fds) != 0) return r;
  std::fflush(nullptr);  // so the child does not write the parent's buffers again
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return r;
  }
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    int code = 120;
    try {
      code = body();
    } catch (...) {
      std::printf("the child body threw\n");
    }
    std::fflush(nullptr);
    _exit(code);
  }
  close(fds[1]);
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    r.output.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace fnguard::sandbox::testing

#endif  // FNGUARD_TESTS_UNIT_SANDBOX_CHILD_PROCESS_H_
