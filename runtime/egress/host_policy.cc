#include "runtime/egress/host_policy.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <utility>

#include "absl/status/status.h"
#include "policy/text.h"
#include "runtime/egress/address.h"

namespace fnguard::egress {
namespace {

using policy::Cat;
using policy::IpAddress;

constexpr size_t kMaxResolvedAddresses = 64;

// Concatenation with a single allocation: every decision builds its reason
// with one call.
std::string Text(std::initializer_list<std::string_view> pieces) {
  size_t size = 0;
  for (std::string_view p : pieces) size += p.size();
  std::string out(size, '\0');
  char* at = out.data();
  for (std::string_view p : pieces) {
    if (!p.empty()) std::memcpy(at, p.data(), p.size());
    at += p.size();
  }
  return out;
}

// Decimal text of a number, on the stack.
class Decimal {
 public:
  explicit Decimal(uint64_t value) {
    auto [end, ec] = std::to_chars(buf_, buf_ + sizeof(buf_), value);
    size_ = ec == std::errc() ? static_cast<size_t>(end - buf_) : 0;
  }
  std::string_view view() const { return std::string_view(buf_, size_); }

 private:
  char buf_[24];
  size_t size_ = 0;
};

Decision Allow(std::string reason, std::string_view rule) {
  Decision d;
  d.allow = true;
  d.reason = std::move(reason);
  d.rule = rule;
  return d;
}

Decision Deny(std::string reason, std::string_view rule) {
  Decision d;
  d.allow = false;
  d.reason = std::move(reason);
  d.rule = rule;
  return d;
}

std::string AllowRule(size_t i) { return Cat("egress.allow[", i, "]"); }
std::string DenyRule(size_t i) { return Cat("egress.deny[", i, "]"); }

uint64_t Word64(const uint8_t* b) {  // big-endian
  uint64_t w;
  std::memcpy(&w, b, sizeof(w));
  if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
  return w;
}
uint64_t Mask64(int bits) {  // the top `bits` (0..64) bits set
  return bits <= 0 ? 0 : bits >= 64 ? ~uint64_t{0} : ~uint64_t{0} << (64 - bits);
}

// "address 2002:a9fe:a9fe:: (6to4 form of 169.254.169.254)", built on the
// stack.
class AddressText {
 public:
  AddressText(const IpAddress& address, const AddressClassification& cls) {
    Add("address ");
    AddAddress(address);
    if (!cls.embedding.empty()) {
      Add(" (");
      Add(cls.embedding);
      Add(" form of ");
      AddAddress(cls.effective);
      Add(")");
    }
  }
  std::string_view view() const { return std::string_view(buf_, size_); }

 private:
  void Add(std::string_view s) {
    const size_t n = std::min(s.size(), sizeof(buf_) - size_);
    std::memcpy(buf_ + size_, s.data(), n);
    size_ += n;
  }
  void AddAddress(const IpAddress& address) {
    char text[kIpTextCapacity];
    Add(std::string_view(text, FormatIpAddressTo(address, text)));
  }

