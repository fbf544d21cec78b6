#include "runtime/egress/host_policy.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "policy/text.h"
#include "runtime/egress/address.h"

namespace fnguard::egress {
namespace {

using policy::Cat;
using policy::IpAddress;

constexpr size_t kMaxResolvedAddresses = 64;

Decision Allow(std::string reason, std::string rule) {
  Decision d;
  d.allow = true;
  d.reason = std::move(reason);
  d.rule = std::move(rule);
  return d;
}

Decision Deny(std::string reason, std::string rule) {
  Decision d;
  d.allow = false;
  d.reason = std::move(reason);
  d.rule = std::move(rule);
  return d;
}

std::string AllowRule(size_t i) { return Cat("egress.allow[", i, "]"); }
std::string DenyRule(size_t i) { return Cat("egress.deny[", i, "]"); }

// Allow entries match the address itself or, for an IPv4-mapped IPv6
// address, the IPv4 address the kernel connects to.
bool AllowContains(const policy::Cidr& cidr, const IpAddress& address) {
  if (cidr.Contains(address)) return true;
  std::optional<IpAddress> mapped = Ipv4MappedAddress(address);
  return mapped.has_value() && cidr.Contains(*mapped);
}

// Deny entries also match every IPv4 address embedded in the address.
bool DenyContains(const policy::Cidr& cidr, const IpAddress& address) {
  if (cidr.Contains(address)) return true;
  for (const auto& [v4, how] : EmbeddedIpv4Addresses(address)) {
    if (cidr.Contains(v4)) return true;
  }
  return false;
}

std::string Describe(const IpAddress& address, const AddressClassification& cls) {
  std::string out = Cat("address ", FormatIpAddress(address));
  if (!cls.embedding.empty()) {
    policy::Append(&out, " (", cls.embedding, " form of ", FormatIpAddress(cls.effective), ")");
  }
  return out;
}

std::string PortList(const std::vector<uint16_t>& ports) { return policy::Join(ports, ", "); }

}  // namespace

absl::StatusOr<HostPolicy> HostPolicy::Compile(const policy::Egress& egress) {
  HostPolicy hp;
  hp.mode_ = egress.mode;
  hp.deny_private_addresses_ = egress.deny_private_addresses;
  for (size_t i = 0; i < egress.allow.size(); ++i) {
    const policy::EgressAllow& a = egress.allow[i];
    AllowEntry e;
    if (!a.cidr.empty()) {
      absl::StatusOr<policy::Cidr> cidr = policy::ParseCidr(a.cidr);
      if (!cidr.ok()) {
        return absl::InvalidArgumentError(
            Cat(AllowRule(i), ": ", policy::ToStd(cidr.status().message())));
      }
      e.cidr = *cidr;
    } else {
      if (absl::Status st = policy::ValidateHostPattern(a.host); !st.ok()) {
        return absl::InvalidArgumentError(Cat(AllowRule(i), ": ", policy::ToStd(st.message())));
      }
      e.host = a.host;
    }
    e.ports = a.ports.empty() ? std::vector<uint16_t>{443} : a.ports;
    e.schemes = a.schemes.empty() ? std::vector<std::string>{"https"} : a.schemes;
    hp.allow_.push_back(std::move(e));
  }
  for (size_t i = 0; i < egress.deny.size(); ++i) {
    const std::string& text = egress.deny[i];
    DenyEntry e;
    if (policy::LooksLikeAddress(text)) {
      absl::StatusOr<policy::Cidr> cidr = policy::ParseCidr(text);
      if (!cidr.ok()) {
        return absl::InvalidArgumentError(
            Cat(DenyRule(i), ": ", policy::ToStd(cidr.status().message())));
      }
      e.cidr = *cidr;
    } else {
      if (absl::Status st = policy::ValidateHostPattern(text); !st.ok()) {
        return absl::InvalidArgumentError(Cat(DenyRule(i), ": ", policy::ToStd(st.message())));
      }
      e.host = text;
    }
    hp.deny_.push_back(std::move(e));
  }
  return hp;
}

Decision HostPolicy::Finish(Decision d) const {
  if (mode_ == policy::EgressMode::kReport && !d.allow) {
    d.allow = true;
    d.would_deny = true;
  }
  return d;
}

Decision HostPolicy::Decide(std::string_view url) const {
  if (mode_ == policy::EgressMode::kOff) return Allow("egress mode off", "egress.mode");
  absl::StatusOr<ParsedUrl> parsed = ParseUrl(url);
  if (!parsed.ok()) {
    return Finish(Deny(std::string(policy::ToStd(parsed.status().message())), "url"));
  }
  return Finish(DecideEnforced(*parsed));
}

Decision HostPolicy::DecideParsed(const ParsedUrl& url) const {
  if (mode_ == policy::EgressMode::kOff) return Allow("egress mode off", "egress.mode");
  return Finish(DecideEnforced(url));
}

Decision HostPolicy::DecideEnforced(const ParsedUrl& url) const {
  const auto scheme_ok = [&](const AllowEntry& e) {
    return std::find(e.schemes.begin(), e.schemes.end(), url.scheme) != e.schemes.end();
  };
  const auto port_ok = [&](const AllowEntry& e) {
    return std::find(e.ports.begin(), e.ports.end(), url.port) != e.ports.end();
  };
  // The first entry that matched the host but not the port or scheme, for the reason.
  std::optional<Decision> near_miss;
  const auto note_near_miss = [&](size_t i, const AllowEntry& e, const std::string& what) {
    if (near_miss.has_value()) return;
    if (!scheme_ok(e)) {
      near_miss = Deny(Cat("scheme '", url.scheme, "' is not allowed for ", what, " by ",
                           AllowRule(i), " (schemes: ", policy::Join(e.schemes, ", "), ")"),
                       AllowRule(i));
    } else {
      near_miss = Deny(Cat("port ", url.port, " is not allowed for ", what, " by ", AllowRule(i),
                           " (ports: ", PortList(e.ports), ")"),
                       AllowRule(i));
    }
  };

  if (url.ip.has_value()) {
    const IpAddress& ip = *url.ip;
    const AddressClassification cls = ClassifyAddress(ip);
    const std::string what = Describe(ip, cls);
    for (size_t i = 0; i < deny_.size(); ++i) {
      if (deny_[i].cidr.has_value() && DenyContains(*deny_[i].cidr, ip)) {
        return Deny(Cat(what, " is on the deny list (", deny_[i].cidr->ToString(), ")"),
                    DenyRule(i));
      }
    }
    std::optional<size_t> matched;
    for (size_t i = 0; i < allow_.size(); ++i) {
      const AllowEntry& e = allow_[i];
      if (!e.cidr.has_value() || !AllowContains(*e.cidr, ip)) continue;
      if (scheme_ok(e) && port_ok(e)) {
        matched = i;
        break;
      }
      note_near_miss(i, e, what);
    }
    if (!matched.has_value()) {
      if (near_miss.has_value()) return *near_miss;
      return Deny(Cat(what, " is not on the allowlist (allow it with a cidr entry)"),
                  "default-deny");
    }
    Decision by_class = CheckAddressEnforced(ip, url.host, url.port);
    if (!by_class.allow) return by_class;
    return Allow(Cat(what, " is allowed by ", AllowRule(*matched), " (cidr ",
                     allow_[*matched].cidr->ToString(), ")"),
                 AllowRule(*matched));
  }

  const std::string what = Cat("host '", url.host, "'");
  for (size_t i = 0; i < deny_.size(); ++i) {
    if (!deny_[i].host.empty() && policy::HostPatternMatches(deny_[i].host, url.host)) {
      return Deny(Cat(what, " is on the deny list ('", deny_[i].host, "')"), DenyRule(i));
    }
  }
  for (size_t i = 0; i < allow_.size(); ++i) {
    const AllowEntry& e = allow_[i];
    if (e.host.empty() || !policy::HostPatternMatches(e.host, url.host)) continue;
    if (scheme_ok(e) && port_ok(e)) {
      return Allow(Cat(what, " is allowed by ", AllowRule(i), " ('", e.host, "')"), AllowRule(i));
    }
    note_near_miss(i, e, what);
  }
  if (near_miss.has_value()) return *near_miss;
  return Deny(Cat(what, " is not on the allowlist"), "default-deny");
}

Decision HostPolicy::CheckAddress(const IpAddress& address, std::string_view host,
                                  uint16_t port) const {
  if (mode_ == policy::EgressMode::kOff) return Allow("egress mode off", "egress.mode");
  return Finish(CheckAddressEnforced(address, host, port));
}

Decision HostPolicy::CheckAddress(const sockaddr* address, std::string_view host,
                                  uint16_t port) const {
  IpAddress ip;
  if (address != nullptr && address->sa_family == AF_INET) {
    sockaddr_in sin;
    std::memcpy(&sin, address, sizeof(sin));
    ip.family = 4;
    std::memcpy(ip.bytes.data(), &sin.sin_addr, 4);
  } else if (address != nullptr && address->sa_family == AF_INET6) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, address, sizeof(sin6));
    ip.family = 6;
    std::memcpy(ip.bytes.data(), &sin6.sin6_addr, 16);
  } else {
    if (mode_ == policy::EgressMode::kOff) return Allow("egress mode off", "egress.mode");
    return Finish(Deny("not an IPv4 or IPv6 socket address", "address"));
  }
  return CheckAddress(ip, host, port);
}

