#include "policy/hosts.h"

#include <arpa/inet.h>

#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "policy/text.h"

namespace fnguard::policy {
namespace {

bool IsLabelChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

bool HasNonAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return true;
  }
  return false;
}

// Validates a normalized, wildcard-free host name. Returns a reason (without
// the host itself) or an empty string when valid.
std::string HostNameProblem(std::string_view host) {
  if (host.empty()) return "is empty";
  if (host.size() > kMaxHostLength) {
    return Cat("is longer than ", kMaxHostLength, " characters");
  }
  for (std::string_view label : Split(host, '.')) {
    if (label.empty()) return "has an empty label";
    if (label.size() > kMaxLabelLength) {
      return Cat("has a label longer than ", kMaxLabelLength, " characters");
    }
    for (char c : label) {
      if (!IsLabelChar(c)) {
        return Cat("has the character '", std::string(1, c), "' (labels are a-z, 0-9 and '-')");
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return "has a label starting or ending with '-'";
    }
  }
  return "";
}

size_t LabelCount(std::string_view host) {
  size_t n = 1;
  for (char c : host) n += c == '.';
  return n;
}

// The structural check with no suggestion: returns an empty string when
// `pattern` is a valid normalized host or glob, otherwise the reason.
std::string PatternProblem(std::string_view pattern) {
  if (pattern.empty()) return "host is empty";
  if (pattern.find('*') != std::string_view::npos) {
    if (pattern == "*") {
      return "host '*' would allow every host: list the hosts (or '*.example.com' globs) instead";
    }
    if (pattern.size() < 2 || pattern.substr(0, 2) != "*." ||
        pattern.find('*', 1) != std::string_view::npos) {
      return Cat("host glob '", pattern,
                 "' is not allowed: only a leading '*.' is (e.g. '*.example.com')");
    }
    std::string_view suffix = pattern.substr(2);
    std::string problem = HostNameProblem(suffix);
    if (!problem.empty()) return Cat("host glob '", pattern, "' ", problem);
    if (LabelCount(suffix) < 2) {
      return Cat("host glob '", pattern,
                 "' is too broad: '*.' must be followed by at least two labels "
                 "(e.g. '*.example.com')");
    }
    return "";
  }
  std::string problem = HostNameProblem(pattern);
  if (!problem.empty()) return Cat("host '", pattern, "' ", problem);
  return "";
}

// Decodes UTF-8 `s` into code points; false on malformed input.
bool DecodeUtf8(std::string_view s, std::vector<uint32_t>* out) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    out->push_back(cp);
    i += len;
  }
  return true;
}

// Lower-cases the scripts most often seen in host names (Latin-1, Greek,
// Cyrillic): enough to suggest the right punycode for "MÜNCHEN" without a
// full IDNA mapping table.
uint32_t LowerCodePoint(uint32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 0x20 : cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 0x20;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

char PunycodeDigit(uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

uint32_t PunycodeAdapt(uint32_t delta, uint32_t num_points, bool first_time) {
  constexpr uint32_t kBase = 36, kTmin = 1, kTmax = 26, kSkew = 38, kDamp = 700;
  delta = first_time ? delta / kDamp : delta / 2;
  delta += delta / num_points;
  uint32_t k = 0;
  while (delta > ((kBase - kTmin) * kTmax) / 2) {
    delta /= kBase - kTmin;
    k += kBase;
  }
  return k + (kBase - kTmin + 1) * delta / (delta + kSkew);
}

bool IsIpv4Literal(std::string_view text) {
  auto ip = ParseIpAddress(text);
  return ip.has_value() && ip->family == 4;
}

}  // namespace

std::optional<std::string> PunycodeLabel(std::string_view utf8_label) {
  if (!HasNonAscii(utf8_label)) return std::string(utf8_label);
  std::vector<uint32_t> cps;
  if (!DecodeUtf8(utf8_label, &cps) || cps.size() > kMaxLabelLength * 4) return std::nullopt;
  for (uint32_t& cp : cps) cp = LowerCodePoint(cp);
  constexpr uint32_t kBase = 36, kTmin = 1, kTmax = 26;
  std::string out = "xn--";
  uint32_t basic = 0;
  for (uint32_t cp : cps) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
      ++basic;
    }
  }
  if (basic > 0) out.push_back('-');
  uint32_t n = 0x80, delta = 0, bias = 72, handled = basic;
  while (handled < cps.size()) {
    uint32_t m = UINT32_MAX;
    for (uint32_t cp : cps) {
      if (cp >= n && cp < m) m = cp;
    }
    uint64_t step = static_cast<uint64_t>(m - n) * (handled + 1);
    if (step + delta > UINT32_MAX) return std::nullopt;
    delta += static_cast<uint32_t>(step);
    n = m;
    for (uint32_t cp : cps) {
      if (cp < n && ++delta == 0) return std::nullopt;
      if (cp == n) {
        uint32_t q = delta;
        for (uint32_t k = kBase;; k += kBase) {
          uint32_t t = k <= bias ? kTmin : (k >= bias + kTmax ? kTmax : k - bias);
          if (q < t) break;
          out.push_back(PunycodeDigit(t + (q - t) % (kBase - t)));
          q = (q - t) / (kBase - t);
        }
        out.push_back(PunycodeDigit(q));
        bias = PunycodeAdapt(delta, handled + 1, handled == basic);
        delta = 0;
        ++handled;
      }
    }
    ++delta;
    ++n;
  }
  return out;
}

