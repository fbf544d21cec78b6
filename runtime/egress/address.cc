#include "runtime/egress/address.h"

#include <string>
#include <utility>
#include <vector>

namespace fnguard::egress {
namespace {

// The ranges as integers and masks, so that classifying an address is a
// few compares: IPv4 in one 32-bit word, IPv6 in two 64-bit words.
struct Range4 {
  uint32_t network;
  uint32_t mask;
  AddressClass category;
};
struct Range6 {
  uint64_t network_high, network_low;
  uint64_t mask_high, mask_low;
  AddressClass category;
};
struct RangeTables {
  std::vector<Range4> v4;
  std::vector<Range6> v6;
};

uint32_t Word32(const uint8_t* b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}
uint64_t Word64(const uint8_t* b) { return (uint64_t{Word32(b)} << 32) | Word32(b + 4); }
uint64_t Mask64(int bits) {  // the top `bits` (0..64) bits set
  return bits <= 0 ? 0 : bits >= 64 ? ~uint64_t{0} : ~uint64_t{0} << (64 - bits);
}

// Ordered: the first containing range wins (metadata before link-local,
// broadcast before 240/4, unspecified before 0/8). The order only matters
// within a family.
const RangeTables& Ranges() {
  static const RangeTables* const ranges = [] {
    const std::pair<const char*, AddressClass> table[] = {
        {"169.254.169.254/32", AddressClass::kMetadata},
        {"169.254.170.2/32", AddressClass::kMetadata},
        {"169.254.170.23/32", AddressClass::kMetadata},
        {"100.100.100.200/32", AddressClass::kMetadata},
        {"fd00:ec2::254/128", AddressClass::kMetadata},
        {"fd00:ec2::23/128", AddressClass::kMetadata},
        {"0.0.0.0/32", AddressClass::kUnspecified},
        {"0.0.0.0/8", AddressClass::kReserved},
        {"10.0.0.0/8", AddressClass::kPrivate},
        {"100.64.0.0/10", AddressClass::kSharedCgnat},
        {"127.0.0.0/8", AddressClass::kLoopback},
        {"169.254.0.0/16", AddressClass::kLinkLocal},
        {"172.16.0.0/12", AddressClass::kPrivate},
        {"192.0.0.0/24", AddressClass::kReserved},
        {"192.0.2.0/24", AddressClass::kDocumentation},
        {"192.168.0.0/16", AddressClass::kPrivate},
        {"198.18.0.0/15", AddressClass::kReserved},
        {"198.51.100.0/24", AddressClass::kDocumentation},
        {"203.0.113.0/24", AddressClass::kDocumentation},
        {"224.0.0.0/4", AddressClass::kMulticast},
        {"255.255.255.255/32", AddressClass::kBroadcast},
        {"240.0.0.0/4", AddressClass::kReserved},
        {"::/128", AddressClass::kUnspecified},
        {"::1/128", AddressClass::kLoopback},
        {"::/96", AddressClass::kReserved},
        {"100::/64", AddressClass::kReserved},
        {"2001:db8::/32", AddressClass::kDocumentation},
        {"fc00::/7", AddressClass::kPrivate},
        {"fe80::/10", AddressClass::kLinkLocal},
        {"fec0::/10", AddressClass::kPrivate},
        {"ff00::/8", AddressClass::kMulticast},
    };
    auto* out = new RangeTables();
    for (const auto& [text, category] : table) {
      // The table is fixed and valid; an entry that did not parse would be
      // left out.
      absl::StatusOr<policy::Cidr> cidr = policy::ParseCidr(text);
      if (!cidr.ok()) continue;
      const uint8_t* b = cidr->network.bytes.data();
      if (cidr->network.family == 4) {
        const uint32_t mask = static_cast<uint32_t>(Mask64(cidr->prefix_length) >> 32);
        out->v4.push_back({Word32(b) & mask, mask, category});
      } else {
        const uint64_t high = Mask64(cidr->prefix_length);
        const uint64_t low = Mask64(cidr->prefix_length - 64);
        out->v6.push_back({Word64(b) & high, Word64(b + 8) & low, high, low, category});
      }
    }
    return out;
  }();
  return *ranges;
}

AddressClass ClassifyPlain(const policy::IpAddress& address) {
  const RangeTables& ranges = Ranges();
  const uint8_t* b = address.bytes.data();
  if (address.family == 4) {
    const uint32_t word = Word32(b);
    for (const Range4& r : ranges.v4) {
      if ((word & r.mask) == r.network) return r.category;
    }
  } else if (address.family == 6) {
    const uint64_t high = Word64(b), low = Word64(b + 8);
    for (const Range6& r : ranges.v6) {
      if ((high & r.mask_high) == r.network_high && (low & r.mask_low) == r.network_low) {
        return r.category;
      }
    }
  }
  return AddressClass::kPublic;
}

policy::IpAddress Ipv4From(const uint8_t* bytes, bool invert) {
  policy::IpAddress v4;
  v4.family = 4;
  for (int i = 0; i < 4; ++i) v4.bytes[i] = invert ? static_cast<uint8_t>(~bytes[i]) : bytes[i];
  return v4;
}

bool AllZero(const uint8_t* bytes, int n) {
  for (int i = 0; i < n; ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

}  // namespace

EmbeddedIpv4List EmbeddedIpv4Of(const policy::IpAddress& address) {
  EmbeddedIpv4List out;
  if (address.family != 6) return out;
  const auto add = [&out](const policy::IpAddress& v4, std::string_view how) {
    out.items[out.size++] = EmbeddedIpv4{v4, how};
  };
  const uint8_t* b = address.bytes.data();
  if (AllZero(b, 10) && b[10] == 0xff && b[11] == 0xff) {
    add(Ipv4From(b + 12, false), "IPv4-mapped");
  } else if (AllZero(b, 12) && !AllZero(b + 12, 3)) {
    // ::/96 except ::0.0.0.x (which includes :: and ::1).
    add(Ipv4From(b + 12, false), "IPv4-compatible");
  } else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b &&
             (AllZero(b + 4, 8) || (b[4] == 0x00 && b[5] == 0x01))) {
    // 64:ff9b::/96 (well-known) and 64:ff9b:1::/48 (local use).
    add(Ipv4From(b + 12, false), "NAT64");
  } else if (b[0] == 0x20 && b[1] == 0x02) {
    add(Ipv4From(b + 2, false), "6to4");
  } else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) {
    // Teredo: client address obfuscated (inverted) in the last 32 bits,
    // server address in bits 32-63.
    add(Ipv4From(b + 12, true), "Teredo");
    add(Ipv4From(b + 4, false), "Teredo");
  }
  return out;
}

std::vector<std::pair<policy::IpAddress, std::string_view>> EmbeddedIpv4Addresses(
    const policy::IpAddress& address) {
  std::vector<std::pair<policy::IpAddress, std::string_view>> embedded;
  for (const EmbeddedIpv4& e : EmbeddedIpv4Of(address)) {
    embedded.emplace_back(e.address, e.embedding);
  }
  return embedded;
}

std::optional<policy::IpAddress> Ipv4MappedAddress(const policy::IpAddress& address) {
  if (address.family != 6) return std::nullopt;
  const uint8_t* b = address.bytes.data();
  if (!AllZero(b, 10) || b[10] != 0xff || b[11] != 0xff) return std::nullopt;
  return Ipv4From(b + 12, false);
}

AddressClassification ClassifyAddress(const policy::IpAddress& address) {
  AddressClassification out;
  out.effective = address;
  for (const EmbeddedIpv4& e : EmbeddedIpv4Of(address)) {
    AddressClass category = ClassifyPlain(e.address);
    if (category != AddressClass::kPublic) {
      out.category = category;
      out.effective = e.address;
      out.embedding = e.embedding;
      return out;
    }
  }
  out.category = ClassifyPlain(address);
  return out;
}

std::string_view AddressClassName(AddressClass category) {
  switch (category) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kSharedCgnat:
      return "shared (CGNAT)";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kBroadcast:
      return "broadcast";
    case AddressClass::kReserved:
      return "reserved";
    case AddressClass::kDocumentation:
      return "documentation";
    case AddressClass::kMetadata:
      return "cloud metadata endpoint";
  }
  return "unknown";
}

}  // namespace fnguard::egress
