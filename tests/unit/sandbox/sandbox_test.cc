// The sandbox's decisions called directly (hooks_test.cc drives the same
// code through the interposed libc functions): what Install() puts in place
// and reports, the socket, exec and open checks, the endpoints only fnguard
// may reach, and the lock-free line a forked child reports with. Installs
// here leave out the kernel layers, except in forked children.
#include "runtime/sandbox/sandbox.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <simdjson.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"
#include "runtime/report/reporter.h"
#include "runtime/sandbox/internal_scope.h"
#include "runtime/sandbox/kernel_layers.h"
#include "runtime/sandbox/name_map.h"
#include "tests/unit/sandbox/child_process.h"
#include "tests/support/read_file.h"

namespace fnguard::sandbox {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::ChildResult;
using testing::RunInChild;

// An IPv4 or IPv6 socket address, as the hooks receive it.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

SocketAddress Address(const char* ip, uint16_t port) {
  SocketAddress a;
  if (std::string_view(ip).find(':') == std::string_view::npos) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&a.storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    EXPECT_EQ(inet_pton(AF_INET, ip, &sin->sin_addr), 1) << ip;
    a.length = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    EXPECT_EQ(inet_pton(AF_INET6, ip, &sin6->sin6_addr), 1) << ip;
    a.length = sizeof(sockaddr_in6);
  }
  return a;
}

egress::Decision Decide(const char* ip, uint16_t port) {
  SocketAddress a = Address(ip, port);
  return DecideSocket(a.get(), a.length);
}

int Check(const char* ip, uint16_t port, SocketCall call = SocketCall::kConnect) {
  SocketAddress a = Address(ip, port);
  return CheckSocket(a.get(), a.length, call);
}

using test_support::ReadFile;

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("sandbox_api_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "ok");
    fs::create_directories(dir_ / "other");
    resolv_conf_ = (dir_ / "resolv.conf").string();
    std::ofstream(resolv_conf_) << "nameserver 127.0.0.53\nnameserver ::1\n";
    events_path_ = (dir_ / "events.jsonl").string();
    events_ = std::fopen(events_path_.c_str(), "w");
    ASSERT_NE(events_, nullptr);
    policy::Reporting reporting;
    reporting.stdout_format = "json";
    reporter_ = std::make_unique<report::Reporter>(reporting, events_);
    SetReporter(reporter_.get());
  }

  void TearDown() override {
    Uninstall();
    ClearReporter(reporter_.get());
    reporter_.reset();
    std::fclose(events_);
    ProcessNameMap().Clear();
    fs::remove_all(dir_);
  }

  // A policy with nothing turned on, to be changed by the test.
  static std::shared_ptr<policy::Policy> Blank() {
    auto p = std::make_shared<policy::Policy>();
    p->reporting.spool_dir.clear();
    return p;
  }

  absl::StatusOr<InstallReport> InstallPolicy(std::shared_ptr<const policy::Policy> p,
                                              bool kernel_layers = false) {
    InstallOptions options;
    options.kernel_layers = kernel_layers;
    options.resolv_conf = resolv_conf_;
    return Install(std::move(p), options);
  }

  std::shared_ptr<policy::Policy> FileWrites(policy::ProcessMode mode) {
    auto p = Blank();
    p->process.file_writes.mode = mode;
    p->process.file_writes.allow = {(dir_ / "ok").string() + "/"};
    return p;
  }

  std::string Path(const std::string& rel) const { return (dir_ / rel).string(); }

  std::string Events() {
    std::fflush(events_);
    return ReadFile(events_path_);
  }

  fs::path dir_;
  std::string resolv_conf_;
  std::string events_path_;
  FILE* events_ = nullptr;
  std::unique_ptr<report::Reporter> reporter_;
};

// --- Wanted, Install, Uninstall ----------------------------------------------

TEST(WantedTest, AnyOfTheThreeControls) {
  policy::Policy p;
  EXPECT_FALSE(Wanted(p)) << "the defaults turn nothing on";
  // The egress mode of the HTTP client is not the socket guard.
  p.egress.mode = policy::EgressMode::kEnforce;
  EXPECT_FALSE(Wanted(p));
  for (policy::EgressMode m : {policy::EgressMode::kEnforce, policy::EgressMode::kReport}) {
    policy::Policy q;
    q.egress.sockets = m;
    EXPECT_TRUE(Wanted(q));
  }
  for (policy::ProcessMode m : {policy::ProcessMode::kMonitor, policy::ProcessMode::kEnforce}) {
    policy::Policy exec;
    exec.process.exec = m;
    EXPECT_TRUE(Wanted(exec));
    policy::Policy writes;
    writes.process.file_writes.mode = m;
    EXPECT_TRUE(Wanted(writes));
  }
}

