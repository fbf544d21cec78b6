// autoload.cc turns the sandbox on before main() in programs that load
// libfnguard.so. It is built into that library only (not into the test
// binaries), so these tests run a system shell with the library in
// LD_PRELOAD and FNGUARD_POLICY set, and look at what the shell could do and
// what was written to stderr. process_controls_test.cc covers the sandbox
// itself in such programs; these cover the start-up decisions: when the
// policy is read at all, when a bad one stops the program, and how the
// library recognizes itself in LD_PRELOAD.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/sandbox/child_process.h"

namespace fnguard::sandbox {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ChildResult;
using testing::RunInChild;

const std::string kLibraryDir = std::string(FNGUARD_BINARY_DIR) + "/runtime";
const std::string kLibrary = kLibraryDir + "/libfnguard.so";

// A policy that does not load, and names neither sandbox section.
constexpr char kBrokenPlain[] = "version: 1\nmode: [unclosed\n";
// The same, with a comment that names one.
constexpr char kBrokenNamingProcess[] = "version: 1\nmode: [unclosed\n# process: later\n";

class AutoloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef FNGUARD_SANITIZED
    // An instrumented libfnguard.so cannot be preloaded into a program that
    // is not instrumented (the sanitizer runtime must be loaded first).
    GTEST_SKIP() << "an instrumented libfnguard.so cannot be preloaded into /bin/sh";
#endif
    if (access(kLibrary.c_str(), R_OK) != 0) {
      GTEST_SKIP() << kLibrary << " is not built (build the libfnguard.so target)";
    }
    dir_ = fs::path(::testing::TempDir()) / ("autoload_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WritePolicy(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  // Runs `script` with /bin/sh, with this process's environment minus
  // FNGUARD_POLICY and LD_PRELOAD, plus `env`. Output is stdout and stderr.
  static ChildResult Shell(const std::string& script, const std::vector<std::string>& env) {
    std::vector<std::string> environment;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view kv = *e;
      if (kv.starts_with("FNGUARD_POLICY=") || kv.starts_with("LD_PRELOAD=")) continue;
      environment.emplace_back(kv);
    }
    environment.insert(environment.end(), env.begin(), env.end());
    return RunInChild([&] {
      std::vector<char*> cenv;
      for (std::string& kv : environment) cenv.push_back(kv.data());
      cenv.push_back(nullptr);
      std::string sh = "/bin/sh", dash_c = "-c", body = script;
      char* argv[] = {sh.data(), dash_c.data(), body.data(), nullptr};
      execve("/bin/sh", argv, cenv.data());
      return 127;
    });
  }

  static ChildResult Preloaded(const std::string& policy, const std::string& script = "echo ran") {
    return Shell(script, {"LD_PRELOAD=" + kLibrary, "FNGUARD_POLICY=" + policy});
  }

  fs::path dir_;
};

TEST_F(AutoloadTest, WithoutAPolicyNothingHappens) {
  ChildResult r = Shell("echo ran", {"LD_PRELOAD=" + kLibrary});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "ran\n");
  r = Preloaded("");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "ran\n");
}

TEST_F(AutoloadTest, APolicyThatNamesNoSandboxSectionIsNotRead) {
  // The policy is broken, but nothing in it could turn the sandbox on: the
  // program starts, and the error is left to Guard::FromEnv().
  ChildResult r = Preloaded(WritePolicy("plain.yaml", kBrokenPlain));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "ran\n");
}

TEST_F(AutoloadTest, ABrokenPolicyThatMayWantTheSandboxStopsAPreloadedProgram) {
  ChildResult r = Preloaded(WritePolicy("broken.yaml", kBrokenNamingProcess));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, Not(HasSubstr("ran")));
  // One JSON line says why.
  EXPECT_THAT(r.output, HasSubstr(R"({"source":"fnguard","kind":"policy","detector":"sandbox",)"));
  EXPECT_THAT(r.output, HasSubstr("FNGUARD_POLICY could not be loaded"));
  EXPECT_EQ(r.output.back(), '\n');
}

