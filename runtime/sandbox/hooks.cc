// The interposed libc functions of the sandbox (sandbox.h).
//
// These definitions have default visibility, so libfnguard.so exports them
// and, coming before libc in the symbol search order of every process that
// loads it (linked, or through LD_PRELOAD), receives the calls every library
// in the process makes to these names. Each one asks sandbox.h and then
// forwards to the next definition (libc's) found with dlsym(RTLD_NEXT), or
// fails with the errno the check returned. With nothing installed a hook
// costs one atomic load and an indirect call.
//
// Calls libc makes internally (the resolver's own sockets, the exec inside
// system() and posix_spawn()) do not go through these symbols: system(),
// popen() and posix_spawn*() are interposed themselves, and the seccomp
// filter covers the rest for exec.
#ifdef _FORTIFY_SOURCE
#undef _FORTIFY_SOURCE
#endif

#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <alloca.h>
#include <atomic>
#include <cerrno>

#include "runtime/sandbox/sandbox.h"

#define FNGUARD_HOOK extern "C" __attribute__((visibility("default")))

// The fortified entry points glibc's headers call with _FORTIFY_SOURCE.
extern "C" {
int __open_2(const char* path, int flags);
int __open64_2(const char* path, int flags);
int __openat_2(int dirfd, const char* path, int flags);
int __openat64_2(int dirfd, const char* path, int flags);
}

namespace {

namespace sb = ::fnguard::sandbox;

template <typename Fn>
Fn Next(std::atomic<void*>* slot, const char* name) {
  void* p = slot->load(std::memory_order_acquire);
  if (p == nullptr) {
    p = dlsym(RTLD_NEXT, name);
    slot->store(p, std::memory_order_release);
  }
  return reinterpret_cast<Fn>(p);
}

#define FNGUARD_REAL(name)                                        \
  ([]() {                                                         \
    static std::atomic<void*> slot{nullptr};                      \
    return Next<decltype(&::name)>(&slot, #name);                 \
  }())

// Runs a check keeping errno as it was when the call proceeds.
template <typename Check>
int Decide(Check check) {
  const int saved = errno;
  const int denied = check();
  errno = saved;
  return denied;
}

bool NeedsMode(int flags) {
  if ((flags & O_CREAT) != 0) return true;
#ifdef O_TMPFILE
  if ((flags & O_TMPFILE) == O_TMPFILE) return true;
#endif
  return false;
}

// execl-style arguments up to the terminating null, on the caller's stack.
#define FNGUARD_COLLECT_ARGS(first, last_named, argv_out, envp_out)          \
  do {                                                                      \
    va_list count_ap;                                                       \
    va_start(count_ap, last_named);                                         \
    size_t count = 1;                                                       \
    while (va_arg(count_ap, const char*) != nullptr) ++count;               \
    va_end(count_ap);                                                       \
    argv_out = static_cast<char**>(alloca((count + 1) * sizeof(char*)));    \
    argv_out[0] = const_cast<char*>(first);                                 \
    va_list ap;                                                             \
    va_start(ap, last_named);                                               \
    for (size_t i = 1; i <= count; ++i) argv_out[i] = va_arg(ap, char*);    \
    if (envp_out != nullptr) *envp_out = va_arg(ap, char**);                \
    va_end(ap);                                                             \
  } while (0)

}  // namespace

// --- Sockets ---------------------------------------------------------------

FNGUARD_HOOK int connect(int fd, const struct sockaddr* address, socklen_t length) {
  if (int e = Decide([&] { return sb::CheckSocket(address, length, sb::SocketCall::kConnect); })) {
    errno = e;
    return -1;
  }
  auto real = FNGUARD_REAL(connect);
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  return real(fd, address, length);
}

FNGUARD_HOOK ssize_t sendto(int fd, const void* buf, size_t n, int flags,
                            const struct sockaddr* address, socklen_t length) {
  if (address != nullptr) {
    if (int e = Decide([&] { return sb::CheckSocket(address, length, sb::SocketCall::kSendto); })) {
      errno = e;
      return -1;
    }
  }
  auto real = FNGUARD_REAL(sendto);
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  return real(fd, buf, n, flags, address, length);
}

FNGUARD_HOOK ssize_t sendmsg(int fd, const struct msghdr* message, int flags) {
  if (message != nullptr && message->msg_name != nullptr) {
    if (int e = Decide([&] {
          return sb::CheckSocket(static_cast<const sockaddr*>(message->msg_name),
                                 message->msg_namelen, sb::SocketCall::kSendmsg);
        })) {
      errno = e;
      return -1;
    }
  }
  auto real = FNGUARD_REAL(sendmsg);
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  return real(fd, message, flags);
}

FNGUARD_HOOK int sendmmsg(int fd, struct mmsghdr* messages, unsigned int count, int flags) {
  for (unsigned int i = 0; messages != nullptr && i < count; ++i) {
    const msghdr& m = messages[i].msg_hdr;
    if (m.msg_name == nullptr) continue;
    if (int e = Decide([&] {
          return sb::CheckSocket(static_cast<const sockaddr*>(m.msg_name), m.msg_namelen,
                                 sb::SocketCall::kSendmmsg);
        })) {
      // Like the kernel: the messages before the refused one are sent.
      if (i == 0) {
        errno = e;
        return -1;
      }
      count = i;
      break;
    }
  }
  auto real = FNGUARD_REAL(sendmmsg);
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  return real(fd, messages, count, flags);
}

// --- Resolver --------------------------------------------------------------

FNGUARD_HOOK int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                             struct addrinfo** result) {
  auto real = FNGUARD_REAL(getaddrinfo);
  if (real == nullptr) return EAI_SYSTEM;
  int rc = real(node, service, hints, result);
  if (rc == 0 && result != nullptr) {
    const int saved = errno;
    try {
      sb::RecordResolved(node, *result);
    } catch (...) {
    }
    errno = saved;
  }
  return rc;
}

