// Classification of IP addresses a function might connect to.
//
// Anything that is not an ordinary public unicast address gets a category:
// loopback, private networks, link-local, carrier-grade NAT, multicast, the
// IPv4 broadcast address, reserved and documentation ranges, and the cloud
// metadata and credential endpoints (which get their own category because
// reaching them from a compromised function leaks its credentials).
//
// IPv6 forms that carry an IPv4 address are classified by that IPv4 address,
// so "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe" and "2002:a9fe:a9fe::"
// are all the metadata endpoint:
//   IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96 and
//   64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32 (server and client).
//
// Pure functions, thread-safe.
#ifndef FNGUARD_RUNTIME_EGRESS_ADDRESS_H_
#define FNGUARD_RUNTIME_EGRESS_ADDRESS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/hosts.h"

namespace fnguard::egress {

enum class AddressClass : uint8_t {
  kPublic,
  kLoopback,       // 127/8, ::1
  kPrivate,        // RFC 1918, fc00::/7 (ULA), fec0::/10 (site-local)
  kLinkLocal,      // 169.254/16, fe80::/10
  kSharedCgnat,    // 100.64/10
  kUnspecified,    // 0.0.0.0, ::
  kMulticast,      // 224/4, ff00::/8
  kBroadcast,      // 255.255.255.255
  kReserved,       // 0/8, 240/4, 192.0.0/24, 198.18/15, 100::/64
  kDocumentation,  // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32
  kMetadata,       // cloud metadata and credential endpoints
};

struct AddressClassification {
  AddressClass category = AddressClass::kPublic;
  // The address the category was decided on: the input, or the IPv4 address
  // embedded in it.
  policy::IpAddress effective;
  // "" for the input itself, else how the IPv4 address was embedded:
  // "IPv4-mapped", "IPv4-compatible", "NAT64", "6to4", "Teredo".
  std::string_view embedding;
};

AddressClassification ClassifyAddress(const policy::IpAddress& address);

// Every IPv4 address embedded in an IPv6 `address` by the forms listed above
// (Teredo gives two: client, then server); empty for IPv4 and plain IPv6.
std::vector<std::pair<policy::IpAddress, std::string_view>> EmbeddedIpv4Addresses(
    const policy::IpAddress& address);

// The same without allocating: at most two addresses, in the same order.
struct EmbeddedIpv4 {
  policy::IpAddress address;
  std::string_view embedding;  // "IPv4-mapped", "IPv4-compatible", "NAT64", "6to4", "Teredo"
};
struct EmbeddedIpv4List {
  std::array<EmbeddedIpv4, 2> items;
  size_t size = 0;
  const EmbeddedIpv4* begin() const { return items.data(); }
  const EmbeddedIpv4* end() const { return items.data() + size; }
};
EmbeddedIpv4List EmbeddedIpv4Of(const policy::IpAddress& address);

// The IPv4 address of an IPv4-mapped IPv6 address (::ffff:a.b.c.d), which
// the kernel connects to as that IPv4 address; nullopt otherwise.
std::optional<policy::IpAddress> Ipv4MappedAddress(const policy::IpAddress& address);

// "public", "loopback", "private", "link-local", "shared (CGNAT)",
// "unspecified", "multicast", "broadcast", "reserved", "documentation",
// "cloud metadata endpoint".
std::string_view AddressClassName(AddressClass category);

}  // namespace fnguard::egress

#endif  // FNGUARD_RUNTIME_EGRESS_ADDRESS_H_
