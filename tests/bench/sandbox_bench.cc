// What the socket guard (runtime/sandbox) adds to connect(), measured beside
// a plain connect in the same run:
//
//   build/tests/bench/fnguard_bench --benchmark_filter='Connect|SocketDecision'
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Variants of one operation (socket(), connect() to a loopback listener,
// close()):
//   plain          libc's connect(), called directly (dlsym(RTLD_NEXT)): no hook
//   hook_idle      through the interposed connect(), nothing installed
//   guarded_cidr   the socket guard on (enforce), the address allowed by an
//                  allow cidr: the whole decision (name lookup, HostPolicy)
//   guarded_name   allowed by a host rule through a name the process resolved
// for TCP (a real handshake with the listener, which an acceptor thread
// drains) and for UDP (connect() only sets the peer: the hook's share of the
// call is largest there). BM_SocketDecision is the hook's check alone,
// BM_SocketDecisionExplained the full decision with its reason.
// BM_ConnectInterleaved alternates plain and guarded calls in one loop and
// reports the CPU time of each connect() call: the steadiest comparison on a
// busy machine.
// The added cost is guarded_* minus plain, in the same run.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <time.h>

#include "policy/policy.h"
#include "runtime/sandbox/name_map.h"
#include "runtime/sandbox/sandbox.h"

namespace fnguard {
namespace {

using ConnectFn = int (*)(int, const sockaddr*, socklen_t);

ConnectFn LibcConnect() {
  static const ConnectFn fn = reinterpret_cast<ConnectFn>(dlsym(RTLD_NEXT, "connect"));
  return fn;
}

// A loopback TCP listener whose connections an acceptor thread closes at
// once, so the backlog never fills. Lives for the whole run.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0 || listen(fd_, 4096) != 0) {
      std::perror("listener");
      std::abort();
    }
    socklen_t len = sizeof(sin);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&sin), &len);
    address_ = sin;
    std::thread([fd = fd_] {
      for (;;) {
        int c = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) close(c);
      }
    }).detach();
  }
  const sockaddr_in& address() const { return address_; }
  uint16_t port() const { return ntohs(address_.sin_port); }

 private:
  int fd_ = -1;
  sockaddr_in address_{};
};

const Listener& TheListener() {
  static const Listener* const listener = new Listener();
  return *listener;
}

enum class Variant { kPlain, kHookIdle, kGuardedCidr, kGuardedName };

// Installs what `variant` needs; Uninstall() at the end of the benchmark.
void Prepare(Variant variant, uint16_t port) {
  sandbox::Uninstall();
  if (variant == Variant::kPlain || variant == Variant::kHookIdle) return;
  std::string yaml = "version: 1\negress:\n  sockets: enforce\n";
  if (variant == Variant::kGuardedCidr) {
    yaml += "  allow:\n    - {cidr: 127.0.0.1/32, ports: [" + std::to_string(port) + "]}\n";
  } else {
    yaml += "  deny_private_addresses: false\n  allow:\n    - {host: api.example.com, ports: [" +
            std::to_string(port) + "]}\n";
    policy::IpAddress lo;
    lo.family = 4;
    lo.bytes = {127, 0, 0, 1};
    sandbox::ProcessNameMap().Record(lo, "api.example.com");
  }
  auto policy = policy::LoadPolicyText(yaml, "bench.yaml");
  if (!policy.ok()) std::abort();
  sandbox::InstallOptions options;
  options.kernel_layers = false;
  if (!sandbox::Install(*policy, options).ok()) std::abort();
}

int Connect(Variant variant, int fd, const sockaddr_in& to) {
  const auto* address = reinterpret_cast<const sockaddr*>(&to);
  if (variant == Variant::kPlain) return LibcConnect()(fd, address, sizeof(to));
  return connect(fd, address, sizeof(to));
}

void BM_TcpConnect(benchmark::State& state) {
  const Variant variant = static_cast<Variant>(state.range(0));
  const Listener& listener = TheListener();
  Prepare(variant, listener.port());
  // No TIME_WAIT left behind: close with a reset.
  const linger reset{1, 0};
  for (auto _ : state) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (Connect(variant, fd, listener.address()) != 0) {
      state.SkipWithError("connect failed");
      close(fd);
      break;
    }
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    close(fd);
  }
  sandbox::Uninstall();
}
BENCHMARK(BM_TcpConnect)
    ->ArgName("plain0_idle1_cidr2_name3")
    ->Arg(static_cast<int>(Variant::kPlain))
    ->Arg(static_cast<int>(Variant::kHookIdle))
    ->Arg(static_cast<int>(Variant::kGuardedCidr))
    ->Arg(static_cast<int>(Variant::kGuardedName));