std::optional<std::string> NormalizeHostPattern(std::string_view text) {
  std::string_view s = ToStd(absl::StripAsciiWhitespace(ToAbsl(text)));
  if (size_t scheme = s.find("://"); scheme != std::string_view::npos) s.remove_prefix(scheme + 3);
  if (size_t end = s.find_first_of("/?#"); end != std::string_view::npos) s = s.substr(0, end);
  if (size_t at = s.rfind('@'); at != std::string_view::npos) s.remove_prefix(at + 1);
  if (!s.empty() && s.front() == '[') return std::nullopt;  // IPv6 literal: not a host
  if (size_t colon = s.rfind(':'); colon != std::string_view::npos) {
    uint32_t port;
    if (s.find(':') != colon || !absl::SimpleAtoi(ToAbsl(s.substr(colon + 1)), &port))
      return std::nullopt;
    s = s.substr(0, colon);
  }
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  std::string host;
  size_t stars = 0;
  while (stars < s.size() && s[stars] == '*') ++stars;
  if (stars > 0 || (!s.empty() && s.front() == '.')) {
    // "**.x.com", "*x.com" and ".x.com" all mean "any subdomain of x.com".
    std::string_view rest = s.substr(stars);
    if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
    host = "*.";
    s = rest;
  }
  bool first = true;
  for (std::string_view label : Split(s, '.')) {
    std::optional<std::string> ascii = PunycodeLabel(absl::AsciiStrToLower(ToAbsl(label)));
    if (!ascii.has_value()) return std::nullopt;
    if (!first) host.push_back('.');
    host += *ascii;
    first = false;
  }
  if (!PatternProblem(host).empty() || IsIpv4Literal(host)) return std::nullopt;
  return host;
}

absl::Status ValidateHostPattern(std::string_view pattern) {
  auto with_suggestion = [&](std::string message) {
    std::optional<std::string> normalized = NormalizeHostPattern(pattern);
    if (normalized.has_value() && *normalized != pattern) {
      Append(&message, " (did you mean '", *normalized, "'?)");
    }
    return absl::InvalidArgumentError(message);
  };
  if (pattern.empty()) return absl::InvalidArgumentError("host is empty");
  if (HasNonAscii(pattern)) {
    return with_suggestion(
        Cat("host '", pattern, "' has non-ASCII characters: write IDN names in punycode"));
  }
  std::string_view bare = pattern;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  if (std::optional<IpAddress> ip = ParseIpAddress(bare); ip.has_value()) {
    return absl::InvalidArgumentError(Cat("host '", pattern,
                                          "' is an address: write it as a cidr ('", bare, "/",
                                          ip->bit_length(), "')"));
  }
  for (char c : pattern) {
    if (c >= 'A' && c <= 'Z') {
      return with_suggestion(Cat("host '", pattern, "' must be lower-case"));
    }
  }
  if (pattern.find("://") != std::string_view::npos) {
    return with_suggestion(Cat("host '", pattern, "' must not include a scheme"));
  }
  if (pattern.find('@') != std::string_view::npos) {
    return with_suggestion(Cat("host '", pattern, "' must not include userinfo"));
  }
  if (pattern.find_first_of("/?#") != std::string_view::npos) {
    return with_suggestion(Cat("host '", pattern, "' must not include a path"));
  }
  if (pattern.find(':') != std::string_view::npos) {
    return with_suggestion(Cat("host '", pattern, "' must not include a port (use 'ports')"));
  }
  if (pattern.back() == '.') {
    return with_suggestion(Cat("host '", pattern, "' must not end with '.'"));
  }
  std::string problem = PatternProblem(pattern);
  if (!problem.empty()) return with_suggestion(problem);
  return absl::OkStatus();
}