TEST_F(SandboxTest, InstallWithoutAPolicyFails) {
  absl::StatusOr<InstallReport> r = InstallPolicy(nullptr);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Installed());
}

TEST_F(SandboxTest, EgressRulesThatDoNotCompileInstallNothing) {
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  p->egress.allow.push_back(policy::EgressAllow{"", "300.1.2.0/24", {443}, {}});
  absl::StatusOr<InstallReport> r = InstallPolicy(p);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("egress.allow[0]"));
  EXPECT_FALSE(Installed());
}

TEST_F(SandboxTest, ReportSaysWhatWasPutInPlace) {
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kReport;
  p->process.exec = policy::ProcessMode::kEnforce;
  p->process.file_writes.mode = policy::ProcessMode::kMonitor;
  absl::StatusOr<InstallReport> r = InstallPolicy(p);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sockets, policy::EgressMode::kReport);
  EXPECT_EQ(r->exec, policy::ProcessMode::kEnforce);
  EXPECT_EQ(r->file_writes, policy::ProcessMode::kMonitor);
  EXPECT_THAT(r->resolvers, ::testing::ElementsAre("127.0.0.53", "::1"));
  // Without the kernel layers nothing is loaded, and nothing is said about it.
  EXPECT_FALSE(r->seccomp);
  EXPECT_FALSE(r->landlock);
  EXPECT_THAT(r->notes, IsEmpty());
  EXPECT_TRUE(Installed());
  Uninstall();
  EXPECT_FALSE(Installed());
}

TEST_F(SandboxTest, ResolversAreReadOnlyForTheSocketGuard) {
  auto p = Blank();
  p->process.exec = policy::ProcessMode::kMonitor;
  absl::StatusOr<InstallReport> r = InstallPolicy(p);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->resolvers, IsEmpty());
}

// --- DecideSocket ------------------------------------------------------------

TEST_F(SandboxTest, WhatIsNotDecided) {
  egress::Decision none = Decide("10.9.8.7", 443);
  EXPECT_TRUE(none.allow);
  EXPECT_EQ(none.reason, "no sandbox is installed");

  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  ASSERT_TRUE(InstallPolicy(p).ok());
  EXPECT_FALSE(Decide("10.9.8.7", 443).allow);
  // Other families, and addresses too short to be what they claim.
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  egress::Decision unix_socket =
      DecideSocket(reinterpret_cast<const sockaddr*>(&sun), sizeof(sun));
  EXPECT_TRUE(unix_socket.allow);
  EXPECT_EQ(unix_socket.rule, "address");
  SocketAddress v4 = Address("10.9.8.7", 443);
  EXPECT_TRUE(DecideSocket(v4.get(), sizeof(sockaddr_in) - 1).allow);
  EXPECT_TRUE(DecideSocket(v4.get(), sizeof(sa_family_t)).allow);
  EXPECT_TRUE(DecideSocket(nullptr, 0).allow);
  SocketAddress v6 = Address("2001:db8::1", 443);
  EXPECT_TRUE(DecideSocket(v6.get(), sizeof(sockaddr_in)).allow);
  EXPECT_FALSE(DecideSocket(v6.get(), v6.length).allow);
}

TEST_F(SandboxTest, SocketsOffDecidesNothing) {
  auto p = Blank();
  p->process.exec = policy::ProcessMode::kMonitor;
  ASSERT_TRUE(InstallPolicy(p).ok());
  egress::Decision d = Decide("169.254.169.254", 80);
  EXPECT_TRUE(d.allow);
  EXPECT_EQ(d.rule, "egress.sockets");
  EXPECT_EQ(Check("169.254.169.254", 80), 0);
}

TEST_F(SandboxTest, DnsToTheConfiguredResolversOnly) {
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  ASSERT_TRUE(InstallPolicy(p).ok());
  EXPECT_EQ(Decide("127.0.0.53", 53).rule, "dns-resolver");
  EXPECT_TRUE(Decide("127.0.0.53", 53).allow);
  EXPECT_TRUE(Decide("::1", 53).allow);
  // The IPv4-mapped spelling of a resolver is that resolver.
  egress::Decision mapped = Decide("::ffff:127.0.0.53", 53);
  EXPECT_TRUE(mapped.allow);
  EXPECT_EQ(mapped.rule, "dns-resolver");
  // Another port of the resolver, and port 53 elsewhere, are decided as usual.
  EXPECT_FALSE(Decide("127.0.0.53", 5353).allow);
  EXPECT_FALSE(Decide("127.0.0.54", 53).allow);
  EXPECT_FALSE(Decide("8.8.8.8", 53).allow);
}

