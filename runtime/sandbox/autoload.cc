// Turns the sandbox on before main() in every process that loads
// libfnguard.so, linked or through LD_PRELOAD, when FNGUARD_POLICY names a
// policy that asks for it (egress.sockets, process.exec or
// process.file_writes not off).
//
// Built into libfnguard.so only (not into fnguard_core), so the fnguard CLI
// and the test binaries never turn it on by themselves.
//
// How: libfnguard.so defines __libc_start_main, which comes before libc's in
// the symbol search order, so the program's entry code calls this one. It
// runs after every shared library's constructors (libfnguard.so is fully
// initialized) and before the program's own static initializers and main():
// it creates a process-lifetime Guard from FNGUARD_POLICY (which installs
// the sandbox and reports denials through the policy's reporting settings),
// then hands over to libc's __libc_start_main.
//
// A policy that cannot be loaded: when libfnguard.so was preloaded, nothing
// else in the process would notice, so the process exits with status 1 after
// one JSON line on stderr; when it is linked, the function's own
// Guard::FromEnv() reports the same error (as a Lambda init error).
//
// Another definition of __libc_start_main earlier in the search order (a
// library listed before this one in LD_PRELOAD, libc itself listed first, or
// this library opened with dlopen after the program started) is called
// instead of this one, and the sandbox turns on only if it hands over to the
// next definition. Nothing could tell afterwards that it did not, so when
// the policy may ask for a sandbox, this library's constructor says so in one
// JSON line on stderr, naming the library whose definition comes first.
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "fnguard/guard.h"
#include "policy/policy.h"
#include "runtime/core/json.h"
#include "runtime/guard_internal.h"
#include "runtime/sandbox/sandbox.h"

namespace {

using MainFn = int (*)(int, char**, char**);
using StartMainFn = int (*)(MainFn, int, char**, void (*)(), void (*)(), void (*)(), void*);

void Line(std::string_view kind, std::string_view reason) {
  fnguard::json::Writer w;
  w.BeginObject();
  w.Field("source", "fnguard");
  w.Field("kind", kind);
  w.Field("detector", "sandbox");
  w.Field("reason", reason);
  w.EndObject();
  std::string line = w.Take();
  line.push_back('\n');
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

// Whether this library was named in LD_PRELOAD (by path or file name).
bool Preloaded() {
  Dl_info info;
  const char* preload = std::getenv("LD_PRELOAD");
  if (preload == nullptr || dladdr(reinterpret_cast<void*>(&Preloaded), &info) == 0 ||
      info.dli_fname == nullptr) {
    return false;
  }
  std::string_view self = info.dli_fname;
  std::string_view self_base = self.substr(self.rfind('/') + 1);
  std::string_view list = preload;
  while (!list.empty()) {
    size_t end = list.find_first_of(": ");
    std::string_view entry = list.substr(0, end);
    list.remove_prefix(end == std::string_view::npos ? list.size() : end + 1);
    if (entry.empty()) continue;
    std::string_view base = entry.substr(entry.rfind('/') + 1);
    // libfnguard.so, libfnguard.so.0 and libfnguard.so.0.1.0 name one library.
    if (entry == self || base == self_base ||
        (self_base.starts_with(base) && base.starts_with("libfnguard.so"))) {
      return true;
    }
  }
  return false;
}

// False when the policy file certainly turns no sandbox control on: none of
// the words that name them appears, and no escape could spell them. Spares
// functions without a sandbox section a policy load at start-up that only
// Guard::FromEnv() needs. A file longer than the 2 MiB read here, or one
// that cannot be read to its end, goes to the loader.
bool MayWantSandbox(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;  // let the loader report it
  constexpr size_t kMaxRead = size_t{2} << 20;
  std::string text;
  char buf[16384];
  bool whole = false;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      whole = n == 0;
      break;
    }
    if (text.size() + static_cast<size_t>(n) > kMaxRead) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (!whole) return true;
  return text.find("sockets") != std::string::npos || text.find("process") != std::string::npos ||
         text.find('\\') != std::string::npos;
}

void Autoload() {
  const char* path = std::getenv("FNGUARD_POLICY");
  if (path == nullptr || *path == '\0') return;
  if (!MayWantSandbox(path)) return;
  const bool preloaded = Preloaded();
  auto fail = [&](const std::string& message) {
    Line("policy", message);
    if (preloaded) _exit(1);
  };
  try {
    auto policy = fnguard::policy::LoadPolicyFile(path);
    if (!policy.ok()) {
      fail("FNGUARD_POLICY could not be loaded: " + std::string(policy.status().message()));
      return;
    }
    if (!fnguard::sandbox::Wanted(**policy)) return;
    auto guard = fnguard::internal::GuardFromPolicy(*std::move(policy));
    if (!guard.ok()) {
      fail("the sandbox could not be installed: " + guard.status().message());
      return;
    }
    // Lives as long as the process: hooks report through its reporter.
    static fnguard::Guard* const process_guard = guard->release();
    (void)process_guard;
  } catch (...) {
    fail("the sandbox could not be installed");
  }
}

// The file name of the library that defines the __libc_start_main the
// program's entry code calls, or "" when it is this library's. (Taking the
// address of this library's definition would go through the same lookup, so
// the two are told apart by the library that holds them.)
std::string ForeignStartMain() {
  void* first = dlsym(RTLD_DEFAULT, "__libc_start_main");
  Dl_info first_info, self_info;
  if (first == nullptr || dladdr(first, &first_info) == 0 ||
      dladdr(reinterpret_cast<void*>(&ForeignStartMain), &self_info) == 0 ||
      first_info.dli_fbase == self_info.dli_fbase) {
    return "";
  }
  return first_info.dli_fname != nullptr && *first_info.dli_fname != '\0' ? first_info.dli_fname
                                                                          : "the program";
}

__attribute__((constructor)) void WarnWhenAnotherStartMainComesFirst() {
  const char* path = std::getenv("FNGUARD_POLICY");
  if (path == nullptr || *path == '\0') return;
  try {
    const std::string foreign = ForeignStartMain();
    if (foreign.empty() || !MayWantSandbox(path)) return;
    Line("startup", "__libc_start_main of " + foreign +
                        " comes before libfnguard.so's, so the sandbox FNGUARD_POLICY may ask for "
                        "is turned on before main() only if that one hands over to the next "
                        "definition; list libfnguard.so first in LD_PRELOAD, or create the Guard "
                        "in main() with Guard::FromEnv()");
  } catch (...) {
    // Nothing the library does at load time may stop the program.
  }
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int __libc_start_main(
    MainFn main, int argc, char** argv, void (*init)(), void (*fini)(), void (*rtld_fini)(),
    void* stack_end) {
  auto real = reinterpret_cast<StartMainFn>(dlsym(RTLD_NEXT, "__libc_start_main"));
  if (real == nullptr) {
    static constexpr char kMessage[] = "fnguard: libc's __libc_start_main was not found\n";
    (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
    _exit(127);
  }
  Autoload();
  return real(main, argc, argv, init, fini, rtld_fini, stack_end);
}
