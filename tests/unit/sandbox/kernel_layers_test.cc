// The kernel layers: a seccomp filter that refuses execve/execveat and a
// Landlock ruleset that confines writes. Both last for the life of the
// process that applies them, so every test applies them in a forked child
// and asserts on what the child could and could not do afterwards. Raw
// system calls are used throughout: they never meet the interposed libc
// functions, so only the kernel layer can refuse them.
#include "runtime/sandbox/kernel_layers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/unit/sandbox/child_process.h"

namespace fnguard::sandbox {
namespace {

namespace fs = std::filesystem;
using testing::ChildResult;
using testing::kUnavailable;
using testing::RunInChild;

// execve("/bin/true") as a raw system call: -1 and errno, or no return.
int RawExecErrno() {
  char arg0[] = "true";
  char* argv[] = {arg0, nullptr};
  char* envp[] = {nullptr};
  errno = 0;
  syscall(SYS_execve, "/bin/true", argv, envp);
  return errno;
}

int RawExecatErrno() {
  char arg0[] = "true";
  char* argv[] = {arg0, nullptr};
  char* envp[] = {nullptr};
  errno = 0;
  syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, envp, 0);
  return errno;
}

// Applies the exec filter in the calling (child) process: false, with the
// child's exit code set to kUnavailable, when the kernel refuses it.
bool ApplyFilterOrReport(int* exit_code) {
  absl::Status st = ApplyExecFilter();
  if (!st.ok()) {
    std::printf("%s\n", std::string(st.message()).c_str());
    *exit_code = kUnavailable;
    return false;
  }
  return true;
}

void ExpectChildPassed(const ChildResult& r) {
  if (r.exit_code == kUnavailable) GTEST_SKIP() << "not available here: " << r.output;
  EXPECT_EQ(r.signal, 0) << "the child was killed by signal " << r.signal << "\n" << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(ExecFilterTest, ExecFailsWithEpermAndTheProcessGoesOn) {
  // Without the filter the same child really runs /bin/true (exit 0 from it).
  ChildResult plain = RunInChild([] { return RawExecErrno() == 0 ? 0 : 3; });
  ASSERT_EQ(plain.exit_code, 0) << "/bin/true must be runnable: " << plain.output;

  ExpectChildPassed(RunInChild([] {
    int code = 0;
    if (!ApplyFilterOrReport(&code)) return code;
    int e = RawExecErrno();
    if (e != EPERM) {
      std::printf("execve: %s\n", std::strerror(e));
      return 1;
    }
    e = RawExecatErrno();
    if (e != EPERM) {
      std::printf("execveat: %s\n", std::strerror(e));
      return 2;
    }
    // An errno action: the process is not killed and other calls work.
    if (getpid() <= 0 || access("/bin/true", X_OK) != 0) return 4;
    return 0;
  }));
}

TEST(ExecFilterTest, CoversThreadsStartedBeforeIt) {
  // TSYNC: a thread that already runs when the filter is loaded is bound too.
  ExpectChildPassed(RunInChild([] {
    std::atomic<int> stage{0};
    int thread_errno = -1;
    std::thread worker([&] {
      stage = 1;
      while (stage.load() != 2) std::this_thread::yield();
      thread_errno = RawExecErrno();
    });
    while (stage.load() != 1) std::this_thread::yield();
    int code = 0;
    // On failure the worker is still waiting: leave without letting it exec.
    if (!ApplyFilterOrReport(&code)) {
      std::fflush(stdout);
      _exit(code);
    }
    stage = 2;
    worker.join();
    if (thread_errno != EPERM) {
      std::printf("execve in the older thread: %s\n", std::strerror(thread_errno));
      return 1;
    }
    return 0;
  }));
}

TEST(ExecFilterTest, IsInheritedByChildren) {
  ExpectChildPassed(RunInChild([] {
    int code = 0;
    if (!ApplyFilterOrReport(&code)) return code;
    pid_t pid = fork();
    if (pid == 0) _exit(RawExecErrno() == EPERM ? 0 : 1);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::printf("a grandchild could exec (status %d)\n", status);
      return 1;
    }
    return 0;
  }));
}

TEST(ExecFilterTest, ApplyingTwiceStacks) {
  ExpectChildPassed(RunInChild([] {
    int code = 0;
    if (!ApplyFilterOrReport(&code)) return code;
    if (!ApplyExecFilter().ok()) {
      std::printf("a second filter was refused\n");
      return 1;
    }
    return RawExecErrno() == EPERM ? 0 : 2;
  }));
}

#if defined(__x86_64__)
// The i386 execve (number 11) through int 0x80, with a null path: it can
// never start anything, so only its error tells who refused it.
long Ia32ExecveNullPath() {
  long ret = 11;
  asm volatile("int $0x80"
               : "+a"(ret)
               : "b"(0), "c"(0), "d"(0)
               : "memory", "r8", "r9", "r10", "r11");
  return ret;
}

long Ia32Getpid() {
  long ret = 20;
  asm volatile("int $0x80" : "+a"(ret) : : "memory", "r8", "r9", "r10", "r11");
  return ret;
}

TEST(ExecFilterTest, TheIa32EntryIsFilteredToo) {
  // Kernels built or booted without IA-32 emulation kill int 0x80 callers:
  // find out in a throwaway child first.
  ChildResult probe = RunInChild([] { return Ia32Getpid() == getpid() ? 0 : 1; });
  if (probe.exit_code != 0) GTEST_SKIP() << "no IA-32 system call entry in this kernel";
  // Unfiltered, the null path is a bad address.
  ChildResult plain = RunInChild([] { return Ia32ExecveNullPath() == -EFAULT ? 0 : 1; });
  ASSERT_EQ(plain.exit_code, 0);
  ExpectChildPassed(RunInChild([] {
    int code = 0;
    if (!ApplyFilterOrReport(&code)) return code;
    long ret = Ia32ExecveNullPath();
    if (ret != -EPERM) {
      std::printf("int 0x80 execve returned %ld\n", ret);
      return 1;
    }
    return 0;
  }));
}
#endif

// --- Landlock ----------------------------------------------------------------

class WriteRulesetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("kernel_layers_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "ok");
    fs::create_directories(dir_ / "other");
    std::ofstream(dir_ / "single.txt") << "one file";
    std::ofstream(dir_ / "other" / "existing.txt") << "keep";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& rel) const { return (dir_ / rel).string(); }

