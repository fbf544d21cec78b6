#include "runtime/detect/ip_address.h"

#include <string_view>

#include "runtime/detect/ascii_scan.h"

namespace fnguard::detect {
namespace {

using scan::IEndsWith;
using scan::IEquals;
using scan::IsDigit;
using scan::IsHex;
using scan::Lower;

// One inet_aton() part: decimal, 0-prefixed octal or 0x-prefixed hex.
// Leading zeros do not count against any length: "0000000000000000000001"
// is 1 to inet_aton() and to browsers alike, and the overflow checks bound
// the rest.
bool ParsePart(std::string_view p, uint64_t* value) {
  if (p.empty()) return false;
  uint64_t v = 0;
  if (p.size() >= 3 && p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
    for (size_t i = 2; i < p.size(); ++i) {
      if (p[i] < '0' || p[i] > '7') return false;
      v = v * 8 + static_cast<uint64_t>(p[i] - '0');
      if (v > 0xffffffffULL) return false;
    }
  } else if (p.size() >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    if (p.size() == 2) {
      *value = 0;
      return true;
    }
    for (size_t i = 2; i < p.size(); ++i) {
      char c = Lower(p[i]);
      if (!IsHex(c)) return false;
      v = v * 16 + static_cast<uint64_t>(IsDigit(c) ? c - '0' : c - 'a' + 10);
      if (v > 0xffffffffULL) return false;
    }
  } else if (p.size() >= 2 && p[0] == '0') {
    for (size_t i = 1; i < p.size(); ++i) {
      if (p[i] < '0' || p[i] > '7') return false;
      v = v * 8 + static_cast<uint64_t>(p[i] - '0');
      if (v > 0xffffffffULL) return false;
    }
  } else {
    for (char c : p) {
      if (!IsDigit(c)) return false;
      v = v * 10 + static_cast<uint64_t>(c - '0');
      if (v > 0xffffffffULL) return false;
    }
  }
  *value = v;
  return true;
}

bool InCidr(uint32_t addr, uint32_t net, int bits) {
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (addr & mask) == (net & mask);
}

// Finds a dotted IPv4 address inside a DNS name such as "127.0.0.1.nip.io" or
// "app-10-0-0-1.sslip.io" (dashes as separators) and classifies it.
HostClass ClassifyEmbeddedIpv4(std::string_view name) {
  // Try every label boundary as the start of 4 numeric labels.
  size_t start = 0;
  while (start < name.size()) {
    uint32_t parts[4];
    size_t pos = start;
    int n = 0;
    while (n < 4 && pos < name.size() && IsDigit(name[pos])) {
      uint32_t v = 0;
      size_t digits = 0;
      while (pos < name.size() && IsDigit(name[pos]) && digits < 4) {
        v = v * 10 + static_cast<uint32_t>(name[pos] - '0');
        ++pos;
        ++digits;
      }
      if (v > 255) break;
      parts[n++] = v;
      if (n < 4) {
        if (pos < name.size() && (name[pos] == '.' || name[pos] == '-')) {
          ++pos;
        } else {
          break;
        }
      }
    }
    if (n == 4) {
      uint32_t addr = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3];
      HostClass c = ClassifyIpv4(addr);
      if (c != HostClass::kPublic) return c;
    }
    // A label of eight hex digits is an address too ("7f000001.rbndr.us",
    // "0a000001.sslip.io").
    size_t end = start;
    while (end < name.size() && name[end] != '.' && name[end] != '-') ++end;
    if (end - start == 8) {
      uint32_t addr = 0;
      size_t k = start;
      for (; k < end && IsHex(Lower(name[k])); ++k) {
        const char c = Lower(name[k]);
        addr = addr << 4 | static_cast<uint32_t>(IsDigit(c) ? c - '0' : c - 'a' + 10);
      }
      if (k == end) {
        HostClass c = ClassifyIpv4(addr);
        if (c != HostClass::kPublic) return c;
      }
    }
    // Next label start.
    start = end + 1;
  }
  return HostClass::kPublic;
}

// Some URL parsers keep only the low bits of oversized numbers:
// "7147006462" and "0x41414141a9fea9fe" become 169.254.169.254 and
// "425.510.425.510" has each part taken modulo 256. Accepts only digits,
// dots and hex prefixes.
bool ParseIpv4Wrapping(std::string_view text, uint32_t* addr) {
  if (text.empty() || text.size() > 64) return false;
  uint64_t parts[4];
  int n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '.') continue;
    if (n == 4) return false;
    std::string_view p = text.substr(start, i - start);
    if (p.empty()) return false;
    uint64_t v = 0;
    if (p.size() > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
      for (size_t k = 2; k < p.size(); ++k) {
        char c = Lower(p[k]);
        if (!IsHex(c)) return false;
        v = (v << 4) | static_cast<uint64_t>(IsDigit(c) ? c - '0' : c - 'a' + 10);
      }
    } else {
      for (char c : p) {
        if (!IsDigit(c)) return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
      }
    }
    parts[n++] = v;
    start = i + 1;
  }
  if (n == 1) {
    *addr = static_cast<uint32_t>(parts[0]);
    return true;
  }
  if (n != 4) return false;
  *addr = static_cast<uint32_t>(((parts[0] & 0xff) << 24) | ((parts[1] & 0xff) << 16) |
                                ((parts[2] & 0xff) << 8) | (parts[3] & 0xff));
  return true;
}

