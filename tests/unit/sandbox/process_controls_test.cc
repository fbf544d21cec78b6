// The sandbox in real processes, as functions get it: the compromised
// example (examples/compromised) linked against libfnguard.so, which turns the
// sandbox on before main() from FNGUARD_POLICY; system programs (python3,
// curl, bash) with libfnguard.so in LD_PRELOAD; and the built-in Runtime API
// loop under the local emulator. The kernel layers (seccomp, Landlock) are
// on here, so direct system calls are covered too.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wrappers/local/testing.h"
#include "tests/support/read_file.h"

namespace fnguard::sandbox {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kFixture = std::string(FNGUARD_BINARY_DIR) + "/examples/compromised/bootstrap";
const std::string kLibrary = std::string(FNGUARD_BINARY_DIR) + "/runtime/libfnguard.so";

using test_support::ReadFile;

// The first executable `name` on PATH, or "".
std::string Which(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class ProcessControlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The fixture is an example function: a tree configured without the
    // examples has nothing to run (one configured with them must have it).
    if (!FNGUARD_EXAMPLES_BUILT) GTEST_SKIP() << "configured with FNGUARD_BUILD_EXAMPLES=OFF";
    ASSERT_EQ(access(kFixture.c_str(), X_OK), 0) << kFixture << " is not built";
    dir_ = fs::path(::testing::TempDir()) / ("sandbox_processes_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "ok");
    fs::create_directories(dir_ / "other");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WritePolicy(const std::string& name, const std::string& yaml) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << yaml;
    return path;
  }

  // Runs argv with the environment of this process minus FNGUARD_POLICY and
  // LD_PRELOAD, plus `env`; stdout and stderr are captured.
  Outcome Exec(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    std::vector<std::string> environment;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view kv = *e;
      if (kv.starts_with("FNGUARD_POLICY=") || kv.starts_with("LD_PRELOAD=")) continue;
      environment.emplace_back(kv);
    }
    for (const std::string& kv : env) environment.push_back(kv);
    std::vector<char*> cargv, cenv;
    for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    for (const std::string& e : environment) cenv.push_back(const_cast<char*>(e.c_str()));
    cenv.push_back(nullptr);
    const std::string out = (dir_ / "out.txt").string();
    const std::string err = (dir_ / "err.txt").string();
    pid_t pid = fork();
    if (pid == 0) {
      int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(o, 1);
      dup2(e, 2);
      execve(cargv[0], cargv.data(), cenv.data());
      _exit(127);
    }
    Outcome r;
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
  }

  Outcome Fixture(const std::string& policy, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {kFixture};
    argv.insert(argv.end(), args.begin(), args.end());
    return Exec(argv, {"FNGUARD_POLICY=" + policy});
  }

  fs::path dir_;
};

