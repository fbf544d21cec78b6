// The sandbox: the socket guard and the process controls of a policy,
// installed process-wide and consulted by the hooks (hooks.cc).
//
// What is decided once a policy is installed:
//   - egress.sockets (enforce | report): every connect(), and every sendto(),
//     sendmsg(), sendmmsg() that names a destination, to an IPv4 or IPv6
//     address. The address is judged by HostPolicy::DecideSocket with the
//     names the process resolved to it (name_map.h), except DNS (port 53) to
//     a nameserver of /etc/resolv.conf and the proxy egress.proxy names,
//     which always pass, and fnguard's own endpoints (the Lambda Runtime
//     API, the collector), which only fnguard's code (internal_scope.h) may
//     reach. Other families (Unix,
//     netlink) pass. A denial fails the call with EACCES.
//   - process.exec (enforce | monitor): execve and friends, system(),
//     popen(), posix_spawn(). Enforce fails them with EPERM (and loads the
//     seccomp filter of kernel_layers.h); monitor reports and lets them run.
//   - process.file_writes (enforce | monitor): open/openat/creat/fopen/
//     freopen for writing (write access, O_CREAT, O_TRUNC, O_TMPFILE) outside
//     the allowed paths; the path is made absolute and normalized, and for
//     an allowed path the real path (symlinks resolved) must be allowed too.
//     Enforce fails with EACCES (and loads the Landlock ruleset of
//     kernel_layers.h); monitor reports. /dev/null, /dev/stdout, /dev/stderr,
//     /dev/tty and the event spool directory are always allowed.
//
// Every denial (and, in report/monitor mode, every would-be denial) becomes
// a SecurityEvent of kind "egress" or "process" through the reporter set with
// SetReporter() (the Guard's), else one JSON line on stderr. In a forked
// child (a different pid than the installer's) the line is written to stderr
// with write(2) only, without locks or allocation.
//
// Installed state is immutable and published with one atomic pointer, so the
// hooks read it without locks; Install() replaces it (earlier states are
// kept alive for the life of the process, since a hook may still read one).
//
// Thread-safety: everything here may be called from any thread.
#ifndef FNGUARD_RUNTIME_SANDBOX_SANDBOX_H_
#define FNGUARD_RUNTIME_SANDBOX_SANDBOX_H_

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/policy.h"
#include "runtime/egress/host_policy.h"

struct addrinfo;
struct hostent;

namespace fnguard::report {
class Reporter;
}

namespace fnguard::sandbox {

struct InstallOptions {
  // Load the kernel layers (kernel_layers.h) for enforce modes: the seccomp
  // exec filter and the Landlock write ruleset. They last for the life of
  // the process and its children; in-process tests turn them off.
  bool kernel_layers = true;
  // Where the resolvers that DNS may always reach are read from.
  std::string resolv_conf = "/etc/resolv.conf";
};

// What Install() put in place.
struct InstallReport {
  policy::EgressMode sockets = policy::EgressMode::kOff;
  policy::ProcessMode exec = policy::ProcessMode::kOff;
  policy::ProcessMode file_writes = policy::ProcessMode::kOff;
  bool seccomp = false;   // the exec filter is loaded (now or by an earlier install)
  bool landlock = false;  // the write ruleset is loaded (now or by an earlier install)
  std::vector<std::string> resolvers;  // nameservers DNS may reach
  // Sentences about what could not be put in place (no seccomp, a missing
  // path for Landlock, ...): the interposed checks still apply.
  std::vector<std::string> notes;
};

// True when `policy` turns on any of egress.sockets, process.exec,
// process.file_writes.
bool Wanted(const policy::Policy& policy);

// Compiles the sandbox settings of `policy` and makes them the process's.
// Fails only when the egress rules do not compile.
absl::StatusOr<InstallReport> Install(std::shared_ptr<const policy::Policy> policy,
                                      const InstallOptions& options = {});

// The hooks pass everything again and endpoints declared with
// ProtectEndpoint() are forgotten (for tests). Kernel layers stay.
void Uninstall();

// Whether a sandbox is installed.
bool Installed();

// Declares `host_port` ("127.0.0.1:9001", "collector.example.com:4318") an
// endpoint of fnguard that only code in an InternalScope may reach. `label`
// names it in reasons ("the Lambda Runtime API"), `rule` is the decision's
// rule ("fnguard.runtime-api"). Applies to the installed sandbox and to
// later installs. Ignored when `host_port` does not parse.
void ProtectEndpoint(std::string_view host_port, std::string_view label, std::string_view rule);

// Denials go to `reporter` (which must stay alive until ClearReporter()).
void SetReporter(report::Reporter* reporter);
// Stops using `reporter` if it is the current one; waits for a report in
// progress to finish.
void ClearReporter(const report::Reporter* reporter);

// --- The checks the hooks make ---------------------------------------------
// Each returns 0 to let the call proceed, or the errno to fail it with, and
// reports what it denies (or, in report/monitor mode, would deny).

enum class SocketCall : uint8_t { kConnect, kSendto, kSendmsg, kSendmmsg };
int CheckSocket(const sockaddr* address, socklen_t length, SocketCall call);

// exec-family calls; `argv` may be null. `replaces_process` is true for the
// exec family (the process image is replaced: queued events are flushed
// first in monitor mode).
int CheckExec(const char* call, const char* path, char* const* argv, bool replaces_process);

// An open of `path` relative to `dirfd` (AT_FDCWD for the working
// directory) with open(2) `flags`.
int CheckOpen(const char* call, int dirfd, const char* path, int flags);
// fopen/freopen `mode` ("r", "w+", "ae", ...).
int CheckFopen(const char* call, const char* path, const char* mode);

// Records resolver answers for `name` in the process name map.
void RecordResolved(const char* name, const addrinfo* answers);
void RecordResolved(const char* name, const hostent* answer);

// The socket decision alone, without reporting (tests, benchmarks): what
// CheckSocket would decide for a thread outside the internal scope. Allows
// when nothing is installed or the address is not IPv4/IPv6.
egress::Decision DecideSocket(const sockaddr* address, socklen_t length);

}  // namespace fnguard::sandbox

#endif  // FNGUARD_RUNTIME_SANDBOX_SANDBOX_H_