// The IPv4 tail of an IPv6 address ("::ffff:127.0.0.1"), as inet_pton()
// and browsers read it: exactly four decimal parts of at most 255, none
// with a leading zero.
bool ParseDottedQuad(std::string_view text, uint32_t* addr) {
  uint32_t v = 0;
  size_t start = 0;
  for (int part = 0; part < 4; ++part) {
    size_t end = start;
    while (end < text.size() && IsDigit(text[end])) ++end;
    const size_t len = end - start;
    if (len == 0 || len > 3 || (len > 1 && text[start] == '0')) return false;
    uint32_t p = 0;
    for (size_t k = start; k < end; ++k) p = p * 10 + static_cast<uint32_t>(text[k] - '0');
    if (p > 255) return false;
    v = (v << 8) | p;
    if (part < 3) {
      if (end >= text.size() || text[end] != '.') return false;
      start = end + 1;
    } else if (end != text.size()) {
      return false;
    }
  }
  *addr = v;
  return true;
}

}  // namespace

bool ParseIpv4Loose(std::string_view text, uint32_t* addr) {
  if (text.empty()) return false;
  uint64_t parts[4];
  int n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '.') {
      std::string_view p = text.substr(start, i - start);
      if (p.empty()) {
        // A single trailing dot is accepted ("127.0.0.1."), as browsers do.
        if (i == text.size() && n > 0) break;
        return false;
      }
      if (n == 4) return false;
      if (!ParsePart(p, &parts[n])) return false;
      ++n;
      start = i + 1;
    }
  }
  uint64_t v = 0;
  switch (n) {
    case 1:
      v = parts[0];
      break;
    case 2:
      if (parts[0] > 255 || parts[1] > 0xffffff) return false;
      v = (parts[0] << 24) | parts[1];
      break;
    case 3:
      if (parts[0] > 255 || parts[1] > 255 || parts[2] > 0xffff) return false;
      v = (parts[0] << 24) | (parts[1] << 16) | parts[2];
      break;
    case 4:
      for (int i = 0; i < 4; ++i) {
        if (parts[i] > 255) return false;
      }
      v = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3];
      break;
    default:
      return false;
  }
  if (v > 0xffffffffULL) return false;
  *addr = static_cast<uint32_t>(v);
  return true;
}