FNGUARD_HOOK struct hostent* gethostbyname(const char* name) {
  auto real = FNGUARD_REAL(gethostbyname);
  if (real == nullptr) return nullptr;
  struct hostent* h = real(name);
  if (h != nullptr) {
    const int saved = errno;
    try {
      sb::RecordResolved(name, h);
    } catch (...) {
    }
    errno = saved;
  }
  return h;
}

FNGUARD_HOOK struct hostent* gethostbyname2(const char* name, int family) {
  auto real = FNGUARD_REAL(gethostbyname2);
  if (real == nullptr) return nullptr;
  struct hostent* h = real(name, family);
  if (h != nullptr) {
    const int saved = errno;
    try {
      sb::RecordResolved(name, h);
    } catch (...) {
    }
    errno = saved;
  }
  return h;
}

FNGUARD_HOOK int gethostbyname_r(const char* name, struct hostent* result_buf, char* buf,
                                 size_t length, struct hostent** result, int* h_errnop) {
  auto real = FNGUARD_REAL(gethostbyname_r);
  if (real == nullptr) return ENOSYS;
  int rc = real(name, result_buf, buf, length, result, h_errnop);
  if (rc == 0 && result != nullptr && *result != nullptr) {
    const int saved = errno;
    try {
      sb::RecordResolved(name, *result);
    } catch (...) {
    }
    errno = saved;
  }
  return rc;
}

FNGUARD_HOOK int gethostbyname2_r(const char* name, int family, struct hostent* result_buf,
                                  char* buf, size_t length, struct hostent** result,
                                  int* h_errnop) {
  auto real = FNGUARD_REAL(gethostbyname2_r);
  if (real == nullptr) return ENOSYS;
  int rc = real(name, family, result_buf, buf, length, result, h_errnop);
  if (rc == 0 && result != nullptr && *result != nullptr) {
    const int saved = errno;
    try {
      sb::RecordResolved(name, *result);
    } catch (...) {
    }
    errno = saved;
  }
  return rc;
}

// --- Exec ------------------------------------------------------------------

#define FNGUARD_EXEC_CHECK(call, path, argv, replaces)                                     \
  if (int e = Decide([&] { return sb::CheckExec(call, path, argv, replaces); })) {         \
    errno = e;                                                                             \
    return -1;                                                                             \
  }

#define FNGUARD_FORWARD(name, ...)     \
  auto real = FNGUARD_REAL(name);      \
  if (real == nullptr) {               \
    errno = ENOSYS;                    \
    return -1;                         \
  }                                    \
  return real(__VA_ARGS__)

FNGUARD_HOOK int execve(const char* path, char* const argv[], char* const envp[]) noexcept {
  FNGUARD_EXEC_CHECK("execve", path, argv, true);
  FNGUARD_FORWARD(execve, path, argv, envp);
}

FNGUARD_HOOK int execv(const char* path, char* const argv[]) noexcept {
  FNGUARD_EXEC_CHECK("execv", path, argv, true);
  FNGUARD_FORWARD(execv, path, argv);
}