bool HostPatternMatches(std::string_view pattern, std::string_view host) {
  if (pattern.size() >= 2 && pattern[0] == '*' && pattern[1] == '.') {
    std::string_view suffix = pattern.substr(1);  // ".example.com"
    return host.size() > suffix.size() && host.ends_with(suffix);
  }
  return pattern == host;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, ip.bytes.data()) != 1) return std::nullopt;
    ip.family = 4;
  } else {
    if (inet_pton(AF_INET6, buf, ip.bytes.data()) != 1) return std::nullopt;
    ip.family = 6;
  }
  return ip;
}

bool Cidr::Contains(const IpAddress& address) const {
  if (address.family != network.family) return false;
  int full = prefix_length / 8, rest = prefix_length % 8;
  if (std::memcmp(address.bytes.data(), network.bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (address.bytes[full] & mask) == (network.bytes[full] & mask);
}

bool Cidr::Overlaps(const Cidr& other) const {
  if (other.network.family != network.family) return false;
  return prefix_length <= other.prefix_length ? Contains(other.network) : other.Contains(network);
}

std::string Cidr::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(network.family == 4 ? AF_INET : AF_INET6, network.bytes.data(), buf, sizeof(buf));
  return Cat(buf, "/", prefix_length);
}

absl::StatusOr<Cidr> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  std::string_view address_text = text.substr(0, slash);
  std::optional<IpAddress> ip = ParseIpAddress(address_text);
  if (!ip.has_value()) {
    return absl::InvalidArgumentError(
        Cat("cidr '", text, "' is not an IPv4 or IPv6 block (e.g. '203.0.113.0/24')"));
  }
  if (slash == std::string_view::npos) {
    return absl::InvalidArgumentError(Cat("cidr '", text, "' has no prefix length (did you mean '",
                                          text, "/", ip->bit_length(), "'?)"));
  }
  std::string_view prefix_text = text.substr(slash + 1);
  int prefix = -1;
  bool digits = !prefix_text.empty() && prefix_text.size() <= 3;
  for (char c : prefix_text) digits = digits && c >= '0' && c <= '9';
  if (!digits || !absl::SimpleAtoi(ToAbsl(prefix_text), &prefix) || prefix > ip->bit_length()) {
    return absl::InvalidArgumentError(
        Cat("cidr '", text, "' has an invalid prefix length (0..", ip->bit_length(), ")"));
  }
  Cidr cidr;
  cidr.network = *ip;
  cidr.prefix_length = prefix;
  // Clear host bits, then compare.
  for (int bit = prefix; bit < ip->bit_length(); ++bit) {
    cidr.network.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  }
  if (cidr.network.bytes != ip->bytes) {
    return absl::InvalidArgumentError(
        Cat("cidr '", text, "' has host bits set (did you mean '", cidr.ToString(), "'?)"));
  }
  std::string canonical = cidr.ToString();
  if (canonical != text) {
    return absl::InvalidArgumentError(
        Cat("cidr '", text, "' is not normalized (did you mean '", canonical, "'?)"));
  }
  return cidr;
}

bool LooksLikeAddress(std::string_view text) {
  std::string_view address = text.substr(0, text.find('/'));
  if (address.empty() || ParseIpAddress(address).has_value()) return !address.empty();
  // Broken literals ("10.0.0.300/8", "2001:db8:::/32") are still addresses.
  bool dotted_digits = true;
  size_t colons = 0;
  bool hex_colon = true;
  for (char c : address) {
    dotted_digits = dotted_digits && ((c >= '0' && c <= '9') || c == '.');
    colons += c == ':';
    hex_colon = hex_colon && (absl::ascii_isxdigit(c) || c == ':' || c == '.');
  }
  return dotted_digits || (hex_colon && colons >= 2);
}

}  // namespace fnguard::policy