bool ParseIpv6(std::string_view text, std::array<uint8_t, 16>* addr) {
  size_t pct = text.find('%');
  if (pct != std::string_view::npos) text = text.substr(0, pct);
  if (text.size() < 2 || text.size() > 64) return false;
  uint16_t groups[8] = {0};
  int n = 0;
  int gap = -1;  // index in groups where "::" occurred
  size_t i = 0;
  if (text[0] == ':') {
    if (text[1] != ':') return false;
    gap = 0;
    i = 2;
    if (i == text.size()) {
      addr->fill(0);
      return true;
    }
  }
  while (i < text.size()) {
    if (n >= 8) return false;
    // Embedded dotted IPv4 in the last 32 bits.
    size_t end = i;
    while (end < text.size() && text[end] != ':') ++end;
    std::string_view piece = text.substr(i, end - i);
    if (piece.find('.') != std::string_view::npos) {
      if (end != text.size() || n > 6) return false;
      uint32_t v4;
      if (!ParseDottedQuad(piece, &v4)) return false;
      groups[n++] = static_cast<uint16_t>(v4 >> 16);
      groups[n++] = static_cast<uint16_t>(v4 & 0xffff);
      i = end;
      break;
    }
    if (piece.empty() || piece.size() > 4) return false;
    uint32_t g = 0;
    for (char c : piece) {
      c = Lower(c);
      if (!IsHex(c)) return false;
      g = g * 16 + static_cast<uint32_t>(IsDigit(c) ? c - '0' : c - 'a' + 10);
    }
    groups[n++] = static_cast<uint16_t>(g);
    i = end;
    if (i < text.size()) {
      ++i;  // ':'
      if (i < text.size() && text[i] == ':') {
        if (gap >= 0) return false;
        gap = n;
        ++i;
      } else if (i == text.size()) {
        return false;  // trailing single ':'
      }
    }
  }
  uint16_t out[8] = {0};
  if (gap >= 0) {
    if (n > 7) return false;
    int tail = n - gap;
    for (int k = 0; k < gap; ++k) out[k] = groups[k];
    for (int k = 0; k < tail; ++k) out[8 - tail + k] = groups[gap + k];
  } else {
    if (n != 8) return false;
    for (int k = 0; k < 8; ++k) out[k] = groups[k];
  }
  for (int k = 0; k < 8; ++k) {
    (*addr)[2 * k] = static_cast<uint8_t>(out[k] >> 8);
    (*addr)[2 * k + 1] = static_cast<uint8_t>(out[k] & 0xff);
  }
  return true;
}

std::string_view HostClassName(HostClass c) {
  switch (c) {
    case HostClass::kPublic: return "a public address";
    case HostClass::kLoopback: return "a loopback address";
    case HostClass::kUnspecified: return "the unspecified address";
    case HostClass::kPrivate: return "a private network address";
    case HostClass::kLinkLocal: return "a link-local address";
    case HostClass::kSharedCgnat: return "a carrier-grade NAT address";
    case HostClass::kMetadata: return "a cloud metadata endpoint";
    case HostClass::kInternalName: return "an internal host name";
  }
  return "an address";
}

HostClass ClassifyIpv4(uint32_t a) {
  // 169.254.169.254 (AWS/GCP/Azure/OpenStack), 100.100.100.200 (Alibaba), 192.0.0.192 (Oracle).
  if (a == 0xA9FEA9FEu) return HostClass::kMetadata;
  if (a == ((100u << 24) | (100u << 16) | (100u << 8) | 200u)) return HostClass::kMetadata;
  if (a == ((192u << 24) | (0u << 16) | (0u << 8) | 192u)) return HostClass::kMetadata;
  if (InCidr(a, 0x7F000000u, 8)) return HostClass::kLoopback;
  if (InCidr(a, 0x00000000u, 8)) return HostClass::kUnspecified;
  if (InCidr(a, 0x0A000000u, 8) || InCidr(a, 0xAC100000u, 12) || InCidr(a, 0xC0A80000u, 16) ||
      InCidr(a, 0xC0000000u, 24)) {
    return HostClass::kPrivate;
  }
  if (InCidr(a, 0xA9FE0000u, 16)) return HostClass::kLinkLocal;
  if (InCidr(a, 0x64400000u, 10)) return HostClass::kSharedCgnat;
  return HostClass::kPublic;
}

HostClass ClassifyIpv6(const std::array<uint8_t, 16>& b) {
  bool zero10 = true;
  for (int i = 0; i < 10; ++i) zero10 = zero10 && b[i] == 0;
  uint32_t low32 = (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | b[15];
  if (zero10 && b[10] == 0 && b[11] == 0) {
    if (low32 == 0) return HostClass::kUnspecified;
    if (low32 == 1) return HostClass::kLoopback;
    return ClassifyIpv4(low32);  // IPv4-compatible ::a.b.c.d
  }
  if (zero10 && b[10] == 0xff && b[11] == 0xff) return ClassifyIpv4(low32);  // mapped
  // NAT64 64:ff9b::/96 embeds IPv4.
  if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    HostClass c = ClassifyIpv4(low32);
    if (c != HostClass::kPublic) return c;
  }
  // fd00:ec2::254 (AWS IMDS over IPv6).
  if (b[0] == 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == 0xc2 && b[15] == 0x54 &&
      b[14] == 0x02) {
    bool mid_zero = true;
    for (int i = 4; i < 14; ++i) mid_zero = mid_zero && b[i] == 0;
    if (mid_zero) return HostClass::kMetadata;
  }
  if ((b[0] & 0xfe) == 0xfc) return HostClass::kPrivate;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return HostClass::kLinkLocal;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return HostClass::kPrivate;  // site-local
  return HostClass::kPublic;
}