  fs::path dir_;
};

// A raw openat for writing: 0 when it opened, else its errno.
int RawCreateErrno(const std::string& path, int flags = O_WRONLY | O_CREAT) {
  long fd = syscall(SYS_openat, AT_FDCWD, path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  close(static_cast<int>(fd));
  return 0;
}

TEST_F(WriteRulesetTest, FailsCleanlyWithoutLandlock) {
  if (LandlockAbiVersion() > 0) GTEST_SKIP() << "this kernel has Landlock";
  // Nothing is applied, so this may run in the test process itself.
  absl::StatusOr<std::vector<std::string>> r = ApplyWriteRuleset({Path("ok/")});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("Landlock"), std::string_view::npos);
}

TEST_F(WriteRulesetTest, WritesOnlyBeneathTheAllowedPaths) {
  if (LandlockAbiVersion() <= 0) GTEST_SKIP() << "no Landlock in this kernel";
  const std::string ok = Path("ok/");
  const std::string single = Path("single.txt");
  const std::string missing = Path("missing/");
  ChildResult r = RunInChild([&] {
    absl::StatusOr<std::vector<std::string>> notes = ApplyWriteRuleset({ok, single, missing});
    if (!notes.ok()) {
      std::printf("%s\n", std::string(notes.status().message()).c_str());
      return 1;
    }
    // The missing entry is named in the notes, the others are not.
    if (notes->size() != 1 || (*notes)[0].find(missing) == std::string::npos) {
      for (const std::string& n : *notes) std::printf("note: %s\n", n.c_str());
      return 2;
    }
    int failures = 0;
    const auto expect = [&](const char* what, int got, int want) {
      if (got == want) return;
      std::printf("%s: got %s, want %s\n", what, std::strerror(got), std::strerror(want));
      ++failures;
    };
    expect("create beneath the allowed directory", RawCreateErrno(Path("ok/a.txt")), 0);
    expect("create in another directory", RawCreateErrno(Path("other/b.txt")), EACCES);
    expect("write to an existing file elsewhere",
           RawCreateErrno(Path("other/existing.txt"), O_WRONLY), EACCES);
    expect("write to the allowed file", RawCreateErrno(single, O_WRONLY), 0);
    expect("create next to the allowed file", RawCreateErrno(Path("sibling.txt")), EACCES);
    expect("mkdir beneath the allowed directory",
           syscall(SYS_mkdirat, AT_FDCWD, Path("ok/sub").c_str(), 0755) == 0 ? 0 : errno, 0);
    expect("mkdir elsewhere",
           syscall(SYS_mkdirat, AT_FDCWD, Path("other/sub").c_str(), 0755) == 0 ? 0 : errno,
           EACCES);
    expect("unlink elsewhere",
           syscall(SYS_unlinkat, AT_FDCWD, Path("other/existing.txt").c_str(), 0) == 0 ? 0 : errno,
           EACCES);
    // Reading is not confined.
    expect("read elsewhere", RawCreateErrno(Path("other/existing.txt"), O_RDONLY), 0);
    return failures == 0 ? 0 : 3;
  });
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir_ / "ok" / "a.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "other" / "b.txt"));
  EXPECT_TRUE(fs::exists(dir_ / "other" / "existing.txt"));
}

TEST_F(WriteRulesetTest, ASecondRulesetCannotWidenTheFirst) {
  if (LandlockAbiVersion() <= 0) GTEST_SKIP() << "no Landlock in this kernel";
  const std::string ok = Path("ok/");
  const std::string other = Path("other/");
  ChildResult r = RunInChild([&] {
    if (!ApplyWriteRuleset({ok}).ok()) return 1;
    if (!ApplyWriteRuleset({ok, other}).ok()) return 2;
    if (RawCreateErrno(Path("other/widened.txt")) != EACCES) return 3;
    if (RawCreateErrno(Path("ok/still.txt")) != 0) return 4;
    return 0;
  });
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "other" / "widened.txt"));
}

}  // namespace
}  // namespace fnguard::sandbox
