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

// The IPv4 tail of an IPv6 address is a strict dotted quad, as inet_pton()
// and browsers read it: none of inet_aton()'s short, octal or hex forms, and
// no trailing dot.
TEST(IpAddressTest, Ipv6EmbeddedIpv4IsAStrictDottedQuad) {
  std::array<uint8_t, 16> a{};
  ASSERT_TRUE(ParseIpv6("::ffff:10.0.0.255", &a));
  EXPECT_EQ(a[12], 10);
  EXPECT_EQ(a[15], 255);
  ASSERT_TRUE(ParseIpv6("64:ff9b::0.0.0.0", &a));
  EXPECT_EQ(a[1], 0x64);
  for (const char* text : {"::ffff:127.0.0.", "::ffff:127.0.1", "::ffff:010.0.0.1",
                           "::ffff:0x7f.0.0.1", "::ffff:256.0.0.1", "::ffff:1.2.3.4.5",
                           "::ffff:1..3.4", "::ffff:1.2.3.4:5", "::ffff:1234.0.0.1"}) {
    EXPECT_FALSE(ParseIpv6(text, &a)) << text;
  }
}

// Beyond inet_aton(): a bare "0x" part is 0, as browsers read it, and so
// "http://0x/" reaches 0.0.0.0.
TEST(IpAddressTest, BareHexPrefixIsZero) {
  uint32_t v = 1;
  ASSERT_TRUE(ParseIpv4Loose("0x", &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(ParseIpv4Loose("0x7f.0x.0x.1", &v));
  EXPECT_EQ(v, 0x7F000001u);
  EXPECT_EQ(ClassifyHost("0x"), HostClass::kUnspecified);
}

// Leading zeros are read however many there are, as inet_aton() and
// browsers read them: a host padded with zeros is still loopback.
TEST(IpAddressTest, LeadingZerosOfAnyLength) {
  const std::string zeros(200, '0');
  uint32_t v = 1;
  ASSERT_TRUE(ParseIpv4Loose(zeros, &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(ParseIpv4Loose(zeros + "177.0.0.0x" + zeros + "1", &v));
  EXPECT_EQ(v, 0x7F000001u);
  EXPECT_EQ(ClassifyHost("0x" + zeros + "7f000001"), HostClass::kLoopback);
  // Digits after the zeros still overflow as before.
  EXPECT_FALSE(ParseIpv4Loose(zeros + "4294967296", &v));
  EXPECT_FALSE(ParseIpv4Loose("0x" + zeros + "100000000", &v));
}

TEST(IpAddressTest, ClassifiesHostsAsWritten) {
  struct Case {
    const char* host;
    HostClass want;
  };
  for (const Case& c :
       {Case{"127.0.0.1", HostClass::kLoopback}, Case{"0x7f.1", HostClass::kLoopback},
        Case{"[::1]", HostClass::kLoopback}, Case{"LOCALHOST", HostClass::kLoopback},
        Case{"localhost.", HostClass::kLoopback}, Case{"127.0.0.1.", HostClass::kLoopback},
        Case{"0.0.0.0", HostClass::kUnspecified}, Case{"10.1.2.3", HostClass::kPrivate},
        Case{"192.168.0.10", HostClass::kPrivate}, Case{"[fd00::1]", HostClass::kPrivate},
        Case{"[fe80::1]", HostClass::kLinkLocal}, Case{"100.64.0.1", HostClass::kSharedCgnat},
        Case{"169.254.169.254", HostClass::kMetadata},
        Case{"metadata.google.internal", HostClass::kMetadata},
        Case{"10.0.0.1.nip.io", HostClass::kInternalName},
        // Rebinding services: addresses as eight hex digits.
        Case{"7f000001.c0a80001.rbndr.us", HostClass::kInternalName},
        Case{"0a000001.sslip.io", HostClass::kInternalName},
        Case{"a9fea9fe.1u.ms", HostClass::kMetadata},
        Case{"08080808.c0a8000g.rbndr.us", HostClass::kPublic},
        Case{"7f000001.example.com", HostClass::kPublic},
        Case{"kubernetes.default.svc", HostClass::kInternalName},
        Case{"kubernetes.default", HostClass::kInternalName},
        Case{"redis.prod.svc.cluster.local", HostClass::kInternalName},
        Case{"vault.service.consul", HostClass::kInternalName},
        Case{"printer.local", HostClass::kInternalName},
        Case{"db.localdomain", HostClass::kInternalName},
        Case{"svc.example.com", HostClass::kPublic}, Case{"local.example.com", HostClass::kPublic},
        Case{"consul.io", HostClass::kPublic}, Case{"example.com", HostClass::kPublic},
        Case{"8.8.8.8", HostClass::kPublic}, Case{"172.32.0.1", HostClass::kPublic},
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
  const std::string zeros(1 << 20, '0');
  EXPECT_FALSE(ParseIpv4Loose(dots, &v4));
  EXPECT_TRUE(ParseIpv4Loose(zeros, &v4));
  EXPECT_FALSE(ParseIpv4Loose(digits, &v4));
  EXPECT_FALSE(ParseIpv6(colons, &v6));
  EXPECT_EQ(ClassifyHost(digits), HostClass::kPublic);
  EXPECT_EQ(ClassifyHost("[" + colons + "]"), HostClass::kPublic);
}

}  // namespace
}  // namespace fnguard::detect
