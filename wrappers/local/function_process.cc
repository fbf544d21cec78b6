#include "wrappers/local/function_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>

namespace fnguard::local {
namespace {

bool IsPlainWordChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("/._-+=:,@%").find(c) != std::string_view::npos;
}

bool IsExecutableFile(const std::string& path) {
  return !path.empty() && access(path.c_str(), X_OK) == 0;
}

// Closes every descriptor from 3 up, in the child between fork and exec.
void CloseInheritedDescriptors() {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
#endif
  long max_fd = sysconf(_SC_OPEN_MAX);
  if (max_fd < 0 || max_fd > 65536) max_fd = 65536;
  for (long fd = 3; fd < max_fd; ++fd) close(static_cast<int>(fd));
}

void WriteAll(int fd, const char* s) {
  size_t n = std::strlen(s);
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}

double Millis(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) * 1000.0 + static_cast<double>(tv.tv_usec) / 1000.0;
}

ExitStatus FromWaitStatus(int status, const rusage& usage) {
  ExitStatus e;
  e.user_cpu_ms = Millis(usage.ru_utime);
  e.system_cpu_ms = Millis(usage.ru_stime);
  if (WIFSIGNALED(status)) {
    e.signaled = true;
    e.code = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    e.code = WEXITSTATUS(status);
  }
  return e;
}

}  // namespace

FunctionCommand ParseCommand(const std::string& command) {
  FunctionCommand out;
  bool plain = true;
  for (char c : command) {
    if (c != ' ' && c != '\t' && !IsPlainWordChar(c)) {
      plain = false;
      break;
    }
  }
  if (plain) {
    std::string word;
    for (char c : command) {
      if (c == ' ' || c == '\t') {
        if (!word.empty()) out.argv.push_back(std::move(word));
        word.clear();
      } else {
        word.push_back(c);
      }
    }
    if (!word.empty()) out.argv.push_back(std::move(word));
    // A leading NAME=value would be a shell assignment: let the shell do it.
    if (!out.argv.empty() && out.argv[0].find('=') == std::string::npos) return out;
    out.argv.clear();
  }
  out.argv = {"/bin/sh", "-c", command};
  return out;
}

std::string ResolveExecutable(const std::string& name) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return IsExecutableFile(name) ? name : "";
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    size_t colon = dirs.find(':');
    std::string_view dir = dirs.substr(0, colon);
    std::string candidate = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + name;
    if (IsExecutableFile(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return "";
}

std::string ExitStatus::Describe() const {
  if (!signaled) return "exit status " + std::to_string(code);
  // Named like the Lambda service reports them.
  switch (code) {
    case SIGSEGV: return "signal: segmentation fault";
    case SIGABRT: return "signal: aborted";
    case SIGKILL: return "signal: killed";
    case SIGTERM: return "signal: terminated";
    case SIGBUS: return "signal: bus error";
    case SIGILL: return "signal: illegal instruction";
    case SIGFPE: return "signal: floating point exception";
    case SIGINT: return "signal: interrupt";
    case SIGPIPE: return "signal: broken pipe";
    default: return "signal: " + std::to_string(code);
  }
}

absl::StatusOr<FunctionProcess> FunctionProcess::Spawn(const FunctionCommand& command,
                                                       const std::vector<std::string>& env,
                                                       int output_fd) {
  if (command.argv.empty()) return absl::InvalidArgumentError("empty function command");
  std::string path = ResolveExecutable(command.argv[0]);
  if (path.empty()) {
    return absl::NotFoundError("function command not found or not executable: " +
                               command.argv[0]);
  }
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls.
  std::vector<char*> argv;
  for (const std::string& a : command.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) return absl::InternalError(std::string("open /dev/null: ") + strerror(errno));
  const pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(devnull);
    return absl::InternalError(std::string("fork: ") + strerror(err));
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    struct sigaction dfl;
    std::memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) {
      sigaction(sig, &dfl, nullptr);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(devnull, STDIN_FILENO);
    if (output_fd != STDOUT_FILENO) dup2(output_fd, STDOUT_FILENO);
    if (output_fd != STDERR_FILENO) dup2(output_fd, STDERR_FILENO);
    CloseInheritedDescriptors();
    execve(path.c_str(), argv.data(), envp.data());
    WriteAll(STDERR_FILENO, "fnguard local: cannot execute the function: ");
    WriteAll(STDERR_FILENO, strerror(errno));
    WriteAll(STDERR_FILENO, "\n");
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent, so the group exists before any kill
  close(devnull);
  return FunctionProcess(pid);
}

FunctionProcess::FunctionProcess(FunctionProcess&& other) noexcept
    : pid_(other.pid_), exit_(other.exit_) {
  other.pid_ = -1;
  other.exit_.reset();
}

FunctionProcess& FunctionProcess::operator=(FunctionProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !exit_) Kill();
    pid_ = other.pid_;
    exit_ = other.exit_;
    other.pid_ = -1;
    other.exit_.reset();
  }
  return *this;
}

FunctionProcess::~FunctionProcess() {
  if (pid_ > 0 && !exit_) Kill();
}

std::optional<ExitStatus> FunctionProcess::Poll() {
  if (exit_ || pid_ <= 0) return exit_;
  int status = 0;
  rusage usage{};
  pid_t r = wait4(pid_, &status, WNOHANG, &usage);
  if (r == pid_) {
    exit_ = FromWaitStatus(status, usage);
  } else if (r < 0 && errno == ECHILD) {
    exit_ = ExitStatus{};  // reaped elsewhere; the status is lost
  } else {
    return std::nullopt;
  }
  // Whatever the function left behind in its group goes too.
  kill(-pid_, SIGKILL);
  return exit_;
}

ExitStatus FunctionProcess::WaitBlocking() {
  int status = 0;
  rusage usage{};
  while (true) {
    pid_t r = wait4(pid_, &status, 0, &usage);
    if (r == pid_) {
      exit_ = FromWaitStatus(status, usage);
      break;
    }
    if (r < 0 && errno != EINTR) {
      exit_ = ExitStatus{};
      break;
    }
  }
  kill(-pid_, SIGKILL);
  return *exit_;
}

ExitStatus FunctionProcess::Kill() {
  if (exit_ || pid_ <= 0) return exit_.value_or(ExitStatus{});
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  return WaitBlocking();
}

ExitStatus FunctionProcess::Terminate(std::chrono::milliseconds grace) {
  if (exit_ || pid_ <= 0) return exit_.value_or(ExitStatus{});
  kill(-pid_, SIGTERM);
  kill(pid_, SIGTERM);
  auto until = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < until) {
    if (auto e = Poll()) return *e;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Kill();
}

}  // namespace fnguard::local
