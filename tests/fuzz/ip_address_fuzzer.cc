// Fuzzes the host parsers of SSRF detection (runtime/detect/ip_address):
// never crash, and read addresses as the C library does. Where glibc's
// inet_aton() and inet_pton() apply, they are the reference:
//  - ParseIpv4Loose() accepts what inet_aton() accepts, with the same
//    address, for text without whitespace or NUL (inet_aton stops at a
//    space). It accepts more only where its comment says so: one trailing
//    dot and a bare "0x" part, as browsers do, and "0o" octal parts;
//  - ParseIpv6() accepts what inet_pton(AF_INET6) accepts, with the same
//    bytes, for text without a zone ("%eth0", which ParseIpv6 skips);
//  - ClassifyHost() of a dotted IPv4 address is ClassifyIpv4() of it.
#include <arpa/inet.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/detect/ip_address.h"

using fnguard::detect::ClassifyHost;
using fnguard::detect::ClassifyIpv4;
using fnguard::detect::ParseIpv4Loose;
using fnguard::detect::ParseIpv6;

// A part inet_aton() rejects and ParseIpv4Loose() reads on purpose.
bool HasExtraSpelling(std::string_view text) {
  if (!text.empty() && text.back() == '.') return true;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('.', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view p = text.substr(start, end - start);
    if (p.size() >= 2 && p[0] == '0' &&
        (((p[1] == 'x' || p[1] == 'X') && p.size() == 2) || p[1] == 'o' || p[1] == 'O')) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256) return 0;  // host names are short; longer text is the same work
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string z(text);  // NUL-terminated for the C library

  uint32_t v4 = 0;
  const bool ours4 = ParseIpv4Loose(text, &v4);
  bool plain = true;
  for (char c : text) {
    if (c == '\0' || c == ' ' || (c >= '\t' && c <= '\r')) plain = false;
  }
  if (plain) {
    in_addr a{};
    const bool libc4 = inet_aton(z.c_str(), &a) != 0;
    if (libc4 && (!ours4 || v4 != ntohl(a.s_addr))) std::abort();
    if (ours4 && !libc4 && !HasExtraSpelling(text)) std::abort();
  }
  if (ours4 && ClassifyHost(text) != ClassifyIpv4(v4)) std::abort();

  std::array<uint8_t, 16> v6{};
  const bool ours6 = ParseIpv6(text, &v6);
  if (text.find('%') == std::string_view::npos && text.find('\0') == std::string_view::npos) {
    in6_addr b{};
    const bool libc6 = inet_pton(AF_INET6, z.c_str(), &b) == 1;
    if (ours6 != libc6) std::abort();
    for (size_t i = 0; ours6 && i < 16; ++i) {
      if (v6[i] != b.s6_addr[i]) std::abort();
    }
  }
  (void)fnguard::detect::HostClassName(ClassifyHost(text));
  return 0;
}