Decision HostPolicy::CheckAddressEnforced(const IpAddress& address, std::string_view host,
                                          uint16_t port) const {
  const AddressClassification cls = ClassifyAddress(address);
  std::string what = Describe(address, cls);
  if (!host.empty() && host != FormatIpAddress(address)) {
    what = Cat("host '", host, "' resolved to ", what, ",");
  }
  for (size_t i = 0; i < deny_.size(); ++i) {
    if (deny_[i].cidr.has_value() && DenyContains(*deny_[i].cidr, address)) {
      return Deny(Cat(what, " which is on the deny list (", deny_[i].cidr->ToString(), ")"),
                  DenyRule(i));
    }
  }
  if (cls.category == AddressClass::kPublic) {
    return Allow(Cat(what, " which is a public address"), "address");
  }
  const bool metadata = cls.category == AddressClass::kMetadata;
  if (!metadata && !deny_private_addresses_) {
    return Allow(Cat(what, " which is ", AddressClassName(cls.category),
                     " (allowed: deny_private_addresses is false)"),
                 "egress.deny_private_addresses");
  }
  for (size_t i = 0; i < allow_.size(); ++i) {
    const AllowEntry& e = allow_[i];
    if (!e.cidr.has_value() || !AllowContains(*e.cidr, address)) continue;
    if (std::find(e.ports.begin(), e.ports.end(), port) == e.ports.end()) continue;
    if (metadata && e.cidr->prefix_length != e.cidr->network.bit_length()) continue;
    return Allow(Cat(what, " which is ", AddressClassName(cls.category), ", allowed by ",
                     AllowRule(i), " (cidr ", e.cidr->ToString(), ")"),
                 AllowRule(i));
  }
  if (metadata) {
    return Deny(Cat(what, " which is a cloud metadata endpoint (allow only with a cidr entry "
                          "naming exactly that address)"),
                "metadata-endpoint");
  }
  return Deny(Cat(what, " which is ", AddressClassName(cls.category),
                  " (denied by deny_private_addresses; lift it with an allow cidr entry)"),
              "egress.deny_private_addresses");
}