TEST_F(SandboxTest, ProtectedEndpointsInEveryWrittenForm) {
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  p->egress.deny_private_addresses = false;
  p->egress.allow.push_back(policy::EgressAllow{"", "0.0.0.0/0", {9001, 9002, 4318}, {}});
  p->egress.allow.push_back(policy::EgressAllow{"", "::/0", {9003}, {}});
  ASSERT_TRUE(InstallPolicy(p).ok());
  ASSERT_TRUE(Decide("127.0.0.1", 9001).allow) << "allowed before it is protected";

  ProtectEndpoint("127.0.0.1:9001", "the Lambda Runtime API", "fnguard.runtime-api");
  egress::Decision d = Decide("127.0.0.1", 9001);
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.rule, "fnguard.runtime-api");
  EXPECT_THAT(d.reason, HasSubstr("the Lambda Runtime API"));
  EXPECT_THAT(d.reason, HasSubstr("only fnguard itself may reach"));
  // Only that port, and the IPv4-mapped spelling of the same address too.
  EXPECT_TRUE(Decide("127.0.0.1", 9002).allow);
  EXPECT_EQ(Decide("::ffff:127.0.0.1", 9001).rule, "fnguard.runtime-api");

  ProtectEndpoint("[::1]:9003", "a test endpoint", "fnguard.v6");
  EXPECT_EQ(Decide("::1", 9003).rule, "fnguard.v6");
  EXPECT_FALSE(Decide("::1", 9003).allow);

  // A name: lower-cased, without its trailing dot, matched through the
  // names the process resolved.
  ProtectEndpoint("Collector.Example.COM.:4318", "the event collector", "fnguard.by-name");
  EXPECT_TRUE(Decide("10.20.30.40", 4318).allow);
  addrinfo answer{};
  SocketAddress resolved = Address("10.20.30.40", 0);
  answer.ai_family = AF_INET;
  answer.ai_addr = const_cast<sockaddr*>(resolved.get());
  answer.ai_addrlen = resolved.length;
  RecordResolved("collector.example.com", &answer);
  EXPECT_EQ(Decide("10.20.30.40", 4318).rule, "fnguard.by-name");

  // fnguard's own code passes.
  EXPECT_EQ(Check("127.0.0.1", 9001), EACCES);
  InternalScope internal;
  EXPECT_EQ(Check("127.0.0.1", 9001), 0);
}

TEST_F(SandboxTest, MalformedEndpointsAreIgnored) {
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  p->egress.deny_private_addresses = false;
  p->egress.allow.push_back(policy::EgressAllow{"", "0.0.0.0/0", {12, 9000, 65535}, {}});
  p->egress.allow.push_back(policy::EgressAllow{"", "::/0", {9000}, {}});
  ASSERT_TRUE(InstallPolicy(p).ok());
  for (const char* text : {"127.0.0.9", "127.0.0.9:0", "127.0.0.9:65536", "127.0.0.9:123456",
                           "127.0.0.9:12a", "127.0.0.9:-1", ":9000", "::1:9000", "[::1]9000",
                           "[::1", "[]:9000"}) {
    ProtectEndpoint(text, "bad", "bad.rule");
  }
  // Where a lenient parser would have put them.
  for (auto [ip, port] : {std::pair{"127.0.0.9", 0}, std::pair{"127.0.0.9", 12},
                          std::pair{"127.0.0.9", 9000}, std::pair{"127.0.0.9", 65535},
                          std::pair{"::1", 9000}, std::pair{"0.0.0.0", 9000}}) {
    egress::Decision d = Decide(ip, static_cast<uint16_t>(port));
    EXPECT_NE(d.rule, "bad.rule") << ip << " port " << port;
  }
}

TEST_F(SandboxTest, ProtectedEndpointsOutliveInstallsUntilUninstall) {
  // Declared before any install: applies to the next one.
  ProtectEndpoint("127.0.0.1:9101", "the Lambda Runtime API", "fnguard.runtime-api");
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  ASSERT_TRUE(InstallPolicy(p).ok());
  EXPECT_EQ(Decide("127.0.0.1", 9101).rule, "fnguard.runtime-api");
  // A new install keeps it.
  ASSERT_TRUE(InstallPolicy(p).ok());
  EXPECT_EQ(Decide("127.0.0.1", 9101).rule, "fnguard.runtime-api");
  // Uninstall forgets it.
  Uninstall();
  ASSERT_TRUE(InstallPolicy(p).ok());
  EXPECT_NE(Decide("127.0.0.1", 9101).rule, "fnguard.runtime-api");
}