FNGUARD_HOOK int execvp(const char* file, char* const argv[]) noexcept {
  FNGUARD_EXEC_CHECK("execvp", file, argv, true);
  FNGUARD_FORWARD(execvp, file, argv);
}

FNGUARD_HOOK int execvpe(const char* file, char* const argv[], char* const envp[]) noexcept {
  FNGUARD_EXEC_CHECK("execvpe", file, argv, true);
  FNGUARD_FORWARD(execvpe, file, argv, envp);
}

// The program name for an exec by descriptor (argv is declared nonnull by
// libc, but a caller may still pass null).
static const char* ProgramNameOf(char* const* argv) {
  return argv != nullptr && argv[0] != nullptr ? argv[0] : "";
}

FNGUARD_HOOK int fexecve(int fd, char* const argv[], char* const envp[]) noexcept {
  FNGUARD_EXEC_CHECK("fexecve", ProgramNameOf(argv), argv, true);
  FNGUARD_FORWARD(fexecve, fd, argv, envp);
}

FNGUARD_HOOK int execveat(int dirfd, const char* path, char* const argv[], char* const envp[],
                          int flags) noexcept {
  FNGUARD_EXEC_CHECK("execveat", path, argv, true);
  FNGUARD_FORWARD(execveat, dirfd, path, argv, envp, flags);
}

FNGUARD_HOOK int execl(const char* path, const char* arg, ...) noexcept {
  char** argv;
  char*** no_envp = nullptr;
  FNGUARD_COLLECT_ARGS(arg, arg, argv, no_envp);
  FNGUARD_EXEC_CHECK("execl", path, argv, true);
  FNGUARD_FORWARD(execv, path, argv);
}

FNGUARD_HOOK int execlp(const char* file, const char* arg, ...) noexcept {
  char** argv;
  char*** no_envp = nullptr;
  FNGUARD_COLLECT_ARGS(arg, arg, argv, no_envp);
  FNGUARD_EXEC_CHECK("execlp", file, argv, true);
  FNGUARD_FORWARD(execvp, file, argv);
}

FNGUARD_HOOK int execle(const char* path, const char* arg, ...) noexcept {
  char** argv;
  char** envp = nullptr;
  char*** envp_out = &envp;
  FNGUARD_COLLECT_ARGS(arg, arg, argv, envp_out);
  FNGUARD_EXEC_CHECK("execle", path, argv, true);
  FNGUARD_FORWARD(execve, path, argv, envp);
}

FNGUARD_HOOK int posix_spawn(pid_t* pid, const char* path,
                             const posix_spawn_file_actions_t* actions,
                             const posix_spawnattr_t* attributes, char* const argv[],
                             char* const envp[]) {
  if (int e = Decide([&] { return sb::CheckExec("posix_spawn", path, argv, false); })) return e;
  auto real = FNGUARD_REAL(posix_spawn);
  if (real == nullptr) return ENOSYS;
  return real(pid, path, actions, attributes, argv, envp);
}

FNGUARD_HOOK int posix_spawnp(pid_t* pid, const char* file,
                              const posix_spawn_file_actions_t* actions,
                              const posix_spawnattr_t* attributes, char* const argv[],
                              char* const envp[]) {
  if (int e = Decide([&] { return sb::CheckExec("posix_spawnp", file, argv, false); })) return e;
  auto real = FNGUARD_REAL(posix_spawnp);
  if (real == nullptr) return ENOSYS;
  return real(pid, file, actions, attributes, argv, envp);
}

FNGUARD_HOOK int system(const char* command) {
  if (command != nullptr) {
    char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>(command),
                    nullptr};
    FNGUARD_EXEC_CHECK("system", "/bin/sh", argv, false);
  }
  FNGUARD_FORWARD(system, command);
}

FNGUARD_HOOK FILE* popen(const char* command, const char* mode) {
  if (command != nullptr) {
    char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>(command),
                    nullptr};
    if (int e = Decide([&] { return sb::CheckExec("popen", "/bin/sh", argv, false); })) {
      errno = e;
      return nullptr;
    }
  }
  auto real = FNGUARD_REAL(popen);
  if (real == nullptr) {
    errno = ENOSYS;
    return nullptr;
  }
  return real(command, mode);
}

// --- Files -----------------------------------------------------------------

#define FNGUARD_OPEN_CHECK(call, dirfd, path, flags)                                     \
  if (int e = Decide([&] { return sb::CheckOpen(call, dirfd, path, flags); })) {         \
    errno = e;                                                                           \
    return -1;                                                                           \
  }

