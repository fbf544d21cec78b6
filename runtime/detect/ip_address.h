// Host classification for SSRF detection: parses every IPv4 spelling that
// inet_aton() and browsers accept (1 to 4 parts, each decimal, octal with a
// leading 0, or hex with 0x; short forms such as 127.1 and 2130706433), IPv6
// text (with "::" compression, embedded dotted IPv4 and a zone id), and names
// that are known to point inside the network (localhost, cloud metadata
// names, wildcard-DNS services that embed an IP such as 10.0.0.1.nip.io).
#ifndef FNGUARD_RUNTIME_DETECT_IP_ADDRESS_H_
#define FNGUARD_RUNTIME_DETECT_IP_ADDRESS_H_

#include <array>
#include <cstdint>
#include <string_view>

namespace fnguard::detect {

// Parses `text` the way inet_aton() does, and also as browsers read a host:
// one trailing dot, and a bare "0x" part as 0; "0o" parts are octal too.
// Returns false for anything else (including values that overflow their
// part).
bool ParseIpv4Loose(std::string_view text, uint32_t* addr);

// Parses IPv6 text without brackets (a trailing "%zone" is ignored).
bool ParseIpv6(std::string_view text, std::array<uint8_t, 16>* addr);

enum class HostClass : uint8_t {
  kPublic = 0,    // nothing known against it
  kLoopback,      // 127/8, ::1, localhost
  kUnspecified,   // 0.0.0.0/8, ::
  kPrivate,       // RFC 1918, fc00::/7
  kLinkLocal,     // 169.254/16, fe80::/10
  kSharedCgnat,   // 100.64/10
  kMetadata,      // cloud instance metadata endpoints
  kInternalName,  // names that resolve inside (nip.io with an internal IP, *.internal)
};

// A short noun phrase for reasons, e.g. "a loopback address".
std::string_view HostClassName(HostClass c);

// Classifies an IPv4 address in host byte order.
HostClass ClassifyIpv4(uint32_t addr);
HostClass ClassifyIpv6(const std::array<uint8_t, 16>& addr);

// Classifies a URL host as written: "[::1]", "0x7f.1", "localhost.",
// "metadata.google.internal", "127.0.0.1.nip.io". Case-insensitive.
HostClass ClassifyHost(std::string_view host);

}  // namespace fnguard::detect

#endif  // FNGUARD_RUNTIME_DETECT_IP_ADDRESS_H_
