// Fuzzes the URL finder of SSRF and RFI detection (runtime/detect/url_scan):
// never crash or loop; every URL found lies inside the text in order, its
// parts are views of its own bytes (host and port inside the authority,
// the port all digits), each call moves forward, and a schemeless split
// never has an empty authority.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/detect/url_scan.h"
#include "tests/fuzz/views.h"

namespace {

using fnguard::fuzz::Inside;

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void CheckParts(const fnguard::detect::UrlRef& u, std::string_view token) {
  if (!Inside(u.scheme, token) || !Inside(u.authority, token) || !Inside(u.rest, token)) {
    std::abort();
  }
  if (!Inside(u.host, u.authority) || !Inside(u.port, u.authority)) std::abort();
  if (!AllDigits(u.port)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool relative = (data[0] & 1) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t pos = 0;
  size_t last_begin = 0;
  fnguard::detect::UrlRef u;
  size_t found = 0;
  while (fnguard::detect::NextUrl(text, &pos, &u, relative)) {
    if (++found > text.size()) std::abort();  // each URL needs its own "//"
    if (u.begin < last_begin || u.begin >= u.end || u.end > text.size()) std::abort();
    if (pos <= u.begin || pos > text.size()) std::abort();
    CheckParts(u, text.substr(u.begin, u.end - u.begin));
    last_begin = u.begin;
  }
  fnguard::detect::UrlRef s;
  bool protocol_relative = false;
  if (fnguard::detect::SplitSchemeless(text, &s, &protocol_relative)) {
    if (!s.scheme.empty() || s.authority.empty()) std::abort();
    CheckParts(s, text);
  }
  return 0;
}
