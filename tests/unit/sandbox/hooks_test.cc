// The interposed functions in this very process (the test binary carries the
// hooks, as every program linking fnguard does): real sockets to real
// listeners and real files, with the sandbox installed without its kernel
// layers (process_controls_test.cc covers those in child processes).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"
#include "runtime/report/reporter.h"
#include "runtime/sandbox/internal_scope.h"
#include "runtime/sandbox/name_map.h"
#include "runtime/sandbox/sandbox.h"
#include "tests/support/read_file.h"

namespace fnguard::sandbox {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// A TCP listener on `address`:ephemeral port. Connections complete in the
// kernel's backlog; nothing needs to accept them.
class Listener {
 public:
  explicit Listener(const char* address) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    inet_pton(AF_INET, address, &sin.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0 || listen(fd_, 64) != 0) {
      ADD_FAILURE() << "cannot listen on " << address << ": " << std::strerror(errno);
      return;
    }
    socklen_t len = sizeof(sin);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&sin), &len);
    port_ = ntohs(sin.sin_port);
  }
  ~Listener() { close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

sockaddr_in Address(const char* ip, uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  inet_pton(AF_INET, ip, &sin.sin_addr);
  return sin;
}

// connect() through the hook: 0, or the errno it failed with.
int ConnectErrno(const char* ip, uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin = Address(ip, port);
  errno = 0;
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
  int error = rc == 0 ? 0 : errno;
  close(fd);
  return error;
}

int SendtoErrno(const char* ip, uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin = Address(ip, port);
  errno = 0;
  ssize_t n = sendto(fd, "q", 1, 0, reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
  int error = n == 1 ? 0 : errno;
  close(fd);
  return error;
}

using test_support::ReadFile;

class SandboxHooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("sandbox_hooks_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "ok");
    fs::create_directories(dir_ / "other");
    resolv_conf_ = (dir_ / "resolv.conf").string();
    std::ofstream(resolv_conf_) << "nameserver 127.0.0.53\n";
    events_path_ = (dir_ / "events.jsonl").string();
  }

  void TearDown() override {
    Uninstall();
    if (reporter_ != nullptr) ClearReporter(reporter_.get());
    reporter_.reset();
    if (events_ != nullptr) std::fclose(events_);
    ProcessNameMap().Clear();
    fs::remove_all(dir_);
  }

  // Installs `yaml` (without seccomp/Landlock) and reports into events().
  void InstallPolicy(const std::string& yaml) {
    // The events file is opened first: it may lie outside the allowed paths.
    events_ = std::fopen(events_path_.c_str(), "w");
    ASSERT_NE(events_, nullptr);
    policy::Reporting reporting;
    reporting.stdout_format = "json";
    reporter_ = std::make_unique<report::Reporter>(reporting, events_);
    SetReporter(reporter_.get());
    auto policy = policy::LoadPolicyText(yaml, "hooks_test.yaml");
    ASSERT_TRUE(policy.ok()) << policy.status();
    InstallOptions options;
    options.kernel_layers = false;
    options.resolv_conf = resolv_conf_;
    auto installed = Install(*policy, options);
    ASSERT_TRUE(installed.ok()) << installed.status();
  }

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

TEST_F(SandboxHooksTest, ConnectToADeniedAddressFailsButWouldSucceed) {
  Listener listener("127.0.0.2");
  ASSERT_EQ(ConnectErrno("127.0.0.2", listener.port()), 0) << "the listener must be reachable";
  InstallPolicy("version: 1\negress: {sockets: enforce}\n");
  EXPECT_EQ(ConnectErrno("127.0.0.2", listener.port()), EACCES);
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("kind":"egress")"));
  EXPECT_THAT(events, HasSubstr(R"("action":"block")"));
  EXPECT_THAT(events, HasSubstr(R"("detector":"sockets")"));
  EXPECT_THAT(events, HasSubstr(R"("rule_id":"default-deny")"));
  EXPECT_THAT(events, HasSubstr(R"("field_path":"connect")"));
  EXPECT_THAT(events, HasSubstr("\"excerpt\":\"127.0.0.2:" + std::to_string(listener.port())));
  Uninstall();
  EXPECT_EQ(ConnectErrno("127.0.0.2", listener.port()), 0);
}

TEST_F(SandboxHooksTest, MetadataEndpointIsRefusedWithoutTouchingTheNetwork) {
  InstallPolicy("version: 1\negress: {sockets: enforce}\n");
  EXPECT_EQ(ConnectErrno("169.254.169.254", 80), EACCES);
  EXPECT_THAT(Events(), HasSubstr(R"("rule_id":"metadata-endpoint")"));
}

TEST_F(SandboxHooksTest, AllowedCidrPasses) {
  Listener listener("127.0.0.2");
  InstallPolicy("version: 1\negress:\n  sockets: enforce\n  allow:\n    - {cidr: 127.0.0.2/32, ports: [" +
                std::to_string(listener.port()) + "]}\n");
  EXPECT_EQ(ConnectErrno("127.0.0.2", listener.port()), 0);
  EXPECT_EQ(ConnectErrno("127.0.0.2", static_cast<uint16_t>(listener.port() + 1)), EACCES);
  EXPECT_THAT(Events(), Not(HasSubstr("\"excerpt\":\"127.0.0.2:" + std::to_string(listener.port()) + "\"")));
}

TEST_F(SandboxHooksTest, HostRulesApplyToNamesTheProcessResolved) {
  Listener listener("127.0.0.1");
  const std::string port = std::to_string(listener.port());
  InstallPolicy("version: 1\negress:\n  sockets: enforce\n  deny_private_addresses: false\n"
                "  allow:\n    - {host: localhost, ports: [" + port + "]}\n");
  ProcessNameMap().Clear();
  // No name is known for the address yet: a bare address is not allowed.
  EXPECT_EQ(ConnectErrno("127.0.0.1", listener.port()), EACCES);
  // The process resolves "localhost" (from /etc/hosts): now the host rule applies.
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  ASSERT_EQ(getaddrinfo("localhost", port.c_str(), &hints, &result), 0);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_EQ(connect(fd, result->ai_addr, result->ai_addrlen), 0) << std::strerror(errno);
  close(fd);
  freeaddrinfo(result);
  EXPECT_EQ(ConnectErrno("127.0.0.1", listener.port()), 0);
  EXPECT_EQ(ConnectErrno("127.0.0.1", static_cast<uint16_t>(listener.port() + 1)), EACCES);
}

TEST_F(SandboxHooksTest, ANameOnTheDenyListDeniesItsAddresses) {
  Listener listener("127.0.0.1");
  const std::string port = std::to_string(listener.port());
  InstallPolicy("version: 1\negress:\n  sockets: enforce\n  deny: [localhost]\n"
                "  allow:\n    - {cidr: 127.0.0.0/8, ports: [" + port + "]}\n");
  EXPECT_EQ(ConnectErrno("127.0.0.1", listener.port()), 0);
  hostent* h = gethostbyname("localhost");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(ConnectErrno("127.0.0.1", listener.port()), EACCES);
  EXPECT_THAT(Events(), HasSubstr(R"("rule_id":"egress.deny[0]")"));
}

TEST_F(SandboxHooksTest, UdpToDeniedAddressesIsRefusedDnsToTheResolverIsNot) {
  InstallPolicy("version: 1\negress: {sockets: enforce}\n");
  EXPECT_EQ(SendtoErrno("127.0.0.53", 53), 0);  // the nameserver of our resolv.conf
  EXPECT_EQ(SendtoErrno("127.0.0.53", 54), EACCES);
  EXPECT_EQ(SendtoErrno("127.0.0.54", 53), EACCES);
  EXPECT_EQ(SendtoErrno("169.254.169.254", 53), EACCES);

  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in denied = Address("127.0.0.54", 9);
  char byte = 'x';
  iovec iov{&byte, 1};
  msghdr msg{};
  msg.msg_name = &denied;
  msg.msg_namelen = sizeof(denied);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  errno = 0;
  EXPECT_EQ(sendmsg(fd, &msg, 0), -1);
  EXPECT_EQ(errno, EACCES);
  mmsghdr batch[2]{};
  batch[0].msg_hdr = msg;
  batch[1].msg_hdr = msg;
  errno = 0;
  EXPECT_EQ(sendmmsg(fd, batch, 2, 0), -1);
  EXPECT_EQ(errno, EACCES);
  // A connected UDP socket: connect() is the decision, send() passes.
  sockaddr_in resolver = Address("127.0.0.53", 53);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&resolver), sizeof(resolver)), 0);
  EXPECT_EQ(send(fd, "q", 1, 0), 1);
  close(fd);
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("field_path":"sendto")"));
  EXPECT_THAT(events, HasSubstr(R"("field_path":"sendmsg")"));
  EXPECT_THAT(events, HasSubstr(R"("field_path":"sendmmsg")"));
}

