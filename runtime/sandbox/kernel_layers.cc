#include "runtime/sandbox/kernel_layers.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "policy/text.h"

namespace fnguard::sandbox {
namespace {

using policy::Cat;

std::string Errno(int e) { return std::string(std::strerror(e)); }

// Write rights by Landlock ABI version; reading and executing stay allowed.
uint64_t HandledWriteRights(int abi) {
  uint64_t rights = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
                    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
                    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
                    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
#ifdef LANDLOCK_ACCESS_FS_REFER
  if (abi >= 2) rights |= LANDLOCK_ACCESS_FS_REFER;
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
  if (abi >= 3) rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
  return rights;
}

// The rights a rule on a regular file (not a directory) may carry.
uint64_t FileRights(uint64_t handled) {
  uint64_t file = LANDLOCK_ACCESS_FS_WRITE_FILE;
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
  file |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
  return handled & file;
}

absl::Status SetNoNewPrivs() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return absl::FailedPreconditionError(Cat("prctl(PR_SET_NO_NEW_PRIVS): ", Errno(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyExecFilter() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) return absl::FailedPreconditionError("seccomp_init failed");
  // Other ABIs the CPU can enter (i386 and x32 system calls on x86-64) get the
  // same rules, so `int 0x80` is no way around the filter.
#if defined(__x86_64__)
  seccomp_arch_add(ctx, SCMP_ARCH_X86);
  seccomp_arch_add(ctx, SCMP_ARCH_X32);
#elif defined(__aarch64__)
  seccomp_arch_add(ctx, SCMP_ARCH_ARM);
#endif
  int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(execve), 0);
  if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(execveat), 0);
  if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
  if (rc == 0) rc = seccomp_load(ctx);
  seccomp_release(ctx);
  if (rc != 0) {
    return absl::FailedPreconditionError(
        Cat("the seccomp exec filter could not be loaded: ", Errno(-rc)));
  }
  return absl::OkStatus();
}

int LandlockAbiVersion() {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

absl::StatusOr<std::vector<std::string>> ApplyWriteRuleset(const std::vector<std::string>& paths) {
  const int abi = LandlockAbiVersion();
  if (abi <= 0) {
    return absl::FailedPreconditionError("Landlock is not available in this kernel");
  }
  landlock_ruleset_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.handled_access_fs = HandledWriteRights(abi);
  int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0));
  if (ruleset < 0) {
    return absl::FailedPreconditionError(Cat("landlock_create_ruleset: ", Errno(errno)));
  }
  std::vector<std::string> notes;
  for (const std::string& entry : paths) {
    std::string path = entry;
    if (path.size() > 1 && path.back() == '/') path.pop_back();
    int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) {
      notes.push_back(Cat("'", entry, "' is not in the kernel ruleset: ", Errno(errno)));
      continue;
    }
    struct stat st;
    const bool is_dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    landlock_path_beneath_attr rule;
    std::memset(&rule, 0, sizeof(rule));
    rule.parent_fd = fd;
    rule.allowed_access = is_dir ? attr.handled_access_fs : FileRights(attr.handled_access_fs);
    if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0) {
      notes.push_back(Cat("'", entry, "' is not in the kernel ruleset: ", Errno(errno)));
    }
    close(fd);
  }
  absl::Status nnp = SetNoNewPrivs();
  if (!nnp.ok()) {
    close(ruleset);
    return nnp;
  }
  if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
    int e = errno;
    close(ruleset);
    return absl::FailedPreconditionError(Cat("landlock_restrict_self: ", Errno(e)));
  }
  close(ruleset);
  return notes;
}

}  // namespace fnguard::sandbox
