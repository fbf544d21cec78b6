// Fuzzes the path handling of process.file_writes: the validator and the
// in-place normalizer the interposed open() uses. Never crash; a normalized
// path is absolute, has no "//", "/./" or "/../" left, is a fixed point, and
// validates; WritePathAllowed never lets a path outside a directory entry
// through ("/tmp/" must not allow "/tmpx").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "policy/write_paths.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fnguard::policy;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ValidateWritePath(text);
  std::optional<std::string> n = NormalizeAbsolutePath(text);
  if (text.empty() || text[0] != '/') {
    if (n.has_value()) std::abort();
    return 0;
  }
  if (!n.has_value() || n->empty() || (*n)[0] != '/') std::abort();
  const std::string& p = *n;
  if (p.find("//") != std::string::npos || p.find("/./") != std::string::npos ||
      p.find("/../") != std::string::npos || p.ends_with("/.") || p.ends_with("/..")) {
    std::abort();
  }
  if (NormalizeAbsolutePath(p) != p) std::abort();
  bool control = false;
  for (char c : p) control = control || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  if (!control && p.size() <= kMaxWritePathLength && !ValidateWritePath(p).ok()) std::abort();
  // Directory entries match only whole components.
  if (WritePathAllowed("/tmp/", p) && !(p == "/tmp" || p.starts_with("/tmp/"))) std::abort();
  if (WritePathAllowed(p, "/") && p != "/") std::abort();
  return 0;
}