TEST_F(SandboxHooksTest, FnguardsOwnScopePasses) {
  Listener listener("127.0.0.2");
  InstallPolicy("version: 1\negress: {sockets: enforce}\n");
  {
    InternalScope internal;
    EXPECT_EQ(ConnectErrno("127.0.0.2", listener.port()), 0);
  }
  EXPECT_EQ(ConnectErrno("127.0.0.2", listener.port()), EACCES);
}

TEST_F(SandboxHooksTest, ProtectedEndpointsAreForFnguardOnly) {
  Listener api("127.0.0.1");
  const std::string port = std::to_string(api.port());
  // Even a policy that allows the address cannot open it to handler code.
  InstallPolicy("version: 1\negress:\n  sockets: enforce\n  allow:\n    - {cidr: 127.0.0.1/32, ports: [" +
                port + "]}\n");
  EXPECT_EQ(ConnectErrno("127.0.0.1", api.port()), 0);
  ProtectEndpoint("127.0.0.1:" + port, "the Lambda Runtime API", "fnguard.runtime-api");
  EXPECT_EQ(ConnectErrno("127.0.0.1", api.port()), EACCES);
  EXPECT_THAT(Events(), HasSubstr(R"("rule_id":"fnguard.runtime-api")"));
  InternalScope internal;
  EXPECT_EQ(ConnectErrno("127.0.0.1", api.port()), 0);
}