TEST_F(SandboxTest, ReportModeLetsEndpointsThroughButSaysSo) {
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kReport;
  ASSERT_TRUE(InstallPolicy(p).ok());
  ProtectEndpoint("127.0.0.1:9201", "the Lambda Runtime API", "fnguard.runtime-api");
  egress::Decision d = Decide("127.0.0.1", 9201);
  EXPECT_TRUE(d.allow);
  EXPECT_TRUE(d.would_deny);
  EXPECT_EQ(d.rule, "fnguard.runtime-api");
  EXPECT_EQ(Check("127.0.0.1", 9201), 0);
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("action":"monitor")"));
  EXPECT_THAT(events, HasSubstr(R"("rule_id":"fnguard.runtime-api")"));
}

TEST_F(SandboxTest, TheCollectorOfThePolicyIsProtected) {
  for (auto [url, ip, port] :
       {std::tuple{"http://127.0.0.1:4318/v1/logs", "127.0.0.1", 4318},
        std::tuple{"https://127.0.0.3/v1/logs", "127.0.0.3", 443},
        std::tuple{"http://127.0.0.5?x=1", "127.0.0.5", 80}}) {
    auto p = Blank();
    p->egress.sockets = policy::EgressMode::kEnforce;
    p->reporting.otlp_endpoint = url;
    ASSERT_TRUE(InstallPolicy(p).ok()) << url;
    egress::Decision d = Decide(ip, static_cast<uint16_t>(port));
    EXPECT_FALSE(d.allow) << url;
    EXPECT_EQ(d.rule, "fnguard.collector") << url;
    EXPECT_THAT(d.reason, HasSubstr("the event collector")) << url;
    Uninstall();
  }
}

TEST_F(SandboxTest, TheProxyOfThePolicyIsReachable) {
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  p->egress.proxy = "http://127.0.0.4:3128";
  ASSERT_TRUE(InstallPolicy(p).ok());
  egress::Decision d = Decide("127.0.0.4", 3128);
  EXPECT_TRUE(d.allow);
  EXPECT_EQ(d.rule, "egress.proxy");
  EXPECT_EQ(Check("127.0.0.4", 3128), 0);
  EXPECT_FALSE(Decide("127.0.0.4", 3129).allow);
  EXPECT_FALSE(Decide("127.0.0.5", 3128).allow);

  // A proxy named by host: reachable at the addresses the process resolved
  // for that name.
  auto named = Blank();
  named->egress.sockets = policy::EgressMode::kEnforce;
  named->egress.proxy = "http://Proxy.Internal.:3128/";
  ASSERT_TRUE(InstallPolicy(named).ok());
  EXPECT_FALSE(Decide("10.0.0.9", 3128).allow);
  in_addr address{};
  ASSERT_EQ(inet_pton(AF_INET, "10.0.0.9", &address), 1);
  char* list[] = {reinterpret_cast<char*>(&address), nullptr};
  hostent answer{};
  answer.h_addrtype = AF_INET;
  answer.h_length = 4;
  answer.h_addr_list = list;
  RecordResolved("proxy.internal", &answer);
  EXPECT_EQ(Decide("10.0.0.9", 3128).rule, "egress.proxy");
}

TEST_F(SandboxTest, ResolverAnswersThatAreNotAddressesAreSkipped) {
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  p->egress.allow.push_back(policy::EgressAllow{"api.example.com", "", {443}, {}});
  ASSERT_TRUE(InstallPolicy(p).ok());
  // A hostent of another family, a null name and a null answer: nothing
  // recorded, nothing crashes.
  in_addr address{};
  ASSERT_EQ(inet_pton(AF_INET, "93.184.216.34", &address), 1);
  char* list[] = {reinterpret_cast<char*>(&address), nullptr};
  hostent odd{};
  odd.h_addrtype = AF_UNIX;
  odd.h_length = 4;
  odd.h_addr_list = list;
  RecordResolved("api.example.com", &odd);
  RecordResolved(nullptr, static_cast<const hostent*>(nullptr));
  RecordResolved("api.example.com", static_cast<const hostent*>(nullptr));
  RecordResolved(nullptr, static_cast<const addrinfo*>(nullptr));
  EXPECT_FALSE(Decide("93.184.216.34", 443).allow);
  // The same answer as AF_INET is recorded.
  hostent v4 = odd;
  v4.h_addrtype = AF_INET;
  RecordResolved("api.example.com", &v4);
  EXPECT_TRUE(Decide("93.184.216.34", 443).allow);
}