TEST_F(AutoloadTest, AnEscapeCouldSpellASectionSoThePolicyIsRead) {
  // "\u0070rocess" is "process" once YAML has read it: a backslash anywhere
  // means the words cannot be ruled out by looking at the bytes.
  ChildResult r = Preloaded(WritePolicy("escaped.yaml", "version: 1\nmode: [\"\\u0070\"\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("FNGUARD_POLICY could not be loaded"));
  // "sockets" alone is enough too.
  r = Preloaded(WritePolicy("sockets.yaml", "version: 1\nmode: [unclosed\n# sockets\n"));
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(AutoloadTest, APolicyTooLongToScanIsRead) {
  // The section's name comes 64 KiB after the first 2 MiB, past what the
  // start-up scan reads: the file goes to the loader, which stops the
  // program.
  std::string text = kBrokenPlain;
  const std::string comment = "# " + std::string(78, 'x') + "\n";
  while (text.size() <= (size_t{2} << 20) + (size_t{64} << 10)) text += comment;
  text += "# process: later\n";
  ChildResult r = Preloaded(WritePolicy("long.yaml", text), "echo ran");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, Not(HasSubstr("ran\n")));
  EXPECT_THAT(r.output, HasSubstr("FNGUARD_POLICY could not be loaded"));
}

TEST_F(AutoloadTest, AMissingPolicyFileIsReported) {
  ChildResult r = Preloaded((dir_ / "missing.yaml").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("FNGUARD_POLICY could not be loaded"));
  EXPECT_THAT(r.output, Not(HasSubstr("ran")));
}

TEST_F(AutoloadTest, AValidPolicyWithTheSandboxOffChangesNothing) {
  ChildResult r = Preloaded(
      WritePolicy("off.yaml", "version: 1\nprocess: {exec: off}\negress: {sockets: off}\n"),
      "/bin/true && echo ran");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "ran\n");
}

TEST_F(AutoloadTest, AWantedSandboxIsOnForTheWholeProgram) {
  // Monitor mode: the program runs on, and the guard created before main()
  // reports what its children start.
  ChildResult r = Preloaded(WritePolicy("monitor.yaml", "version: 1\nprocess: {exec: monitor}\n"),
                            "/bin/true && echo ran");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("ran\n"));
  EXPECT_THAT(r.output, HasSubstr(R"("detector":"exec")"));
  EXPECT_THAT(r.output, HasSubstr(R"("action":"monitor")"));
  EXPECT_THAT(r.output, HasSubstr("/bin/true"));
  // libfnguard.so's __libc_start_main is the one called: nothing to warn of.
  EXPECT_THAT(r.output, Not(HasSubstr(R"("kind":"startup")")));
}

TEST_F(AutoloadTest, AnotherStartMainEarlierInTheOrderIsReported) {
  // libc listed first: its __libc_start_main is called and never hands over
  // to libfnguard.so's, so the sandbox the policy asks for stays off. The
  // program runs (nothing may stop it for this), and one JSON line says why
  // the sandbox may be off, naming the library whose definition came first.
  const std::string monitor =
      WritePolicy("monitor.yaml", "version: 1\nprocess: {exec: monitor}\n");
  ChildResult r = Shell("/bin/true && echo ran",
                        {"LD_PRELOAD=libc.so.6:" + kLibrary, "FNGUARD_POLICY=" + monitor});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("ran\n"));
  EXPECT_THAT(r.output, HasSubstr(R"({"source":"fnguard","kind":"startup","detector":"sandbox",)"));
  EXPECT_THAT(r.output, HasSubstr("__libc_start_main of "));
  EXPECT_THAT(r.output, HasSubstr("libc.so.6 comes before libfnguard.so's"));
  EXPECT_THAT(r.output, Not(HasSubstr(R"("detector":"exec")")));
  // A policy that names no sandbox section needs no warning.
  r = Shell("echo ran", {"LD_PRELOAD=libc.so.6:" + kLibrary,
                         "FNGUARD_POLICY=" + WritePolicy("plain.yaml", "version: 1\n")});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "ran\n");
}

TEST_F(AutoloadTest, TheLibraryRecognizesItselfInLdPreloadLists) {
  // Only a preloaded library stops the program on a bad policy, so exit
  // status 1 shows that the entry was recognized. (The other entry must not
  // be libc: listed first, its __libc_start_main would be the one called.)
  const std::string policy = WritePolicy("broken.yaml", kBrokenNamingProcess);
  const std::string policy_env = "FNGUARD_POLICY=" + policy;
  for (const std::string& preload :
       {"libm.so.6:" + kLibrary, "libm.so.6 " + kLibrary, "::" + kLibrary + ":",
        std::string("libfnguard.so"), std::string("libfnguard.so.0")}) {
    ChildResult r = Shell("echo ran", {"LD_PRELOAD=" + preload, "LD_LIBRARY_PATH=" + kLibraryDir,
                                       policy_env});
    EXPECT_EQ(r.exit_code, 1) << "LD_PRELOAD=" << preload << "\n" << r.output;
    EXPECT_THAT(r.output, Not(HasSubstr("ran"))) << "LD_PRELOAD=" << preload;
  }
}

}  // namespace
}  // namespace fnguard::sandbox