TEST_F(SandboxHooksTest, CollectorEndpointIsProtectedByName) {
  Listener collector("127.0.0.1");
  const std::string port = std::to_string(collector.port());
  InstallPolicy("version: 1\negress:\n  sockets: enforce\n  deny_private_addresses: false\n"
                "  allow:\n    - {host: localhost, ports: [" + port + "]}\n"
                "reporting:\n  otlp_endpoint: http://localhost:" + port + "/v1/logs\n");
  hostent* h = gethostbyname("localhost");  // as the sender's resolver would
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(ConnectErrno("127.0.0.1", collector.port()), EACCES);
  EXPECT_THAT(Events(), HasSubstr(R"("rule_id":"fnguard.collector")"));
}

TEST_F(SandboxHooksTest, TheProxyThePolicyNamesIsReachable) {
  Listener proxy("127.0.0.2");
  const std::string port = std::to_string(proxy.port());
  InstallPolicy("version: 1\negress:\n  sockets: enforce\n  proxy: http://127.0.0.2:" + port + "\n");
  EXPECT_EQ(ConnectErrno("127.0.0.2", proxy.port()), 0);
  EXPECT_EQ(ConnectErrno("127.0.0.2", static_cast<uint16_t>(proxy.port() + 1)), EACCES);
}

TEST_F(SandboxHooksTest, ReportModeLetsThroughAndReports) {
  Listener listener("127.0.0.2");
  InstallPolicy("version: 1\negress: {sockets: report}\n");
  EXPECT_EQ(ConnectErrno("127.0.0.2", listener.port()), 0);
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("action":"monitor")"));
  EXPECT_THAT(events, HasSubstr(R"("rule_id":"default-deny")"));
}

TEST_F(SandboxHooksTest, UnixSocketsAreNotDecided) {
  InstallPolicy("version: 1\negress: {sockets: enforce}\n");
  std::string path = (dir_ / "s.sock").string();
  int server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path.c_str());
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)), 0);
  ASSERT_EQ(listen(server, 4), 0);
  int client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_EQ(connect(client, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)), 0);
  close(client);
  close(server);
}

TEST_F(SandboxHooksTest, DecideSocketAloneMatchesTheHook) {
  InstallPolicy("version: 1\negress: {sockets: enforce}\n");
  sockaddr_in sin = Address("10.9.8.7", 443);
  egress::Decision d = DecideSocket(reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.rule, "default-deny");
  Uninstall();
  EXPECT_TRUE(DecideSocket(reinterpret_cast<sockaddr*>(&sin), sizeof(sin)).allow);
}

// --- Files and exec (interposition only here) -------------------------------

