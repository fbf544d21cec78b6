// Paths as written in process.file_writes.allow, and the lexical path
// normalization the file-write guard (runtime/sandbox) applies to the paths a
// function opens.
//
//   ValidateWritePath("/tmp/../var/log/")
//     -> InvalidArgument("path '/tmp/../var/log/' is not normalized (did you
//        mean '/var/log/'?)")
//   WritePathAllowed("/tmp/", "/tmp/out/a.txt")  -> true
//   WritePathAllowed("/tmp/", "/tmpfoo")          -> false
//
// All functions are pure and thread-safe. NormalizePathInPlace and
// WritePathAllowed do not allocate, so the interposed open() can use them.
#ifndef FNGUARD_POLICY_WRITE_PATHS_H_
#define FNGUARD_POLICY_WRITE_PATHS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace fnguard::policy {

inline constexpr size_t kMaxWritePathLength = 4096;

// OK when `path` is an entry process.file_writes.allow accepts: absolute,
// normalized (no "//", "/./", "/../", no trailing "/." or "/.."), no control
// characters, at most kMaxWritePathLength bytes. The error starts with
// "path '<path>'" and suggests the normalized form when there is one.
absl::Status ValidateWritePath(std::string_view path);

// Normalizes the absolute path in buf[0, len) in place: collapses repeated
// '/', removes "." segments and resolves ".." lexically (never above "/").
// A trailing '/' is kept (a lone "." or ".." at the end leaves one). Returns
// the new length; 0 when buf does not start with '/'.
size_t NormalizePathInPlace(char* buf, size_t len);

// The normalized form of an absolute path; nullopt when `path` is not
// absolute.
std::optional<std::string> NormalizeAbsolutePath(std::string_view path);

// True when the absolute normalized `path` is allowed by the entry `allowed`:
// an entry ending in '/' allows that directory itself and everything beneath
// it ("/tmp/" allows "/tmp", "/tmp/" and "/tmp/a/b", not "/tmpx"); any other
// entry allows exactly that path.
bool WritePathAllowed(std::string_view allowed, std::string_view path);

}  // namespace fnguard::policy

#endif  // FNGUARD_POLICY_WRITE_PATHS_H_
