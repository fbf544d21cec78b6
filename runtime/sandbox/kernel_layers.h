// The kernel side of the process controls: enforcement that does not depend
// on symbol interposition, so it also holds for libc-internal calls
// (system(), popen(), posix_spawn()), direct system calls and statically
// linked programs the function starts.
//
//   - ApplyExecFilter(): a seccomp filter (libseccomp) that makes execve and
//     execveat fail with EPERM (an errno action: nothing is killed) in every
//     thread of the process (TSYNC) and in every child it starts.
//   - ApplyWriteRuleset(): a Landlock ruleset that allows creating, writing,
//     truncating, renaming and removing files only beneath the given paths
//     (reading is unaffected). Landlock restricts the calling thread and the
//     threads and processes it starts afterwards: apply it early (library
//     load, Guard creation on the main thread).
//
// Both set PR_SET_NO_NEW_PRIVS and can never be lifted; applying them again
// only stacks another layer. They return an error status when the kernel
// cannot apply them (no seccomp, no Landlock, a container profile that
// forbids them); the caller then relies on interposition alone.
#ifndef FNGUARD_RUNTIME_SANDBOX_KERNEL_LAYERS_H_
#define FNGUARD_RUNTIME_SANDBOX_KERNEL_LAYERS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fnguard::sandbox {

absl::Status ApplyExecFilter();

// `paths` are process.file_writes.allow entries ("/tmp/" for a directory,
// else a file). Entries that do not exist are skipped and named in the
// returned notes. Fails when Landlock is unavailable.
absl::StatusOr<std::vector<std::string>> ApplyWriteRuleset(const std::vector<std::string>& paths);

// The Landlock ABI version the kernel supports; 0 when it has none.
int LandlockAbiVersion();

}  // namespace fnguard::sandbox

#endif  // FNGUARD_RUNTIME_SANDBOX_KERNEL_LAYERS_H_