TEST_F(SandboxHooksTest, WritesOutsideTheAllowedPathsAreRefused) {
  const std::string ok = (dir_ / "ok").string();
  const std::string other = (dir_ / "other").string();
  std::ofstream(other + "/existing.txt") << "keep";
  InstallPolicy("version: 1\nprocess:\n  file_writes: {mode: enforce, allow: [" + ok + "/]}\n");

  int fd = open((ok + "/a.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0) << std::strerror(errno);
  close(fd);
  errno = 0;
  EXPECT_EQ(open((other + "/b.txt").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644), -1);
  EXPECT_EQ(errno, EACCES);
  EXPECT_FALSE(fs::exists(dir_ / "other" / "b.txt"));
  // Reading anywhere stays possible.
  fd = open("/etc/hosts", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  close(fd);
  // "..", relative paths through a directory descriptor, fopen modes.
  EXPECT_EQ(open((ok + "/../other/c.txt").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644), -1);
  int dirfd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  fd = openat(dirfd, "ok/d.txt", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0) << std::strerror(errno);
  close(fd);
  errno = 0;
  EXPECT_EQ(openat(dirfd, "other/e.txt", O_WRONLY | O_CREAT | O_CLOEXEC, 0644), -1);
  EXPECT_EQ(errno, EACCES);
  close(dirfd);
  EXPECT_EQ(std::fopen((other + "/f.txt").c_str(), "a"), nullptr);
  EXPECT_EQ(errno, EACCES);
  FILE* read = std::fopen((ok + "/a.txt").c_str(), "r");
  EXPECT_NE(read, nullptr);
  if (read != nullptr) std::fclose(read);
  EXPECT_EQ(creat((other + "/g.txt").c_str(), 0644), -1);
  // O_TRUNC alone changes a file.
  EXPECT_EQ(open((other + "/existing.txt").c_str(), O_RDONLY | O_TRUNC | O_CLOEXEC), -1);
  EXPECT_EQ(ReadFile(other + "/existing.txt"), "keep");
  // The standard devices.
  fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  close(fd);

  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("kind":"process")"));
  EXPECT_THAT(events, HasSubstr(R"("detector":"file_writes")"));
  EXPECT_THAT(events, HasSubstr(R"("rule_id":"process.file_writes")"));
  EXPECT_THAT(events, HasSubstr("\"excerpt\":\"" + other + "/b.txt\""));
}

TEST_F(SandboxHooksTest, SymbolicLinksOutOfTheAllowedPathsAreRefused) {
  const std::string ok = (dir_ / "ok").string();
  const std::string other = (dir_ / "other").string();
  fs::create_directory_symlink(other, dir_ / "ok" / "escape");
  fs::create_symlink(other + "/target.txt", dir_ / "ok" / "dangling");
  InstallPolicy("version: 1\nprocess:\n  file_writes: {mode: enforce, allow: [" + ok + "/]}\n");
  errno = 0;
  EXPECT_EQ(open((ok + "/escape/x.txt").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644), -1);
  EXPECT_EQ(errno, EACCES);
  EXPECT_EQ(open((ok + "/dangling").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644), -1);
  EXPECT_FALSE(fs::exists(other + "/x.txt"));
  EXPECT_FALSE(fs::exists(other + "/target.txt"));
  EXPECT_THAT(Events(), HasSubstr("symbolic link"));
}

TEST_F(SandboxHooksTest, MonitoredWritesHappenAndAreReported) {
  const std::string ok = (dir_ / "ok").string();
  const std::string other = (dir_ / "other").string();
  InstallPolicy("version: 1\nprocess:\n  file_writes: {mode: monitor, allow: [" + ok + "/]}\n");
  int fd = open((other + "/m.txt").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0);
  close(fd);
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("action":"monitor")"));
  EXPECT_THAT(events, HasSubstr(other + "/m.txt"));
}

TEST_F(SandboxHooksTest, ExecIsRefusedBeforeReachingTheKernel) {
  InstallPolicy("version: 1\nprocess: {exec: enforce}\n");
  char* argv[] = {const_cast<char*>("true"), nullptr};
  errno = 0;
  EXPECT_EQ(execv("/bin/true", argv), -1);  // refused: this process goes on
  EXPECT_EQ(errno, EPERM);
  errno = 0;
  EXPECT_EQ(std::system("true"), -1);
  EXPECT_EQ(errno, EPERM);
  EXPECT_EQ(popen("true", "r"), nullptr);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ), EPERM);
  std::string events = Events();
  EXPECT_THAT(events, HasSubstr(R"("detector":"exec")"));
  EXPECT_THAT(events, HasSubstr(R"("field_path":"execv")"));
  EXPECT_THAT(events, HasSubstr(R"("field_path":"posix_spawn")"));
  EXPECT_THAT(events, HasSubstr(R"("excerpt":"/bin/sh -c true")"));
}

TEST_F(SandboxHooksTest, NothingInstalledMeansNothingChanges) {
  Listener listener("127.0.0.2");
  EXPECT_FALSE(Installed());
  EXPECT_EQ(ConnectErrno("127.0.0.2", listener.port()), 0);
  EXPECT_EQ(std::system("true"), 0);
  int fd = open((dir_ / "other" / "n.txt").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0);
  close(fd);
}

}  // namespace
}  // namespace fnguard::sandbox