// --- CheckSocket ---------------------------------------------------------------

TEST_F(SandboxTest, CheckSocketRefusesAndReportsEachCall) {
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  ASSERT_TRUE(InstallPolicy(p).ok());
  EXPECT_EQ(Check("10.9.8.7", 443, SocketCall::kConnect), EACCES);
  EXPECT_EQ(Check("2001:db8::7", 8443, SocketCall::kSendto), EACCES);
  EXPECT_EQ(Check("10.9.8.7", 443, SocketCall::kSendmsg), EACCES);
  EXPECT_EQ(Check("10.9.8.7", 443, SocketCall::kSendmmsg), EACCES);
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("field_path":"connect","excerpt":"10.9.8.7:443")"));
  EXPECT_THAT(events, HasSubstr(R"("field_path":"sendto","excerpt":"[2001:db8::7]:8443")"));
  EXPECT_THAT(events, HasSubstr(R"("field_path":"sendmsg")"));
  EXPECT_THAT(events, HasSubstr(R"("field_path":"sendmmsg")"));
  EXPECT_THAT(events, HasSubstr(R"("action":"block")"));
  // A bare address is its own host in the report.
  EXPECT_THAT(events, HasSubstr(R"("host":"10.9.8.7")"));
}

TEST_F(SandboxTest, FunctionIdentityIsReadOnceAtInstall) {
  // getenv races with the Runtime API loop's setenv: read before any hook runs.
  setenv("AWS_LAMBDA_FUNCTION_NAME", "fn-at-install", 1);
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  ASSERT_TRUE(InstallPolicy(p).ok());
  setenv("AWS_LAMBDA_FUNCTION_NAME", "fn-changed-later", 1);
  EXPECT_EQ(Check("10.9.8.7", 443), EACCES);
  unsetenv("AWS_LAMBDA_FUNCTION_NAME");
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("function_name":"fn-at-install")"));
  EXPECT_THAT(events, Not(HasSubstr("fn-changed-later")));
}

// --- CheckOpen and CheckFopen -------------------------------------------------

TEST_F(SandboxTest, OnlyOpensThatCanChangeAFileAreChecked) {
  ASSERT_TRUE(InstallPolicy(FileWrites(policy::ProcessMode::kEnforce)).ok());
  const std::string other = Path("other/x.txt");
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, other.c_str(), O_RDONLY), 0);
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, other.c_str(), O_RDONLY | O_CLOEXEC), 0);
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, other.c_str(), O_PATH), 0);
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, other.c_str(), O_WRONLY), EACCES);
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, other.c_str(), O_RDWR), EACCES);
  // Read-only in name, but creating or truncating writes.
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, other.c_str(), O_RDONLY | O_CREAT), EACCES);
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, other.c_str(), O_RDONLY | O_TRUNC), EACCES);
  // O_TMPFILE makes a file in the directory it names.
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, Path("other").c_str(), O_TMPFILE | O_RDWR), EACCES);
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, Path("other").c_str(), O_TMPFILE), EACCES);
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, nullptr, O_WRONLY), 0);
  // Beneath the allowed directory, and the standard devices.
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, Path("ok/x.txt").c_str(), O_WRONLY | O_CREAT), 0);
  for (const char* device : {"/dev/null", "/dev/stdout", "/dev/stderr"}) {
    EXPECT_EQ(CheckOpen("open", AT_FDCWD, device, O_WRONLY), 0) << device;
  }
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr("\"excerpt\":\"" + other + "\""));
  EXPECT_THAT(events, HasSubstr("(process.file_writes is enforce)"));
  EXPECT_THAT(events, Not(HasSubstr("ok/x.txt")));
}

TEST_F(SandboxTest, RelativePathsAreResolvedAgainstTheirDirectory) {
  ASSERT_TRUE(InstallPolicy(FileWrites(policy::ProcessMode::kEnforce)).ok());
  int dirfd = open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(dirfd, 0);
  EXPECT_EQ(CheckOpen("openat", dirfd, "ok/y.txt", O_WRONLY | O_CREAT), 0);
  EXPECT_EQ(CheckOpen("openat", dirfd, "other/y.txt", O_WRONLY | O_CREAT), EACCES);
  // ".." is folded before the path is judged.
  EXPECT_EQ(CheckOpen("openat", dirfd, "ok/../other/y.txt", O_WRONLY | O_CREAT), EACCES);
  EXPECT_EQ(CheckOpen("openat", dirfd, "other/../ok/z.txt", O_WRONLY | O_CREAT), 0);
  close(dirfd);
  EXPECT_THAT(Events(), HasSubstr("\"excerpt\":\"" + Path("other/y.txt") + "\""));
}