void BM_UdpConnect(benchmark::State& state) {
  const Variant variant = static_cast<Variant>(state.range(0));
  const Listener& listener = TheListener();
  Prepare(variant, listener.port());
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  for (auto _ : state) {
    if (Connect(variant, fd, listener.address()) != 0) {
      state.SkipWithError("connect failed");
      break;
    }
  }
  close(fd);
  sandbox::Uninstall();
}
BENCHMARK(BM_UdpConnect)
    ->ArgName("plain0_idle1_cidr2_name3")
    ->Arg(static_cast<int>(Variant::kPlain))
    ->Arg(static_cast<int>(Variant::kHookIdle))
    ->Arg(static_cast<int>(Variant::kGuardedCidr))
    ->Arg(static_cast<int>(Variant::kGuardedName));

// Plain and guarded connect() alternating in one loop (the order swapped
// every iteration), each call timed on its own with the thread's CPU clock,
// so that drift and neighbours affect both alike. Counters: the mean CPU time
// of one connect() call, plain and guarded (allowed by a cidr), and the
// difference. state.range(0): 0 TCP (handshake with the listener), 1 UDP.
uint64_t ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

void BM_ConnectInterleaved(benchmark::State& state) {
  const bool udp = state.range(0) == 1;
  const Listener& listener = TheListener();
  Prepare(Variant::kGuardedCidr, listener.port());
  const linger reset{1, 0};
  uint64_t plain_ns = 0;
  uint64_t guarded_ns = 0;
  uint64_t calls = 0;
  int udp_fd = udp ? socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0) : -1;
  for (auto _ : state) {
    for (int k = 0; k < 2; ++k) {
      const bool guarded = (k == 0) == ((calls & 1) == 0);
      const Variant variant = guarded ? Variant::kGuardedCidr : Variant::kPlain;
      int fd = udp ? udp_fd : socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      const uint64_t start = ThreadCpuNanos();
      const int rc = Connect(variant, fd, listener.address());
      const uint64_t took = ThreadCpuNanos() - start;
      (guarded ? guarded_ns : plain_ns) += took;
      if (!udp) {
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
        close(fd);
      }
      if (rc != 0) {
        state.SkipWithError("connect failed");
        break;
      }
    }
    ++calls;
  }
  if (udp_fd >= 0) close(udp_fd);
  sandbox::Uninstall();
  if (calls == 0) return;
  const double n = static_cast<double>(calls);
  state.counters["plain_ns"] = static_cast<double>(plain_ns) / n;
  state.counters["guarded_ns"] = static_cast<double>(guarded_ns) / n;
  state.counters["added_ns"] = (static_cast<double>(guarded_ns) - static_cast<double>(plain_ns)) / n;
}
BENCHMARK(BM_ConnectInterleaved)->ArgName("tcp0_udp1")->Arg(0)->Arg(1);

// The check the hook makes for an allowed connection (no system call).
void BM_SocketDecision(benchmark::State& state) {
  const Variant variant = static_cast<Variant>(state.range(0));
  const Listener& listener = TheListener();
  Prepare(variant, listener.port());
  const sockaddr_in& to = listener.address();
  for (auto _ : state) {
    int denied = sandbox::CheckSocket(reinterpret_cast<const sockaddr*>(&to), sizeof(to),
                                      sandbox::SocketCall::kConnect);
    if (denied != 0) {
      state.SkipWithError("denied");
      break;
    }
    benchmark::DoNotOptimize(denied);
  }
  sandbox::Uninstall();
}
BENCHMARK(BM_SocketDecision)
    ->ArgName("cidr2_name3")
    ->Arg(static_cast<int>(Variant::kGuardedCidr))
    ->Arg(static_cast<int>(Variant::kGuardedName));

// The full decision with its reason (what a denial or report mode costs
// before the event is built).
void BM_SocketDecisionExplained(benchmark::State& state) {
  const Variant variant = static_cast<Variant>(state.range(0));
  const Listener& listener = TheListener();
  Prepare(variant, listener.port());
  const sockaddr_in& to = listener.address();
  for (auto _ : state) {
    egress::Decision d = sandbox::DecideSocket(reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    benchmark::DoNotOptimize(d);
  }
  sandbox::Uninstall();
}
BENCHMARK(BM_SocketDecisionExplained)
    ->ArgName("cidr2_name3")
    ->Arg(static_cast<int>(Variant::kGuardedCidr))
    ->Arg(static_cast<int>(Variant::kGuardedName));

}  // namespace
}  // namespace fnguard
