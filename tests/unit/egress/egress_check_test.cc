// The `fnguard egress check` contract, run in-process.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "wrappers/cli/egress_commands.h"

namespace fnguard::cli {
namespace {

// ctest runs each test in its own process, several at once: every process
// writes its own copy, so none reads a file another is rewriting. The copies
// are removed when the process exits.
struct WrittenFiles {
  ~WrittenFiles() {
    for (const std::string& p : paths) std::remove(p.c_str());
  }
  std::vector<std::string> paths;
};

std::string WritePolicy(const std::string& name, const std::string& text) {
  static WrittenFiles written;
  std::string path = ::testing::TempDir() + "/" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path) << text;
  written.paths.push_back(path);
  return path;
}

const std::string& EnforcePolicy() {
  static const std::string* const path =
      new std::string(WritePolicy("egress_enforce.yaml", R"(version: 1
egress:
  allow:
    - {host: api.example.com}
    - {host: localhost}
)"));
  return *path;
}

struct CommandResult {
  int exit_code;
  std::string out;
};

CommandResult RunEgress(const Args& args) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int rc = EgressCommand(args);
  std::string out = ::testing::internal::GetCapturedStdout();
  ::testing::internal::GetCapturedStderr();
  return {rc, out};
}

TEST(EgressCheck, AllAllowedExitsZero) {
  CommandResult r = RunEgress({"check", "--policy", EnforcePolicy(), "https://api.example.com/v1"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "{\"url\":\"https://api.example.com/v1\",\"decision\":\"allow\",\"reason\":\"host "
            "'api.example.com' is allowed by egress.allow[0] ('api.example.com')\","
            "\"rule\":\"egress.allow[0]\"}\n");
}

TEST(EgressCheck, AnyDeniedExitsThree) {
  CommandResult r = RunEgress({"check", "--policy", EnforcePolicy(), "https://api.example.com/",
                     "https://evil.example.net/"});
  EXPECT_EQ(r.exit_code, kExitEgressDenied);
  EXPECT_NE(r.out.find("\"decision\":\"allow\""), std::string::npos);
  EXPECT_NE(r.out.find("{\"url\":\"https://evil.example.net/\",\"decision\":\"deny\",\"reason\":"
                       "\"host 'evil.example.net' is not on the allowlist\",\"rule\":"
                       "\"default-deny\"}"),
            std::string::npos)
      << r.out;
}

TEST(EgressCheck, ResolveListsAddresses) {
  CommandResult r =
      RunEgress({"check", "--policy", EnforcePolicy(), "--resolve", "https://localhost/"});
  EXPECT_EQ(r.exit_code, kExitEgressDenied);
  EXPECT_NE(r.out.find("\"decision\":\"deny\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("loopback"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"addresses\":[\""), std::string::npos) << r.out;
}

TEST(EgressCheck, ReportModeAddsWouldDeny) {
  std::string p = WritePolicy("egress_report.yaml", "version: 1\negress:\n  mode: report\n");
  CommandResult r = RunEgress({"check", "--policy", p, "https://evil.example.net/"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"decision\":\"allow\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"would_deny\":true"), std::string::npos) << r.out;
}

TEST(EgressCheck, BadInputExitsTwo) {
  EXPECT_EQ(RunEgress({}).exit_code, kExitBadInput);
  EXPECT_EQ(RunEgress({"frobnicate"}).exit_code, kExitBadInput);
  EXPECT_EQ(RunEgress({"check", "https://api.example.com/"}).exit_code, kExitBadInput);
  EXPECT_EQ(RunEgress({"check", "--policy", EnforcePolicy()}).exit_code, kExitBadInput);
  EXPECT_EQ(RunEgress({"check", "--policy", EnforcePolicy(), "--bogus", "x"}).exit_code,
            kExitBadInput);
  std::string bad = WritePolicy("egress_bad.yaml",
                                "version: 1\negress:\n  allow: [{host: API.Example.com}]\n");
  EXPECT_EQ(RunEgress({"check", "--policy", bad, "https://api.example.com/"}).exit_code,
            kExitBadInput);
  EXPECT_EQ(RunEgress({"check", "--policy", "/nonexistent/p.yaml", "https://a.example.com/"})
                .exit_code,
            kExitBadInput);
  CommandResult help = RunEgress({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: fnguard egress check"), std::string::npos);
}

}  // namespace
}  // namespace fnguard::cli
