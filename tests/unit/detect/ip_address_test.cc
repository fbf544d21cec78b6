#include "runtime/detect/ip_address.h"

#include <array>
#include <cstdint>
#include <string>

#include "gtest/gtest.h"

namespace fnguard::detect {
namespace {

TEST(IpAddressTest, Ipv4InEverySpellingInetAtonAccepts) {
  struct Case {
    const char* text;
    uint32_t want;
  };
  for (const Case& c : {Case{"127.0.0.1", 0x7F000001u}, Case{"127.1", 0x7F000001u},
                        Case{"2130706433", 0x7F000001u}, Case{"0x7f.1", 0x7F000001u},
                        Case{"0177.0.0.1", 0x7F000001u}, Case{"0x7F000001", 0x7F000001u},
                        Case{"10.0.258", 0x0A000102u}, Case{"169.254.43518", 0xA9FEA9FEu},
                        Case{"0", 0u}, Case{"255.255.255.255", 0xFFFFFFFFu},
                        // A trailing dot (the DNS root), as browsers read it.
                        Case{"1.2.3.", 0x01020003u}, Case{"127.0.0.1.", 0x7F000001u}}) {
    uint32_t got = 1;
    ASSERT_TRUE(ParseIpv4Loose(c.text, &got)) << c.text;
    EXPECT_EQ(got, c.want) << c.text;
  }
}

TEST(IpAddressTest, Ipv4RejectsOverflowAndNonNumbers) {
  for (const char* text : {"", "256.0.0.1", "1.2.3.4.5", "4294967296", "1.16777216", "08",
                           "1..2", "1.2.3.4..", "1.2.3.4.5.", ".1.2.3", "localhost", "12a", "0x1g", "-1", " 1.2.3.4"}) {
    uint32_t got = 0;
    EXPECT_FALSE(ParseIpv4Loose(text, &got)) << text;
  }
}

TEST(IpAddressTest, Ipv6TextCompressionEmbeddedIpv4AndZones) {
  std::array<uint8_t, 16> a{};
  ASSERT_TRUE(ParseIpv6("::1", &a));
  std::array<uint8_t, 16> loopback{};
  loopback[15] = 1;
  EXPECT_EQ(a, loopback);
  ASSERT_TRUE(ParseIpv6("::ffff:127.0.0.1", &a));
  EXPECT_EQ(a[10], 0xFF);
  EXPECT_EQ(a[11], 0xFF);
  EXPECT_EQ(a[12], 127);
  EXPECT_EQ(a[15], 1);
  ASSERT_TRUE(ParseIpv6("fe80::1%eth0", &a));
  EXPECT_EQ(a[0], 0xFE);
  EXPECT_EQ(a[1], 0x80);
  ASSERT_TRUE(ParseIpv6("2001:db8:0:0:0:0:0:1", &a));
  EXPECT_EQ(a[1], 0x01);
  EXPECT_EQ(a[2], 0x0D);
  for (const char* text : {"", "1:::2", "12345::", "1:2:3:4:5:6:7:8:9", "::g", "1::2::3"}) {
    EXPECT_FALSE(ParseIpv6(text, &a)) << text;
  }
}

TEST(IpAddressTest, ClassifiesHostsAsWritten) {
  struct Case {
    const char* host;
    HostClass want;
  };
  for (const Case& c : {Case{"127.0.0.1", HostClass::kLoopback},
                        Case{"0x7f.1", HostClass::kLoopback},
                        Case{"[::1]", HostClass::kLoopback},
                        Case{"LOCALHOST", HostClass::kLoopback},
                        Case{"localhost.", HostClass::kLoopback},
                        Case{"127.0.0.1.", HostClass::kLoopback},
                        Case{"0.0.0.0", HostClass::kUnspecified},
                        Case{"10.1.2.3", HostClass::kPrivate},
                        Case{"192.168.0.10", HostClass::kPrivate},
                        Case{"[fd00::1]", HostClass::kPrivate},
                        Case{"[fe80::1]", HostClass::kLinkLocal},
                        Case{"100.64.0.1", HostClass::kSharedCgnat},
                        Case{"169.254.169.254", HostClass::kMetadata},
                        Case{"metadata.google.internal", HostClass::kMetadata},
                        Case{"10.0.0.1.nip.io", HostClass::kInternalName},
                        Case{"example.com", HostClass::kPublic},
                        Case{"8.8.8.8", HostClass::kPublic},
                        Case{"172.32.0.1", HostClass::kPublic},
                        Case{"", HostClass::kPublic}}) {
    EXPECT_EQ(ClassifyHost(c.host), c.want) << c.host;
  }
  EXPECT_FALSE(HostClassName(HostClass::kLoopback).empty());
}

TEST(IpAddressTest, LongAndOddHostsEndQuickly) {
  uint32_t v4 = 0;
  std::array<uint8_t, 16> v6{};
  const std::string dots(1 << 20, '.');
  const std::string digits(1 << 20, '1');
  const std::string colons(1 << 20, ':');
  EXPECT_FALSE(ParseIpv4Loose(dots, &v4));
  EXPECT_FALSE(ParseIpv4Loose(digits, &v4));
  EXPECT_FALSE(ParseIpv6(colons, &v6));
  EXPECT_EQ(ClassifyHost(digits), HostClass::kPublic);
  EXPECT_EQ(ClassifyHost("[" + colons + "]"), HostClass::kPublic);
}

}  // namespace
}  // namespace fnguard::detect
