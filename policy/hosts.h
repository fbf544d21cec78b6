// Host names, host globs and CIDR blocks as written in egress policies.
//
// Validation is strict, in the manner of Smokescreen's ACL loader: a host must
// be written in its one normalized form (lower-case, no trailing dot, no
// scheme/port/path/userinfo, IDN in punycode), and a glob may only be a
// leading "*." followed by at least two labels. Errors carry the normalized
// form to write instead when one exists:
//
//   ValidateHostPattern("API.Example.com.")
//     -> InvalidArgument("host 'API.Example.com.' is not normalized (did you mean
//     'api.example.com'?)")
//
// All functions are pure and thread-safe.
#ifndef FNGUARD_POLICY_HOSTS_H_
#define FNGUARD_POLICY_HOSTS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fnguard::policy {

inline constexpr size_t kMaxHostLength = 253;
inline constexpr size_t kMaxLabelLength = 63;

// OK when `pattern` is a normalized host name or a valid "*.suffix" glob.
// The error message starts with "host '<pattern>'" and ends with a
// "(did you mean '<normalized>'?)" suggestion when one can be derived.
absl::Status ValidateHostPattern(std::string_view pattern);

// True when `host` (already lower-case, no trailing dot) matches the
// validated `pattern`: exact equality, or for "*.suffix" one or more labels
// followed by ".suffix" (never the apex "suffix" itself).
bool HostPatternMatches(std::string_view pattern, std::string_view host);

// Best-effort normalization of a user-written host: lower-cases, strips a
// scheme, userinfo, port, path and trailing dots, and converts non-ASCII
// labels to punycode. Returns nullopt when no valid host results.
std::optional<std::string> NormalizeHostPattern(std::string_view text);

// Punycode (RFC 3492) "xn--" form of one UTF-8 label, after lower-casing
// Latin-1, Greek and Cyrillic letters (not a full IDNA mapping); nullopt on invalid
// UTF-8 or overflow. ASCII-only labels are returned unchanged.
std::optional<std::string> PunycodeLabel(std::string_view utf8_label);

// An IPv4 or IPv6 address in network byte order (IPv4 in bytes 0..3).
struct IpAddress {
  int family = 0;  // 4 or 6
  std::array<uint8_t, 16> bytes{};
  int bit_length() const { return family == 4 ? 32 : 128; }
};

// Parses a literal IPv4 ("203.0.113.5") or IPv6 ("2001:db8::1") address.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// A CIDR block with no host bits set.
struct Cidr {
  IpAddress network;
  int prefix_length = 0;

  bool Contains(const IpAddress& address) const;
  // True when the two blocks share at least one address.
  bool Overlaps(const Cidr& other) const;
  // Canonical text: "10.0.0.0/8", "2001:db8::/32".
  std::string ToString() const;
};

// Parses "address/prefix". Host bits set is an error suggesting the
// normalized block ("10.0.0.1/8" -> "did you mean '10.0.0.0/8'?"). A bare
// address without "/prefix" is an error suggesting "/32" or "/128".
absl::StatusOr<Cidr> ParseCidr(std::string_view text);

// True when `text` looks like an address or CIDR rather than a host name
// (it contains '/' or ':' or is a dotted IPv4 literal). Used to decide how
// to validate a `deny` entry.
bool LooksLikeAddress(std::string_view text);

}  // namespace fnguard::policy

#endif  // FNGUARD_POLICY_HOSTS_H_
