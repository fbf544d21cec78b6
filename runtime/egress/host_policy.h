// HostPolicy: the egress section of a policy compiled into an immutable
// object that decides whether a function may reach a URL.
//
// Decisions are values with a result, a human reason and the rule that
// produced them ("egress.allow[1]", "egress.deny[0]", "default-deny",
// "egress.deny_private_addresses", "metadata-endpoint", "url", "dns",
// "egress.mode", and "address" for a public address or an unusable socket
// address in CheckAddress()). The order of checks in Decide():
//
//   1. mode off: allow everything ("egress mode off").
//   2. The URL must parse under the strict rules of url.h.
//   3. The deny list wins over everything: host globs match names, cidrs
//      match IP literals (and, after resolution, resolved addresses).
//   4. An IP literal must be inside an allow `cidr` entry; a name must match
//      an allow `host` entry (exact, or "*.suffix" for one or more labels,
//      never the apex). The matching entry must also list the port (default
//      443) and the scheme (default https).
//   5. Addresses that are not public unicast (loopback, private, link-local,
//      CGNAT, multicast, reserved, ...; see address.h) are denied while
//      deny_private_addresses is true, unless an allow cidr entry listing the
//      port contains them. Cloud metadata endpoints are denied even when
//      deny_private_addresses is false, unless an allow cidr entry names
//      exactly that address (/32 or /128).
//
// In report mode a deny becomes `allow` with `would_deny` set.
//
//   absl::StatusOr<HostPolicy> hp = HostPolicy::Compile(policy->egress);
//   Decision d = hp->Decide("https://api.example.com/v1");
//   if (!d.allow) Log(d.rule, d.reason);
//
// Thread-safe: all methods are const and share no mutable state.
#ifndef FNGUARD_RUNTIME_EGRESS_HOST_POLICY_H_
#define FNGUARD_RUNTIME_EGRESS_HOST_POLICY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/hosts.h"
#include "policy/policy.h"
#include "runtime/egress/address.h"
#include "runtime/egress/url.h"

struct sockaddr;

namespace fnguard::egress {

struct Decision {
  bool allow = false;       // what the caller must do
  bool would_deny = false;  // report mode: enforcement would have denied
  std::string reason;       // human sentence
  std::string rule;         // which rule decided
  std::vector<std::string> addresses;  // ResolveAndDecide: every resolved address
};

class HostPolicy {
 public:
  // Fails with InvalidArgument on an entry the policy validator should have
  // rejected (an unparsable cidr or host glob).
  static absl::StatusOr<HostPolicy> Compile(const policy::Egress& egress);

  // Decides on the URL as written, without DNS.
  [[nodiscard]] Decision Decide(std::string_view url) const;
  // The same for an already parsed URL.
  [[nodiscard]] Decision DecideParsed(const ParsedUrl& url) const;

  // Decides on one address `host` resolved to, before connecting to it:
  // the deny list's cidrs and the private/metadata rule. `host` and `port`
  // are for the reason and for matching the ports of lifting cidr entries.
  [[nodiscard]] Decision CheckAddress(const policy::IpAddress& address, std::string_view host,
                                      uint16_t port) const;
  // The same for an AF_INET or AF_INET6 socket address (others are denied).
  [[nodiscard]] Decision CheckAddress(const sockaddr* address, std::string_view host,
                                      uint16_t port) const;

  // Decides on a connection made below the client, at the socket level
  // (runtime/sandbox): to `address`:`port`, where `names` are the host names
  // the process resolved to this address (empty when none is known).
  // Schemes do not apply at this level. Order: deny cidrs; a deny host entry
  // matching any of the names (the deny list wins); an allow cidr containing
  // the address, or an allow host entry matching one of the names, that lists
  // the port (else "default-deny"); then the classification of CheckAddress
  // (private ranges, metadata endpoints).
  [[nodiscard]] Decision DecideSocket(const policy::IpAddress& address, uint16_t port,
                                      std::span<const std::string_view> names) const;
  // Whether DecideSocket() would allow without `would_deny` (enforcement
  // allows, or mode off), computed without building any text: the socket
  // guard's fast path for connections that pass. No allocation.
  [[nodiscard]] bool SocketAllowed(const policy::IpAddress& address, uint16_t port,
                                   std::span<const std::string_view> names) const;