TEST_F(SandboxTest, FopenModesThatWrite) {
  ASSERT_TRUE(InstallPolicy(FileWrites(policy::ProcessMode::kEnforce)).ok());
  const std::string other = Path("other/f.txt");
  // glibc's ",ccs=" suffix names a character set, not an access mode.
  for (const char* mode : {"r", "rb", "re", "rce", "r,ccs=ascii", "r,ccs=UTF-8"}) {
    EXPECT_EQ(CheckFopen("fopen", other.c_str(), mode), 0) << mode;
  }
  for (const char* mode : {"r+", "w", "wb", "a", "a+", "wx", "rb+", "w,ccs=ascii"}) {
    EXPECT_EQ(CheckFopen("fopen", other.c_str(), mode), EACCES) << mode;
  }
  EXPECT_EQ(CheckFopen("fopen", other.c_str(), nullptr), 0);
  EXPECT_EQ(CheckFopen("fopen", nullptr, "w"), 0);
  EXPECT_EQ(CheckFopen("fopen", Path("ok/f.txt").c_str(), "w"), 0);
  EXPECT_THAT(Events(), HasSubstr(R"("field_path":"fopen")"));
}

TEST_F(SandboxTest, MonitoredWritesPassAndAreReported) {
  ASSERT_TRUE(InstallPolicy(FileWrites(policy::ProcessMode::kMonitor)).ok());
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, Path("other/m.txt").c_str(), O_WRONLY | O_CREAT), 0);
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("action":"monitor")"));
  EXPECT_THAT(events, HasSubstr("(process.file_writes is monitor)"));
}

TEST_F(SandboxTest, WritesOffOrInsideTheInternalScopeAreNotChecked) {
  auto p = Blank();
  p->egress.sockets = policy::EgressMode::kEnforce;
  ASSERT_TRUE(InstallPolicy(p).ok());
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, Path("other/a.txt").c_str(), O_WRONLY | O_CREAT), 0);
  ASSERT_TRUE(InstallPolicy(FileWrites(policy::ProcessMode::kEnforce)).ok());
  InternalScope internal;
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, Path("other/a.txt").c_str(), O_WRONLY | O_CREAT), 0);
  EXPECT_EQ(CheckFopen("fopen", Path("other/a.txt").c_str(), "w"), 0);
}

TEST_F(SandboxTest, TheSpoolDirectoryIsAlwaysWritable) {
  auto p = FileWrites(policy::ProcessMode::kEnforce);
  p->reporting.otlp_endpoint = "http://127.0.0.1:4318/v1/logs";
  p->reporting.spool_dir = Path("spool");
  ASSERT_TRUE(InstallPolicy(p).ok());
  // Created at install, so that the kernel ruleset can name it.
  EXPECT_TRUE(fs::is_directory(dir_ / "spool"));
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, Path("spool/batch-1").c_str(), O_WRONLY | O_CREAT), 0);
  EXPECT_EQ(CheckOpen("open", AT_FDCWD, Path("spool-other").c_str(), O_WRONLY | O_CREAT), EACCES);
}

// --- CheckExec -----------------------------------------------------------------

TEST_F(SandboxTest, ExecEnforceRefusesAndNamesTheCommand) {
  auto p = Blank();
  p->process.exec = policy::ProcessMode::kEnforce;
  ASSERT_TRUE(InstallPolicy(p).ok());
  char arg0[] = "echo", arg1[] = "hello", arg2[] = "world";
  char* argv[] = {arg0, arg1, arg2, nullptr};
  EXPECT_EQ(CheckExec("execve", "/bin/echo", argv, true), EPERM);
  EXPECT_EQ(CheckExec("posix_spawn", "/bin/true", nullptr, false), EPERM);
  EXPECT_EQ(CheckExec("execve", nullptr, nullptr, true), EPERM);
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("field_path":"execve","excerpt":"/bin/echo hello world")"));
  EXPECT_THAT(events, HasSubstr(R"("field_path":"posix_spawn","excerpt":"/bin/true")"));
  EXPECT_THAT(events, HasSubstr(R"("rule_id":"process.exec")"));
  EXPECT_THAT(events, HasSubstr(R"("action":"block")"));
}