HostClass ClassifyHost(std::string_view host) {
  if (host.empty()) return HostClass::kPublic;
  if (host.front() == '[') {
    size_t close = host.find(']');
    std::string_view inner = host.substr(1, close == std::string_view::npos ? host.size() - 1
                                                                               : close - 1);
    std::array<uint8_t, 16> b;
    if (ParseIpv6(inner, &b)) return ClassifyIpv6(b);
    return HostClass::kPublic;
  }
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return HostClass::kPublic;
  uint32_t v4;
  if (ParseIpv4Loose(host, &v4)) return ClassifyIpv4(v4);
  if (ParseIpv4Wrapping(host, &v4)) {
    HostClass c = ClassifyIpv4(v4);
    if (c == HostClass::kLoopback || c == HostClass::kMetadata) return c;
  }
  std::array<uint8_t, 16> b;
  if (host.find(':') != std::string_view::npos && ParseIpv6(host, &b)) return ClassifyIpv6(b);
  if (IEquals(host, "localhost") || IEndsWith(host, ".localhost") ||
      IEquals(host, "localhost.localdomain") || IEquals(host, "ip6-localhost") ||
      IEquals(host, "ip6-loopback")) {
    return HostClass::kLoopback;
  }
  if (IEquals(host, "metadata") || IEquals(host, "metadata.google.internal") ||
      IEquals(host, "metadata.goog") || IEquals(host, "instance-data") ||
      IEndsWith(host, ".ec2.internal") || IEquals(host, "metadata.azure.com") ||
      IEquals(host, "metadata.tencentyun.com") || IEquals(host, "metadata.packet.net")) {
    return HostClass::kMetadata;
  }
  if (IEquals(host, "localtest.me") || IEndsWith(host, ".localtest.me") ||
      IEquals(host, "lvh.me") || IEndsWith(host, ".lvh.me") || IEquals(host, "vcap.me") ||
      IEndsWith(host, ".vcap.me") || IEquals(host, "127-0-0-1.org.uk") ||
      IEquals(host, "spoofed.burpcollaborator.net")) {
    return HostClass::kLoopback;
  }
  if (IEndsWith(host, ".internal") || IEndsWith(host, ".intranet") ||
      IEndsWith(host, ".corp") || IEndsWith(host, ".lan") || IEndsWith(host, ".home.arpa")) {
    return HostClass::kInternalName;
  }
  // Names only a cluster's or a LAN's own resolver answers: Kubernetes
  // services (`kubernetes.default.svc`, `redis.prod.svc.cluster.local`),
  // Consul's service catalogue (`vault.service.consul`), multicast DNS
  // (`printer.local`) and the resolver's own domain (`db.localdomain`).
  if (IEndsWith(host, ".svc") || IEndsWith(host, ".cluster.local") ||
      IEquals(host, "kubernetes.default") || IEndsWith(host, ".consul") ||
      IEndsWith(host, ".local") || IEndsWith(host, ".localdomain")) {
    return HostClass::kInternalName;
  }
  if (IEquals(host, "rancher-metadata") || IEquals(host, "metadata.internal")) {
    return HostClass::kMetadata;
  }
  // Wildcard DNS services that answer with the IP written in the name, and
  // rebinding services that alternate between two written there.
  if (IEndsWith(host, ".nip.io") || IEndsWith(host, ".xip.io") || IEndsWith(host, ".sslip.io") ||
      IEndsWith(host, ".traefik.me") || IEndsWith(host, ".localh.st") ||
      IEndsWith(host, ".nip.direct") || IEndsWith(host, ".rbndr.us") || IEndsWith(host, ".1u.ms")) {
    HostClass c = ClassifyEmbeddedIpv4(host);
    if (c != HostClass::kPublic) return c == HostClass::kMetadata ? c : HostClass::kInternalName;
  }
  return HostClass::kPublic;
}

}  // namespace fnguard::detect