  // Decide(), then for a name resolves it (getaddrinfo) and checks EVERY
  // resolved address; any denied address denies the URL, naming it.
  // `addresses` lists what was resolved. Blocks on DNS.
  [[nodiscard]] Decision ResolveAndDecide(std::string_view url) const;

  policy::EgressMode mode() const { return mode_; }

 private:
  // A cidr block with its masks over the address as two 64-bit words (IPv4
  // in the top 32 bits), and its text for reasons, prepared by Compile().
  struct CompiledCidr {
    policy::Cidr cidr;
    std::string text;  // "203.0.113.0/24"
    uint64_t network_high = 0, network_low = 0;
    uint64_t mask_high = 0, mask_low = 0;
    bool Contains(const policy::IpAddress& address) const;
  };
  struct AllowEntry {
    std::string host;                  // pattern, or empty for a cidr entry
    std::optional<CompiledCidr> cidr;
    std::vector<uint16_t> ports;       // never empty after Compile
    std::vector<std::string> schemes;  // never empty after Compile
    bool allows_https = false;         // "https" is in schemes
    bool allows_http = false;          // "http" is in schemes
    std::string rule;                  // "egress.allow[3]"
    std::string ports_text;            // "443, 8443"
    std::string schemes_text;          // "http, https"
  };
  struct DenyEntry {
    std::string host;                  // pattern, or empty for a cidr entry
    std::optional<CompiledCidr> cidr;
    std::string rule;                  // "egress.deny[0]"
  };
  // What the address rules (deny cidrs, classification, lifting allow
  // cidrs) say about one address, before any text is built.
  enum class AddressOutcome : uint8_t {
    kDenyCidr,        // deny_[index] contains it
    kPublic,          // allowed: public address
    kPrivateAllowed,  // allowed: not public, deny_private_addresses is false
    kLifted,          // allowed by allow_[index], a cidr entry listing the port
    kMetadata,        // denied: cloud metadata endpoint
    kPrivateDenied,   // denied by deny_private_addresses
  };
  struct AddressVerdict {
    AddressOutcome outcome = AddressOutcome::kPublic;
    size_t index = 0;
    bool allow() const {
      return outcome == AddressOutcome::kPublic || outcome == AddressOutcome::kPrivateAllowed ||
             outcome == AddressOutcome::kLifted;
    }
  };

  HostPolicy() = default;

  // The enforced decision (report mode not applied).
  Decision DecideEnforced(const ParsedUrl& url) const;
  Decision CheckAddressEnforced(const policy::IpAddress& address, std::string_view host,
                                uint16_t port) const;
  Decision DecideSocketEnforced(const policy::IpAddress& address, uint16_t port,
                                std::span<const std::string_view> names) const;
  // The address rules after the deny cidrs (which the callers check first),
  // without text; and the decision on a verdict, with its reason.
  AddressVerdict JudgeAddress(const policy::IpAddress& address,
                              const AddressClassification& cls, uint16_t port) const;
  Decision ExplainAddress(const AddressVerdict& verdict, const policy::IpAddress& address,
                          const AddressClassification& cls, std::string_view host) const;
  // Whether a deny cidr contains the address or an IPv4 address embedded in
  // it; `index` is the first such entry.
  bool DenyCidrsContain(const policy::IpAddress& address, size_t* index) const;
  // Applies report mode.
  Decision Finish(Decision d) const;

  policy::EgressMode mode_ = policy::EgressMode::kEnforce;
  bool deny_private_addresses_ = true;
  std::vector<AllowEntry> allow_;
  std::vector<DenyEntry> deny_;
};

}  // namespace fnguard::egress

#endif  // FNGUARD_RUNTIME_EGRESS_HOST_POLICY_H_