TEST_F(SandboxTest, ExecArgumentsAreRedactedAndBounded) {
  auto p = Blank();
  p->process.exec = policy::ProcessMode::kEnforce;
  ASSERT_TRUE(InstallPolicy(p).ok());
  char arg0[] = "curl", arg1[] = "-H", arg2[] = "Authorization: Bearer abcdef0123456789";
  char* argv[] = {arg0, arg1, arg2, nullptr};
  EXPECT_EQ(CheckExec("execve", "/usr/bin/curl", argv, true), EPERM);
  std::string long_arg(5000, 'y');
  char* long_argv[] = {arg0, long_arg.data(), nullptr};
  EXPECT_EQ(CheckExec("execve", "/usr/bin/curl", long_argv, true), EPERM);
  std::string events = Events();
  EXPECT_THAT(events, Not(HasSubstr("abcdef0123456789")));
  EXPECT_THAT(events, HasSubstr("[REDACTED]"));
  EXPECT_THAT(events, HasSubstr(std::string(1000, 'y')));
  EXPECT_THAT(events, Not(HasSubstr(std::string(1100, 'y'))));
}

TEST_F(SandboxTest, ExecMonitorOffAndInternalScope) {
  char arg0[] = "true";
  char* argv[] = {arg0, nullptr};
  auto p = Blank();
  p->process.exec = policy::ProcessMode::kMonitor;
  ASSERT_TRUE(InstallPolicy(p).ok());
  EXPECT_EQ(CheckExec("execve", "/bin/true", argv, false), 0);
  EXPECT_THAT(Events(), HasSubstr(R"("action":"monitor")"));
  {
    auto enforce = Blank();
    enforce->process.exec = policy::ProcessMode::kEnforce;
    ASSERT_TRUE(InstallPolicy(enforce).ok());
    InternalScope internal;
    EXPECT_EQ(CheckExec("execve", "/bin/true", argv, true), 0);
  }
  auto off = Blank();
  off->egress.sockets = policy::EgressMode::kEnforce;
  ASSERT_TRUE(InstallPolicy(off).ok());
  EXPECT_EQ(CheckExec("execve", "/bin/true", argv, true), 0);
}

// --- Reports from a forked child ----------------------------------------------

// The JSON lines a child wrote, parsed; fails the test on a line that is not
// valid JSON.
std::vector<std::string> ChildLines(const std::string& output) {
  std::vector<std::string> lines;
  std::stringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    simdjson::dom::parser parser;
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(line).get(e), simdjson::SUCCESS) << "not JSON: " << line;
    lines.push_back(line);
  }
  return lines;
}

TEST_F(SandboxTest, AForkedChildReportsWithoutItsArguments) {
  auto p = Blank();
  p->process.exec = policy::ProcessMode::kEnforce;
  ASSERT_TRUE(InstallPolicy(p).ok());
  ChildResult r = RunInChild([] {
    char arg0[] = "true", arg1[] = "s3cret-value";
    char* one[] = {arg0, arg1, nullptr};
    char* none[] = {arg0, nullptr};
    int a = CheckExec("execv", "/bin/true", one, true);
    int b = CheckExec("execv", "/bin/false", none, true);
    return a == EPERM && b == EPERM ? 0 : 1;
  });
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> lines = ChildLines(r.output);
  ASSERT_EQ(lines.size(), 2u) << r.output;
  EXPECT_THAT(lines[0], HasSubstr(R"json("excerpt":"/bin/true (1 argument)")json"));
  EXPECT_THAT(lines[1], HasSubstr(R"json("excerpt":"/bin/false (0 arguments)")json"));
  EXPECT_THAT(lines[0], HasSubstr(R"("action":"block")"));
  EXPECT_THAT(lines[0], HasSubstr(R"("pid":)"));
  EXPECT_THAT(r.output, Not(HasSubstr("s3cret-value")));
  // The child's reports do not go through the parent's reporter.
  EXPECT_THAT(Events(), Not(HasSubstr("/bin/true")));
}

TEST_F(SandboxTest, AForkedChildsLineIsValidJsonWhateverThePath) {
  ASSERT_TRUE(InstallPolicy(FileWrites(policy::ProcessMode::kEnforce)).ok());
  const std::string odd = Path("other/q\"uote\\back\nline\x01");
  ChildResult r = RunInChild([&] {
    return CheckOpen("open", AT_FDCWD, odd.c_str(), O_WRONLY | O_CREAT) == EACCES ? 0 : 1;
  });
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> lines = ChildLines(r.output);
  ASSERT_EQ(lines.size(), 1u) << r.output;
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  ASSERT_EQ(parser.parse(lines[0]).get(e), simdjson::SUCCESS);
  std::string_view excerpt;
  ASSERT_EQ(e["excerpt"].get(excerpt), simdjson::SUCCESS);
  // Quotes, backslashes and control bytes are escaped and read back as written.
  EXPECT_EQ(excerpt, odd);
  std::string_view detector;
  ASSERT_EQ(e["detector"].get(detector), simdjson::SUCCESS);
  EXPECT_EQ(detector, "file_writes");
}