Decision HostPolicy::ResolveAndDecide(std::string_view url) const {
  if (mode_ == policy::EgressMode::kOff) return Allow("egress mode off", "egress.mode");
  absl::StatusOr<ParsedUrl> parsed = ParseUrl(url);
  if (!parsed.ok()) {
    return Finish(Deny(std::string(policy::ToStd(parsed.status().message())), "url"));
  }
  Decision by_name = DecideEnforced(*parsed);
  if (!by_name.allow) return Finish(std::move(by_name));
  if (parsed->ip.has_value()) {
    by_name.addresses.push_back(parsed->host);
    return Finish(std::move(by_name));
  }

  addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  int rc = getaddrinfo(parsed->host.c_str(), nullptr, &hints, &result);
  if (rc != 0) {
    return Finish(Deny(Cat("host '", parsed->host, "' could not be resolved: ", gai_strerror(rc)),
                       "dns"));
  }
  std::vector<IpAddress> addresses;
  for (addrinfo* ai = result; ai != nullptr && addresses.size() < kMaxResolvedAddresses;
       ai = ai->ai_next) {
    IpAddress ip;
    if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(sockaddr_in)) {
      sockaddr_in sin;
      std::memcpy(&sin, ai->ai_addr, sizeof(sin));
      ip.family = 4;
      std::memcpy(ip.bytes.data(), &sin.sin_addr, 4);
    } else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(sockaddr_in6)) {
      sockaddr_in6 sin6;
      std::memcpy(&sin6, ai->ai_addr, sizeof(sin6));
      ip.family = 6;
      std::memcpy(ip.bytes.data(), &sin6.sin6_addr, 16);
    } else {
      continue;
    }
    const bool seen = std::any_of(addresses.begin(), addresses.end(), [&](const IpAddress& a) {
      return a.family == ip.family && a.bytes == ip.bytes;
    });
    if (!seen) addresses.push_back(ip);
  }
  freeaddrinfo(result);
  if (addresses.empty()) {
    return Finish(
        Deny(Cat("host '", parsed->host, "' resolved to no IPv4 or IPv6 address"), "dns"));
  }

  Decision out = by_name;
  std::optional<Decision> first_denied;
  for (const IpAddress& ip : addresses) {
    out.addresses.push_back(FormatIpAddress(ip));
    Decision d = CheckAddressEnforced(ip, parsed->host, parsed->port);
    if (!d.allow && !first_denied.has_value()) first_denied = std::move(d);
  }
  if (first_denied.has_value()) {
    first_denied->addresses = std::move(out.addresses);
    return Finish(std::move(*first_denied));
  }
  out.reason = Cat(by_name.reason, "; all ", addresses.size(), " resolved addresses are allowed");
  return Finish(std::move(out));
}

}  // namespace fnguard::egress