  char buf_[160];
  size_t size_ = 0;
};

bool PortListed(const std::vector<uint16_t>& ports, uint16_t port) {
  return std::find(ports.begin(), ports.end(), port) != ports.end();
}

}  // namespace

bool HostPolicy::CompiledCidr::Contains(const IpAddress& address) const {
  if (address.family != cidr.network.family) return false;
  const uint8_t* b = address.bytes.data();
  return (Word64(b) & mask_high) == network_high && (Word64(b + 8) & mask_low) == network_low;
}

namespace {

// (Templates so that they take HostPolicy's private CompiledCidr.)
// Allow entries match the address itself or, for an IPv4-mapped IPv6
// address, the IPv4 address the kernel connects to.
template <typename Cidr>
bool AllowContains(const Cidr& cidr, const IpAddress& address) {
  if (cidr.Contains(address)) return true;
  std::optional<IpAddress> mapped = Ipv4MappedAddress(address);
  return mapped.has_value() && cidr.Contains(*mapped);
}

// Deny entries also match every IPv4 address embedded in the address.
template <typename Cidr>
bool DenyContains(const Cidr& cidr, const IpAddress& address, const EmbeddedIpv4List& embedded) {
  if (cidr.Contains(address)) return true;
  for (const EmbeddedIpv4& e : embedded) {
    if (cidr.Contains(e.address)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<HostPolicy> HostPolicy::Compile(const policy::Egress& egress) {
  HostPolicy hp;
  hp.mode_ = egress.mode;
  hp.deny_private_addresses_ = egress.deny_private_addresses;
  const auto compile_cidr = [](const policy::Cidr& cidr) {
    CompiledCidr c;
    c.cidr = cidr;
    c.text = cidr.ToString();
    // IPv4 sits in the top 32 bits of the high word.
    const int bits = cidr.prefix_length;
    c.mask_high = Mask64(bits);
    c.mask_low = cidr.network.family == 6 ? Mask64(bits - 64) : 0;
    c.network_high = Word64(cidr.network.bytes.data()) & c.mask_high;
    c.network_low = Word64(cidr.network.bytes.data() + 8) & c.mask_low;
    return c;
  };
  for (size_t i = 0; i < egress.allow.size(); ++i) {
    const policy::EgressAllow& a = egress.allow[i];
    AllowEntry e;
    e.rule = AllowRule(i);
    if (!a.cidr.empty()) {
      absl::StatusOr<policy::Cidr> cidr = policy::ParseCidr(a.cidr);
      if (!cidr.ok()) {
        return absl::InvalidArgumentError(
            Cat(e.rule, ": ", policy::ToStd(cidr.status().message())));
      }
      e.cidr = compile_cidr(*cidr);
    } else {
      if (absl::Status st = policy::ValidateHostPattern(a.host); !st.ok()) {
        return absl::InvalidArgumentError(Cat(e.rule, ": ", policy::ToStd(st.message())));
      }
      e.host = a.host;
    }
    e.ports = a.ports.empty() ? std::vector<uint16_t>{443} : a.ports;
    e.schemes = a.schemes.empty() ? std::vector<std::string>{"https"} : a.schemes;
    e.allows_https = std::find(e.schemes.begin(), e.schemes.end(), "https") != e.schemes.end();
    e.allows_http = std::find(e.schemes.begin(), e.schemes.end(), "http") != e.schemes.end();
    e.ports_text = policy::Join(e.ports, ", ");
    e.schemes_text = policy::Join(e.schemes, ", ");
    hp.allow_.push_back(std::move(e));
  }
  for (size_t i = 0; i < egress.deny.size(); ++i) {
    const std::string& text = egress.deny[i];
    DenyEntry e;
    e.rule = DenyRule(i);
    if (policy::LooksLikeAddress(text)) {
      absl::StatusOr<policy::Cidr> cidr = policy::ParseCidr(text);
      if (!cidr.ok()) {
        return absl::InvalidArgumentError(
            Cat(e.rule, ": ", policy::ToStd(cidr.status().message())));
      }
      e.cidr = compile_cidr(*cidr);
    } else {
      if (absl::Status st = policy::ValidateHostPattern(text); !st.ok()) {
        return absl::InvalidArgumentError(Cat(e.rule, ": ", policy::ToStd(st.message())));
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
  absl::StatusOr<ParsedUrl> parsed = ParseUrlForDecision(url);
  if (!parsed.ok()) {
    return Finish(Deny(std::string(policy::ToStd(parsed.status().message())), "url"));
  }
  return Finish(DecideEnforced(*parsed));
}

Decision HostPolicy::DecideParsed(const ParsedUrl& url) const {
  if (mode_ == policy::EgressMode::kOff) return Allow("egress mode off", "egress.mode");
  return Finish(DecideEnforced(url));
}

bool HostPolicy::DenyCidrsContain(const IpAddress& address, size_t* index) const {
  const EmbeddedIpv4List embedded = EmbeddedIpv4Of(address);
  for (size_t i = 0; i < deny_.size(); ++i) {
    if (deny_[i].cidr.has_value() && DenyContains(*deny_[i].cidr, address, embedded)) {
      *index = i;
      return true;
    }
  }
  return false;
}

Decision HostPolicy::DecideEnforced(const ParsedUrl& url) const {
  const auto scheme_ok = [&](const AllowEntry& e) {
    if (url.scheme == "https") return e.allows_https;
    if (url.scheme == "http") return e.allows_http;
    return std::find(e.schemes.begin(), e.schemes.end(), url.scheme) != e.schemes.end();
  };
  // The first entry that matched the host but not the port or scheme, for
  // the reason; its text is built only if it decides.
  std::optional<size_t> near_miss;
  const auto explain_near_miss = [&](std::string_view what) {
    const AllowEntry& e = allow_[*near_miss];
    if (!scheme_ok(e)) {
      return Deny(Text({"scheme '", url.scheme, "' is not allowed for ", what, " by ", e.rule,
                        " (schemes: ", e.schemes_text, ")"}),
                  e.rule);
    }
    return Deny(Text({"port ", Decimal(url.port).view(), " is not allowed for ", what, " by ",
                      e.rule, " (ports: ", e.ports_text, ")"}),
                e.rule);
  };

  if (url.ip.has_value()) {
    const IpAddress& ip = *url.ip;
    if (size_t i = 0; DenyCidrsContain(ip, &i)) {
      return Deny(Text({AddressText(ip, ClassifyAddress(ip)).view(), " is on the deny list (",
                        deny_[i].cidr->text, ")"}),
                  deny_[i].rule);
    }
    std::optional<size_t> matched;
    for (size_t i = 0; i < allow_.size(); ++i) {
      const AllowEntry& e = allow_[i];
      if (!e.cidr.has_value() || !AllowContains(*e.cidr, ip)) continue;
      if (scheme_ok(e) && PortListed(e.ports, url.port)) {
        matched = i;
        break;
      }
      if (!near_miss.has_value()) near_miss = i;
    }
    const AddressClassification cls = ClassifyAddress(ip);
    if (!matched.has_value()) {
      const AddressText what(ip, cls);
      if (near_miss.has_value()) return explain_near_miss(what.view());
      return Deny(Text({what.view(), " is not on the allowlist (allow it with a cidr entry)"}),
                  "default-deny");
    }
    // The matched entry contains the address and lists the port, so it lifts
    // any private range; only a metadata endpoint needs the address rules
    // (an exact cidr).
    if (cls.category == AddressClass::kMetadata) {
      const AddressVerdict verdict = JudgeAddress(ip, cls, url.port);
      if (!verdict.allow()) return ExplainAddress(verdict, ip, cls, url.host);
    }
    const AllowEntry& e = allow_[*matched];
    return Allow(Text({AddressText(ip, cls).view(), " is allowed by ", e.rule, " (cidr ",
                       e.cidr->text, ")"}),
                 e.rule);
  }

  for (const DenyEntry& d : deny_) {
    if (!d.host.empty() && policy::HostPatternMatches(d.host, url.host)) {
      return Deny(Text({"host '", url.host, "' is on the deny list ('", d.host, "')"}), d.rule);
    }
  }
  for (size_t i = 0; i < allow_.size(); ++i) {
    const AllowEntry& e = allow_[i];
    if (e.host.empty() || !policy::HostPatternMatches(e.host, url.host)) continue;
    if (scheme_ok(e) && PortListed(e.ports, url.port)) {
      return Allow(Text({"host '", url.host, "' is allowed by ", e.rule, " ('", e.host, "')"}),
                   e.rule);
    }
    if (!near_miss.has_value()) near_miss = i;
  }
  if (near_miss.has_value()) return explain_near_miss(Text({"host '", url.host, "'"}));
  return Deny(Text({"host '", url.host, "' is not on the allowlist"}), "default-deny");
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

HostPolicy::AddressVerdict HostPolicy::JudgeAddress(const IpAddress& address,
                                                    const AddressClassification& cls,
                                                    uint16_t port) const {
  AddressVerdict v;
  if (cls.category == AddressClass::kPublic) {
    v.outcome = AddressOutcome::kPublic;
    return v;
  }
  const bool metadata = cls.category == AddressClass::kMetadata;
  if (!metadata && !deny_private_addresses_) {
    v.outcome = AddressOutcome::kPrivateAllowed;
    return v;
  }
  for (size_t i = 0; i < allow_.size(); ++i) {
    const AllowEntry& e = allow_[i];
    if (!e.cidr.has_value() || !AllowContains(*e.cidr, address)) continue;
    if (!PortListed(e.ports, port)) continue;
    if (metadata && e.cidr->cidr.prefix_length != e.cidr->cidr.network.bit_length()) continue;
    v.outcome = AddressOutcome::kLifted;
    v.index = i;
    return v;
  }
  v.outcome = metadata ? AddressOutcome::kMetadata : AddressOutcome::kPrivateDenied;
  return v;
}

Decision HostPolicy::ExplainAddress(const AddressVerdict& verdict, const IpAddress& address,
                                    const AddressClassification& cls,
                                    std::string_view host) const {
  const AddressText address_text(address, cls);
  std::string_view what = address_text.view();
  std::string with_host;
  if (!host.empty()) {
    char text[kIpTextCapacity];
    if (host != std::string_view(text, FormatIpAddressTo(address, text))) {
      with_host = Text({"host '", host, "' resolved to ", what, ","});
      what = with_host;
    }
  }
  const std::string_view class_name = AddressClassName(cls.category);
  switch (verdict.outcome) {
    case AddressOutcome::kDenyCidr: {
      const DenyEntry& d = deny_[verdict.index];
      return Deny(Text({what, " which is on the deny list (", d.cidr->text, ")"}), d.rule);
    }
    case AddressOutcome::kPublic:
      return Allow(Text({what, " which is a public address"}), "address");
    case AddressOutcome::kPrivateAllowed:
      return Allow(Text({what, " which is ", class_name,
                         " (allowed: deny_private_addresses is false)"}),
                   "egress.deny_private_addresses");
    case AddressOutcome::kLifted: {
      const AllowEntry& e = allow_[verdict.index];
      return Allow(Text({what, " which is ", class_name, ", allowed by ", e.rule, " (cidr ",
                         e.cidr->text, ")"}),
                   e.rule);
    }
    case AddressOutcome::kMetadata:
      return Deny(Text({what, " which is a cloud metadata endpoint (allow only with a cidr entry "
                              "naming exactly that address)"}),
                  "metadata-endpoint");
    case AddressOutcome::kPrivateDenied:
      break;
  }
  return Deny(Text({what, " which is ", class_name,
                    " (denied by deny_private_addresses; lift it with an allow cidr entry)"}),
              "egress.deny_private_addresses");
}

Decision HostPolicy::CheckAddressEnforced(const IpAddress& address, std::string_view host,
                                          uint16_t port) const {
  const AddressClassification cls = ClassifyAddress(address);
  AddressVerdict verdict;
  if (DenyCidrsContain(address, &verdict.index)) {
    verdict.outcome = AddressOutcome::kDenyCidr;
  } else {
    verdict = JudgeAddress(address, cls, port);
  }
  return ExplainAddress(verdict, address, cls, host);
}

Decision HostPolicy::DecideSocket(const IpAddress& address, uint16_t port,
                                  std::span<const std::string_view> names) const {
  if (mode_ == policy::EgressMode::kOff) return Allow("egress mode off", "egress.mode");
  return Finish(DecideSocketEnforced(address, port, names));
}

bool HostPolicy::SocketAllowed(const IpAddress& address, uint16_t port,
                               std::span<const std::string_view> names) const {
  if (mode_ == policy::EgressMode::kOff) return true;
  // The same steps as DecideSocketEnforced() and CheckAddressEnforced(), with
  // no reasons (tests/unit/sandbox/socket_decision_test.cc holds the two
  // to the same answers).
  if (size_t i = 0; DenyCidrsContain(address, &i)) return false;
  for (std::string_view name : names) {
    for (const DenyEntry& d : deny_) {
      if (!d.host.empty() && policy::HostPatternMatches(d.host, name)) return false;
    }
  }
  bool matched = false;
  for (const AllowEntry& e : allow_) {
    if (e.cidr.has_value() && AllowContains(*e.cidr, address) && PortListed(e.ports, port)) {
      matched = true;
      break;
    }
  }
  for (size_t n = 0; n < names.size() && !matched; ++n) {
    for (const AllowEntry& e : allow_) {
      if (!e.host.empty() && PortListed(e.ports, port) &&
          policy::HostPatternMatches(e.host, names[n])) {
        matched = true;
        break;
      }
    }
  }
  if (!matched) return false;
  return JudgeAddress(address, ClassifyAddress(address), port).allow();
}

Decision HostPolicy::DecideSocketEnforced(const IpAddress& address, uint16_t port,
                                          std::span<const std::string_view> names) const {
  const AddressClassification cls = ClassifyAddress(address);
  const std::string what = Text({AddressText(address, cls).view(), " port ", Decimal(port).view()});
  if (size_t i = 0; DenyCidrsContain(address, &i)) {
    return Deny(Text({what, " is on the deny list (", deny_[i].cidr->text, ")"}), deny_[i].rule);
  }
  for (std::string_view name : names) {
    for (const DenyEntry& d : deny_) {
      if (!d.host.empty() && policy::HostPatternMatches(d.host, name)) {
        return Deny(Text({"host '", name, "' (", what, ") is on the deny list ('", d.host, "')"}),
                    d.rule);
      }
    }
  }
  std::optional<size_t> matched;
  std::optional<size_t> near_miss;  // matched the address or a name, not the port
  std::string_view matched_name;
  for (size_t i = 0; i < allow_.size() && !matched.has_value(); ++i) {
    const AllowEntry& e = allow_[i];
    if (!e.cidr.has_value() || !AllowContains(*e.cidr, address)) continue;
    if (PortListed(e.ports, port)) {
      matched = i;
    } else if (!near_miss.has_value()) {
      near_miss = i;
    }
  }
  for (std::string_view name : names) {
    if (matched.has_value()) break;
    for (size_t i = 0; i < allow_.size(); ++i) {
      const AllowEntry& e = allow_[i];
      if (e.host.empty() || !policy::HostPatternMatches(e.host, name)) continue;
      if (PortListed(e.ports, port)) {
        matched = i;
        matched_name = name;
        break;
      }
      if (!near_miss.has_value()) near_miss = i;
    }
  }
  if (!matched.has_value()) {
    if (near_miss.has_value()) {
      const AllowEntry& e = allow_[*near_miss];
      return Deny(Text({"port ", Decimal(port).view(), " is not allowed for ", what, " by ", e.rule,
                        " (ports: ", e.ports_text, ")"}),
                  e.rule);
    }
    if (cls.category == AddressClass::kMetadata) {
      return Deny(Text({what, " is a cloud metadata endpoint (allow only with a cidr entry naming "
                              "exactly that address)"}),
                  "metadata-endpoint");
    }
    if (names.empty()) {
      return Deny(Text({what,
                        " is not on the allowlist (no allow cidr contains it, and the process "
                        "resolved no allowed host name to it)"}),
                  "default-deny");
    }
    return Deny(Text({what, " is not on the allowlist (host names resolved to it: ",
                      policy::Join(names, ", "), ")"}),
                "default-deny");
  }
  const AddressVerdict verdict = JudgeAddress(address, cls, port);
  if (!verdict.allow()) return ExplainAddress(verdict, address, cls, matched_name);
  const AllowEntry& e = allow_[*matched];
  if (e.cidr.has_value()) {
    return Allow(Text({what, " is allowed by ", e.rule, " (cidr ", e.cidr->text, ")"}), e.rule);
  }
  return Allow(Text({"host '", matched_name, "' (", what, ") is allowed by ", e.rule, " ('",
                     e.host, "')"}),
               e.rule);
}

Decision HostPolicy::ResolveAndDecide(std::string_view url) const {
  if (mode_ == policy::EgressMode::kOff) return Allow("egress mode off", "egress.mode");
  absl::StatusOr<ParsedUrl> parsed = ParseUrlForDecision(url);
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