// A file name in UTF-8 reads back as written; bytes that are not UTF-8
// (a lone continuation byte, an overlong form, a cut-off sequence) each read
// as U+FFFD, so the line stays valid JSON.
TEST_F(SandboxTest, AForkedChildsLineKeepsUtf8Names) {
  ASSERT_TRUE(InstallPolicy(FileWrites(policy::ProcessMode::kEnforce)).ok());
  const std::string name = Path("other/caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x93\x84");
  const std::string bad = Path("other/x\x80y\xc0\xafz\xe2\x82");
  ChildResult r = RunInChild([&] {
    const bool both = CheckOpen("open", AT_FDCWD, name.c_str(), O_WRONLY | O_CREAT) == EACCES &&
                      CheckOpen("open", AT_FDCWD, bad.c_str(), O_WRONLY | O_CREAT) == EACCES;
    return both ? 0 : 1;
  });
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> lines = ChildLines(r.output);
  ASSERT_EQ(lines.size(), 2u) << r.output;
  simdjson::dom::parser parser;
  std::string_view excerpt;
  simdjson::dom::element e;
  ASSERT_EQ(parser.parse(lines[0]).get(e), simdjson::SUCCESS) << lines[0];
  ASSERT_EQ(e["excerpt"].get(excerpt), simdjson::SUCCESS);
  EXPECT_EQ(excerpt, name);
  ASSERT_EQ(parser.parse(lines[1]).get(e), simdjson::SUCCESS) << lines[1];
  ASSERT_EQ(e["excerpt"].get(excerpt), simdjson::SUCCESS);
  const std::string r3 = "\xef\xbf\xbd";  // U+FFFD
  EXPECT_EQ(excerpt, Path("other/x" + r3 + "y" + r3 + r3 + "z" + r3 + r3));
}

// --- The kernel layers, through Install (forked children) --------------------

TEST_F(SandboxTest, InstallLoadsTheExecFilterOnce) {
  auto p = Blank();
  p->process.exec = policy::ProcessMode::kEnforce;
  ChildResult r = RunInChild([&] {
    absl::StatusOr<InstallReport> first = InstallPolicy(p, /*kernel_layers=*/true);
    if (!first.ok()) return 1;
    if (!first->seccomp) {
      for (const std::string& n : first->notes) std::printf("note: %s\n", n.c_str());
      return testing::kUnavailable;
    }
    char arg0[] = "true";
    char* argv[] = {arg0, nullptr};
    char* envp[] = {nullptr};
    errno = 0;
    syscall(SYS_execve, "/bin/true", argv, envp);
    if (errno != EPERM) return 2;
    // A second install says the filter is there, and loads no other.
    absl::StatusOr<InstallReport> second = InstallPolicy(p, /*kernel_layers=*/true);
    if (!second.ok() || !second->seccomp || !second->notes.empty()) return 3;
    return 0;
  });
  if (r.exit_code == testing::kUnavailable) GTEST_SKIP() << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(SandboxTest, InstallLoadsTheWriteRulesetOrSaysWhyNot) {
  auto p = FileWrites(policy::ProcessMode::kEnforce);
  const bool landlock = LandlockAbiVersion() > 0;
  const std::string other = Path("other/raw.txt");
  ChildResult r = RunInChild([&] {
    absl::StatusOr<InstallReport> first = InstallPolicy(p, /*kernel_layers=*/true);
    if (!first.ok()) return 1;
    for (const std::string& n : first->notes) std::printf("note: %s\n", n.c_str());
    if (!landlock) {
      // Interposition only, and the report says so.
      return !first->landlock && first->notes.size() == 1 &&
                     first->notes[0].find("interposition only") != std::string::npos
                 ? 0
                 : 2;
    }
    if (!first->landlock) return 3;
    long fd = syscall(SYS_openat, AT_FDCWD, other.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0 || errno != EACCES) return 4;
    // A second install with other paths cannot widen the ruleset: it says so.
    auto wider = FileWrites(policy::ProcessMode::kEnforce);
    wider->process.file_writes.allow.push_back(Path("other") + "/");
    absl::StatusOr<InstallReport> second = InstallPolicy(wider, /*kernel_layers=*/true);
    if (!second.ok() || !second->landlock) return 5;
    if (second->notes.size() != 1 || second->notes[0].find("stays in force") == std::string::npos) {
      return 6;
    }
    return 0;
  });
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(other));
}

}  // namespace
}  // namespace fnguard::sandbox
