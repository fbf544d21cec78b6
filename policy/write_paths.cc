#include "policy/write_paths.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/escaping.h"
#include "policy/text.h"

namespace fnguard::policy {
namespace {

std::string Shown(std::string_view path) {
  constexpr size_t kMax = 120;
  std::string shown = absl::CHexEscape(ToAbsl(path.substr(0, kMax)));
  if (path.size() > kMax) shown += "...";
  return shown;
}

}  // namespace

size_t NormalizePathInPlace(char* buf, size_t len) {
  if (len == 0 || buf[0] != '/') return 0;
  // `out` is the length of the normalized prefix, which always starts with
  // '/' and never ends with '/' except when it is "/" itself.
  size_t out = 1;
  size_t i = 1;
  bool trailing_slash = false;
  while (i < len) {
    while (i < len && buf[i] == '/') ++i;
    if (i >= len) {
      trailing_slash = true;
      break;
    }
    size_t start = i;
    while (i < len && buf[i] != '/') ++i;
    size_t n = i - start;
    const bool last = i >= len;
    if (n == 1 && buf[start] == '.') {
      if (last) trailing_slash = true;
      continue;
    }
    if (n == 2 && buf[start] == '.' && buf[start + 1] == '.') {
      while (out > 1 && buf[out - 1] != '/') --out;
      if (out > 1) --out;  // the '/' before the removed segment
      if (last) trailing_slash = true;
      continue;
    }
    if (out > 1) buf[out++] = '/';
    // Moves left within the same buffer (start >= out): memmove.
    std::memmove(buf + out, buf + start, n);
    out += n;
  }
  if (trailing_slash && out > 1) buf[out++] = '/';
  return out;
}

std::optional<std::string> NormalizeAbsolutePath(std::string_view path) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::string out(path);
  out.resize(NormalizePathInPlace(out.data(), out.size()));
  return out;
}

absl::Status ValidateWritePath(std::string_view path) {
  std::string shown = Cat("path '", Shown(path), "'");
  if (path.empty()) return absl::InvalidArgumentError("path must not be empty");
  if (path.size() > kMaxWritePathLength) {
    return absl::InvalidArgumentError(
        Cat(shown, " is longer than ", kMaxWritePathLength, " bytes"));
  }
  if (std::any_of(path.begin(), path.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      })) {
    return absl::InvalidArgumentError(Cat(shown, " must not contain control characters"));
  }
  if (path[0] != '/') {
    std::string suggestion = Cat("/", path);
    if (std::optional<std::string> n = NormalizeAbsolutePath(suggestion)) suggestion = *n;
    return absl::InvalidArgumentError(
        Cat(shown, " must be an absolute path (did you mean '", Shown(suggestion), "'?)"));
  }
  std::optional<std::string> normalized = NormalizeAbsolutePath(path);
  if (normalized.has_value() && *normalized != path) {
    return absl::InvalidArgumentError(
        Cat(shown, " is not normalized (did you mean '", Shown(*normalized), "'?)"));
  }
  return absl::OkStatus();
}

bool WritePathAllowed(std::string_view allowed, std::string_view path) {
  if (allowed.empty()) return false;
  if (allowed.back() != '/') return path == allowed;
  if (path.starts_with(allowed)) return true;
  // The directory itself, written without the trailing '/'.
  return path.size() + 1 == allowed.size() && allowed.starts_with(path);
}

}  // namespace fnguard::policy