// A listener that is reachable, so a refused connect is the guard's doing.
class Listener {
 public:
  explicit Listener(const char* address) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    inet_pton(AF_INET, address, &sin.sin_addr);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)), 0);
    EXPECT_EQ(listen(fd_, 64), 0);
    socklen_t len = sizeof(sin);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&sin), &len);
    port_ = ntohs(sin.sin_port);
  }
  ~Listener() { close(fd_); }
  std::string port() const { return std::to_string(port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST_F(ProcessControlsTest, RawSocketToADeniedAddressFailsOnlyUnderTheGuard) {
  Listener listener("127.0.0.2");
  std::string policy = WritePolicy("p.yaml", "version: 1\negress: {sockets: enforce}\n");
  Outcome without = Exec({kFixture, "connect", "127.0.0.2", listener.port()}, {});
  EXPECT_EQ(without.exit_code, 0) << without.out << without.err;
  Outcome with = Fixture(policy, {"connect", "127.0.0.2", listener.port()});
  EXPECT_EQ(with.exit_code, 1);
  EXPECT_THAT(with.out, HasSubstr(R"("errno":13)"));
  EXPECT_THAT(with.err, HasSubstr(R"("kind":"egress")"));
  EXPECT_THAT(with.err, HasSubstr(R"("rule_id":"default-deny")"));
  Outcome metadata = Fixture(policy, {"connect", "169.254.169.254", "80"});
  EXPECT_THAT(metadata.out, HasSubstr(R"("errno":13)"));
  EXPECT_THAT(metadata.err, HasSubstr(R"("rule_id":"metadata-endpoint")"));
}

TEST_F(ProcessControlsTest, NamesResolvedByTheProcessCarryHostRules) {
  Listener listener("127.0.0.1");
  std::string policy = WritePolicy(
      "p.yaml", "version: 1\negress:\n  sockets: enforce\n  deny_private_addresses: false\n"
                "  allow: [{host: localhost, ports: [" + listener.port() + "]}]\n");
  Outcome by_name = Fixture(policy, {"resolve-connect", "localhost", listener.port()});
  EXPECT_EQ(by_name.exit_code, 0) << by_name.out << by_name.err;
  Outcome bare = Fixture(policy, {"connect", "127.0.0.1", listener.port()});
  EXPECT_EQ(bare.exit_code, 1);
}

TEST_F(ProcessControlsTest, UdpIsDecidedAndDnsToTheResolverPasses) {
  std::string policy = WritePolicy("p.yaml", "version: 1\negress: {sockets: enforce}\n");
  Outcome denied = Fixture(policy, {"udp", "127.0.0.2", "53"});
  EXPECT_THAT(denied.out, HasSubstr(R"("errno":13)"));
  std::string resolver;
  std::ifstream conf("/etc/resolv.conf");
  for (std::string line; std::getline(conf, line);) {
    if (line.starts_with("nameserver ")) {
      resolver = line.substr(11);
      resolver = resolver.substr(0, resolver.find_first_of(" \t%"));
      break;
    }
  }
  if (resolver.empty()) GTEST_SKIP() << "/etc/resolv.conf names no nameserver";
  Outcome dns = Fixture(policy, {"udp", resolver, "53"});
  EXPECT_EQ(dns.exit_code, 0) << dns.out << dns.err;
  Outcome other_port = Fixture(policy, {"udp", resolver, "5353"});
  EXPECT_THAT(other_port.out, HasSubstr(R"("errno":13)"));
}

TEST_F(ProcessControlsTest, ExecEnforceRefusesEveryWayToStartAProgram) {
  std::string policy = WritePolicy("p.yaml", "version: 1\nprocess: {exec: enforce}\n");
  Outcome exec = Fixture(policy, {"exec", "/bin/true"});
  EXPECT_THAT(exec.out, HasSubstr(R"("errno":1)"));
  // Reported from the forked child, without locks: no event_id, a pid.
  EXPECT_THAT(exec.err, HasSubstr(R"("detector":"exec")"));
  EXPECT_THAT(exec.err, HasSubstr(R"("action":"block")"));
  EXPECT_THAT(exec.err, HasSubstr(R"("pid":)"));
  // The raw system call never meets the hooks: the seccomp filter refuses it.
  Outcome raw = Fixture(policy, {"exec-syscall", "/bin/true"});
  EXPECT_THAT(raw.out, HasSubstr(R"("errno":1)"));
  Outcome shell = Fixture(policy, {"system", "true"});
  EXPECT_EQ(shell.exit_code, 1);
  EXPECT_THAT(shell.err, HasSubstr(R"("field_path":"system")"));
  // Without the policy all three run.
  EXPECT_EQ(Exec({kFixture, "exec-syscall", "/bin/true"}, {}).exit_code, 0);
}

TEST_F(ProcessControlsTest, ExecMonitorReportsAndLetsTheProgramRun) {
  std::string policy = WritePolicy("p.yaml", "version: 1\nprocess: {exec: monitor}\n");
  Outcome exec = Fixture(policy, {"exec", "/bin/true"});
  EXPECT_EQ(exec.exit_code, 0) << exec.out << exec.err;
  EXPECT_THAT(exec.err, HasSubstr(R"("action":"monitor")"));
  EXPECT_THAT(exec.err, HasSubstr(R"(/bin/true)"));
  Outcome shell = Fixture(policy, {"system", "true"});
  EXPECT_EQ(shell.exit_code, 0);
  EXPECT_THAT(shell.err, HasSubstr(R"("excerpt":"/bin/sh -c true")"));
}

TEST_F(ProcessControlsTest, FileWritesEnforceHoldsForLibcAndForRawSystemCalls) {
  const std::string ok = (dir_ / "ok").string();
  const std::string other = (dir_ / "other").string();
  std::string policy = WritePolicy(
      "p.yaml", "version: 1\nprocess:\n  file_writes: {mode: enforce, allow: [" + ok + "/]}\n");
  EXPECT_EQ(Fixture(policy, {"write", ok + "/a"}).exit_code, 0);
  EXPECT_TRUE(fs::exists(ok + "/a"));
  Outcome denied = Fixture(policy, {"write", other + "/b"});
  EXPECT_THAT(denied.out, HasSubstr(R"("errno":13)"));
  EXPECT_THAT(denied.err, HasSubstr(R"("detector":"file_writes")"));
  EXPECT_FALSE(fs::exists(other + "/b"));
  // The raw openat system call: refused by the Landlock ruleset.
  Outcome raw = Fixture(policy, {"write-syscall", other + "/c"});
  EXPECT_THAT(raw.out, HasSubstr(R"("errno":13)"));
  EXPECT_FALSE(fs::exists(other + "/c"));
  EXPECT_EQ(Fixture(policy, {"write-syscall", ok + "/d"}).exit_code, 0);
  // A symbolic link out of the allowed directory.
  fs::create_directory_symlink(other, dir_ / "ok" / "escape");
  Outcome escape = Fixture(policy, {"write-syscall", ok + "/escape/e"});
  EXPECT_THAT(escape.out, HasSubstr(R"("errno":13)"));
  EXPECT_FALSE(fs::exists(other + "/e"));
}

TEST_F(ProcessControlsTest, FileWritesMonitorReports) {
  const std::string ok = (dir_ / "ok").string();
  const std::string other = (dir_ / "other").string();
  std::string policy = WritePolicy(
      "p.yaml", "version: 1\nprocess:\n  file_writes: {mode: monitor, allow: [" + ok + "/]}\n");
  Outcome r = Fixture(policy, {"write", other + "/m"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(fs::exists(other + "/m"));
  EXPECT_THAT(r.err, HasSubstr(R"("action":"monitor")"));
}

TEST_F(ProcessControlsTest, LinkedProgramWithAnInvalidPolicyLeavesTheErrorToGuardFromEnv) {
  std::string policy = WritePolicy("bad.yaml", "version: 1\negress: {sockets: enforcing}\n");
  // CLI mode creates no Guard, so the program runs; the error is on stderr.
  Outcome r = Fixture(policy, {"connect", "127.0.0.1", "9"});
  EXPECT_THAT(r.err, HasSubstr("FNGUARD_POLICY could not be loaded"));
  EXPECT_THAT(r.err, HasSubstr("egress.sockets must be one of enforce, report, off"));
}

// --- LD_PRELOAD: programs that know nothing of fnguard ---------------------

// An AddressSanitizer build of libfnguard.so cannot be preloaded into a
// program that is not instrumented (the sanitizer runtime must be the first
// library loaded), so these run only in the ordinary build.
#ifdef FNGUARD_SANITIZED
#define SKIP_PRELOAD_UNDER_SANITIZERS() \
  GTEST_SKIP() << "an instrumented libfnguard.so cannot be preloaded into uninstrumented programs"
#else
#define SKIP_PRELOAD_UNDER_SANITIZERS() (void)0
#endif

TEST_F(ProcessControlsTest, PreloadedIntoPython) {
  SKIP_PRELOAD_UNDER_SANITIZERS();
  const std::string python = Which("python3");
  if (python.empty()) GTEST_SKIP() << "python3 is not installed";
  Listener listener("127.0.0.2");
  std::string policy = WritePolicy("p.yaml", "version: 1\negress: {sockets: enforce}\n");
  const std::string script =
      "import socket\n"
      "try:\n"
      "  socket.create_connection(('127.0.0.2', " + listener.port() + "), timeout=2)\n"
      "  print('connected')\n"
      "except OSError as e:\n"
      "  print('refused', e.errno)\n";
  Outcome plain = Exec({python, "-c", script}, {});
  EXPECT_THAT(plain.out, HasSubstr("connected"));
  Outcome guarded = Exec({python, "-c", script}, {"LD_PRELOAD=" + kLibrary, "FNGUARD_POLICY=" + policy});
  EXPECT_THAT(guarded.out, HasSubstr("refused 13"));
  EXPECT_THAT(guarded.err, HasSubstr(R"("detector":"sockets")"));
}

TEST_F(ProcessControlsTest, PreloadedIntoCurl) {
  SKIP_PRELOAD_UNDER_SANITIZERS();
  const std::string curl = Which("curl");
  if (curl.empty()) GTEST_SKIP() << "curl is not installed";
  Listener listener("127.0.0.2");
  std::string policy = WritePolicy("p.yaml", "version: 1\negress: {sockets: enforce}\n");
  const std::string url = "http://127.0.0.2:" + listener.port() + "/";
  Outcome guarded = Exec({curl, "-sS", "-m", "2", url},
                     {"LD_PRELOAD=" + kLibrary, "FNGUARD_POLICY=" + policy});
  EXPECT_EQ(guarded.exit_code, 7);  // could not connect
  EXPECT_THAT(guarded.err, HasSubstr(R"("field_path":"connect")"));
}

TEST_F(ProcessControlsTest, PreloadedIntoAShellExecIsRefused) {
  SKIP_PRELOAD_UNDER_SANITIZERS();
  std::string policy = WritePolicy("p.yaml", "version: 1\nprocess: {exec: enforce}\n");
  Outcome r = Exec({"/bin/bash", "-c", "/bin/true; echo rc=$?"},
               {"LD_PRELOAD=" + kLibrary, "FNGUARD_POLICY=" + policy});
  EXPECT_THAT(r.out, HasSubstr("rc=126"));
  EXPECT_THAT(r.err, HasSubstr("Operation not permitted"));
}

TEST_F(ProcessControlsTest, PreloadedWithAnInvalidPolicyExits) {
  SKIP_PRELOAD_UNDER_SANITIZERS();
  std::string policy = WritePolicy("bad.yaml", "version: 1\nprocess: {exec: sometimes}\n");
  Outcome r = Exec({"/bin/bash", "-c", "echo ran"},
               {"LD_PRELOAD=" + kLibrary, "FNGUARD_POLICY=" + policy});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, Not(HasSubstr("ran")));
  EXPECT_THAT(r.err, HasSubstr("process.exec must be one of enforce, monitor, off"));
}

// --- The built-in Runtime API loop under the guard -------------------------

TEST_F(ProcessControlsTest, TheLoopReachesTheRuntimeApiTheHandlerCannot) {
  Listener listener("127.0.0.2");
  // The loop's own requests pass; the handler's connection to the same
  // address is refused as the Runtime API (checked before the allowlist; that
  // an allowlisted address stays refused is in hooks_test.cc).
  std::string policy = WritePolicy(
      "p.yaml", "version: 1\negress: {sockets: enforce}\n"
                "process: {exec: enforce}\nreporting: {stdout: json}\n");
  const std::string output = (dir_ / "function.log").string();
  int fd = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  testing::LocalRuntimeOptions options;
  options.argv = {kFixture};
  options.policy_path = policy;
  options.output_fd = fd;
  options.timeout = std::chrono::milliseconds(5000);
  auto runtime = testing::LocalRuntime::Start(options);
  ASSERT_TRUE(runtime.ok()) << runtime.status();

  testing::InvocationResult api = (*runtime)->Invoke(R"({"action":"runtime-api"})");
  ASSERT_EQ(api.status, testing::InvocationStatus::kSuccess) << api.error_message;
  EXPECT_THAT(api.response, HasSubstr(R"("errno":13)"));

  testing::InvocationResult raw = (*runtime)->Invoke(
      R"({"action":"connect","host":"127.0.0.2","port":)" + listener.port() + "}");
  ASSERT_EQ(raw.status, testing::InvocationStatus::kSuccess) << raw.error_message;
  EXPECT_THAT(raw.response, HasSubstr(R"("errno":13)"));

  testing::InvocationResult shell = (*runtime)->Invoke(R"({"action":"system","command":"id"})");
  ASSERT_EQ(shell.status, testing::InvocationStatus::kSuccess) << shell.error_message;
  EXPECT_THAT(shell.response, HasSubstr(R"("errno":1)"));

  (*runtime)->Stop();
  close(fd);
  std::string log = ReadFile(output);
  EXPECT_THAT(log, HasSubstr(R"("rule_id":"fnguard.runtime-api")"));
  EXPECT_THAT(log, HasSubstr(R"("rule_id":"default-deny")"));
  EXPECT_THAT(log, HasSubstr(R"("detector":"exec")"));
}

}  // namespace
}  // namespace fnguard::sandbox