#define FNGUARD_MODE_ARG(flags, last)   \
  mode_t mode = 0;                      \
  if (NeedsMode(flags)) {               \
    va_list ap;                         \
    va_start(ap, last);                 \
    mode = va_arg(ap, mode_t);          \
    va_end(ap);                         \
  }

FNGUARD_HOOK int open(const char* path, int flags, ...) {
  FNGUARD_MODE_ARG(flags, flags);
  FNGUARD_OPEN_CHECK("open", AT_FDCWD, path, flags);
  FNGUARD_FORWARD(open, path, flags, mode);
}

FNGUARD_HOOK int open64(const char* path, int flags, ...) {
  FNGUARD_MODE_ARG(flags, flags);
  FNGUARD_OPEN_CHECK("open", AT_FDCWD, path, flags);
  FNGUARD_FORWARD(open64, path, flags, mode);
}

FNGUARD_HOOK int openat(int dirfd, const char* path, int flags, ...) {
  FNGUARD_MODE_ARG(flags, flags);
  FNGUARD_OPEN_CHECK("openat", dirfd, path, flags);
  FNGUARD_FORWARD(openat, dirfd, path, flags, mode);
}

FNGUARD_HOOK int openat64(int dirfd, const char* path, int flags, ...) {
  FNGUARD_MODE_ARG(flags, flags);
  FNGUARD_OPEN_CHECK("openat", dirfd, path, flags);
  FNGUARD_FORWARD(openat64, dirfd, path, flags, mode);
}

FNGUARD_HOOK int __open_2(const char* path, int flags) {
  FNGUARD_OPEN_CHECK("open", AT_FDCWD, path, flags);
  FNGUARD_FORWARD(__open_2, path, flags);
}

FNGUARD_HOOK int __open64_2(const char* path, int flags) {
  FNGUARD_OPEN_CHECK("open", AT_FDCWD, path, flags);
  FNGUARD_FORWARD(__open64_2, path, flags);
}

FNGUARD_HOOK int __openat_2(int dirfd, const char* path, int flags) {
  FNGUARD_OPEN_CHECK("openat", dirfd, path, flags);
  FNGUARD_FORWARD(__openat_2, dirfd, path, flags);
}

FNGUARD_HOOK int __openat64_2(int dirfd, const char* path, int flags) {
  FNGUARD_OPEN_CHECK("openat", dirfd, path, flags);
  FNGUARD_FORWARD(__openat64_2, dirfd, path, flags);
}

FNGUARD_HOOK int creat(const char* path, mode_t mode) {
  FNGUARD_OPEN_CHECK("creat", AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC);
  FNGUARD_FORWARD(creat, path, mode);
}

FNGUARD_HOOK int creat64(const char* path, mode_t mode) {
  FNGUARD_OPEN_CHECK("creat", AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC);
  FNGUARD_FORWARD(creat64, path, mode);
}

#define FNGUARD_FOPEN_CHECK(call, path, mode)                                 \
  if (int e = Decide([&] { return sb::CheckFopen(call, path, mode); })) {     \
    errno = e;                                                                \
    return nullptr;                                                           \
  }

#define FNGUARD_FORWARD_FILE(name, ...) \
  auto real = FNGUARD_REAL(name);       \
  if (real == nullptr) {                \
    errno = ENOSYS;                     \
    return nullptr;                     \
  }                                     \
  return real(__VA_ARGS__)

FNGUARD_HOOK FILE* fopen(const char* path, const char* mode) {
  FNGUARD_FOPEN_CHECK("fopen", path, mode);
  FNGUARD_FORWARD_FILE(fopen, path, mode);
}

FNGUARD_HOOK FILE* fopen64(const char* path, const char* mode) {
  FNGUARD_FOPEN_CHECK("fopen", path, mode);
  FNGUARD_FORWARD_FILE(fopen64, path, mode);
}

FNGUARD_HOOK FILE* freopen(const char* path, const char* mode, FILE* stream) {
  FNGUARD_FOPEN_CHECK("freopen", path, mode);
  FNGUARD_FORWARD_FILE(freopen, path, mode, stream);
}

FNGUARD_HOOK FILE* freopen64(const char* path, const char* mode, FILE* stream) {
  FNGUARD_FOPEN_CHECK("freopen", path, mode);
  FNGUARD_FORWARD_FILE(freopen64, path, mode, stream);
}
