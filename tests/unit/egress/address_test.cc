#include "runtime/egress/address.h"

#include <string>

#include "gtest/gtest.h"
#include "runtime/egress/url.h"

namespace fnguard::egress {
namespace {

struct Case {
  const char* address;
  AddressClass category;
  const char* effective;  // the address the category was decided on
  const char* embedding;
};

const Case kCases[] = {
    {"8.8.8.8", AddressClass::kPublic, "8.8.8.8", ""},
    {"93.184.216.34", AddressClass::kPublic, "93.184.216.34", ""},
    {"2606:4700::1111", AddressClass::kPublic, "2606:4700::1111", ""},
    {"127.0.0.1", AddressClass::kLoopback, "127.0.0.1", ""},
    {"127.255.255.254", AddressClass::kLoopback, "127.255.255.254", ""},
    {"::1", AddressClass::kLoopback, "::1", ""},
    {"10.0.0.1", AddressClass::kPrivate, "10.0.0.1", ""},
    {"172.16.0.1", AddressClass::kPrivate, "172.16.0.1", ""},
    {"172.31.255.255", AddressClass::kPrivate, "172.31.255.255", ""},
    {"172.32.0.1", AddressClass::kPublic, "172.32.0.1", ""},
    {"192.168.1.1", AddressClass::kPrivate, "192.168.1.1", ""},
    {"fc00::1", AddressClass::kPrivate, "fc00::1", ""},
    {"fd12:3456::1", AddressClass::kPrivate, "fd12:3456::1", ""},
    {"169.254.1.1", AddressClass::kLinkLocal, "169.254.1.1", ""},
    {"fe80::1", AddressClass::kLinkLocal, "fe80::1", ""},
    {"febf::1", AddressClass::kLinkLocal, "febf::1", ""},
    {"100.64.0.1", AddressClass::kSharedCgnat, "100.64.0.1", ""},
    {"100.127.255.255", AddressClass::kSharedCgnat, "100.127.255.255", ""},
    {"100.128.0.1", AddressClass::kPublic, "100.128.0.1", ""},
    {"0.0.0.0", AddressClass::kUnspecified, "0.0.0.0", ""},
    {"::", AddressClass::kUnspecified, "::", ""},
    {"0.1.2.3", AddressClass::kReserved, "0.1.2.3", ""},
    {"240.0.0.1", AddressClass::kReserved, "240.0.0.1", ""},
    {"255.255.255.254", AddressClass::kReserved, "255.255.255.254", ""},
    {"255.255.255.255", AddressClass::kBroadcast, "255.255.255.255", ""},
    {"224.0.0.1", AddressClass::kMulticast, "224.0.0.1", ""},
    {"239.255.255.250", AddressClass::kMulticast, "239.255.255.250", ""},
    {"ff02::1", AddressClass::kMulticast, "ff02::1", ""},
    {"192.0.2.1", AddressClass::kDocumentation, "192.0.2.1", ""},
    {"2001:db8::1", AddressClass::kDocumentation, "2001:db8::1", ""},
    // Cloud metadata and credential endpoints.
    {"169.254.169.254", AddressClass::kMetadata, "169.254.169.254", ""},
    {"169.254.170.2", AddressClass::kMetadata, "169.254.170.2", ""},
    {"169.254.170.23", AddressClass::kMetadata, "169.254.170.23", ""},
    {"100.100.100.200", AddressClass::kMetadata, "100.100.100.200", ""},
    {"fd00:ec2::254", AddressClass::kMetadata, "fd00:ec2::254", ""},
    {"fd00:ec2::23", AddressClass::kMetadata, "fd00:ec2::23", ""},
    // IPv4 embedded in IPv6.
    {"::ffff:169.254.169.254", AddressClass::kMetadata, "169.254.169.254", "IPv4-mapped"},
    {"::ffff:7f00:1", AddressClass::kLoopback, "127.0.0.1", "IPv4-mapped"},
    {"0:0:0:0:0:ffff:127.0.0.1", AddressClass::kLoopback, "127.0.0.1", "IPv4-mapped"},
    {"::ffff:10.0.0.1", AddressClass::kPrivate, "10.0.0.1", "IPv4-mapped"},
    {"::ffff:8.8.8.8", AddressClass::kPublic, "::ffff:8.8.8.8", ""},
    {"::127.0.0.1", AddressClass::kLoopback, "127.0.0.1", "IPv4-compatible"},
    {"::a9fe:a9fe", AddressClass::kMetadata, "169.254.169.254", "IPv4-compatible"},
    {"::8.8.8.8", AddressClass::kReserved, "::8.8.8.8", ""},
    {"64:ff9b::a9fe:a9fe", AddressClass::kMetadata, "169.254.169.254", "NAT64"},
    {"64:ff9b::7f00:1", AddressClass::kLoopback, "127.0.0.1", "NAT64"},
    {"64:ff9b:1::a00:1", AddressClass::kPrivate, "10.0.0.1", "NAT64"},
    {"64:ff9b::808:808", AddressClass::kPublic, "64:ff9b::808:808", ""},
    {"2002:a9fe:a9fe::", AddressClass::kMetadata, "169.254.169.254", "6to4"},
    {"2002:7f00:1::1", AddressClass::kLoopback, "127.0.0.1", "6to4"},
    {"2002:808:808::1", AddressClass::kPublic, "2002:808:808::1", ""},
    // Teredo: client 127.0.0.1 stored inverted (80ff:fffe), server 8.8.8.8.
    {"2001:0:808:808::80ff:fffe", AddressClass::kLoopback, "127.0.0.1", "Teredo"},
    {"2001:0:a9fe:a9fe::f7f7:f7f7", AddressClass::kMetadata, "169.254.169.254", "Teredo"},
    // Both edges of ranges whose prefix is not a whole byte.
    {"100.63.255.255", AddressClass::kPublic, "100.63.255.255", ""},
    {"100.64.0.0", AddressClass::kSharedCgnat, "100.64.0.0", ""},
    {"172.15.255.255", AddressClass::kPublic, "172.15.255.255", ""},
    {"172.16.0.0", AddressClass::kPrivate, "172.16.0.0", ""},
    {"198.17.255.255", AddressClass::kPublic, "198.17.255.255", ""},
    {"198.18.0.0", AddressClass::kReserved, "198.18.0.0", ""},
    {"198.19.255.255", AddressClass::kReserved, "198.19.255.255", ""},
    {"198.20.0.0", AddressClass::kPublic, "198.20.0.0", ""},
    {"223.255.255.255", AddressClass::kPublic, "223.255.255.255", ""},
    {"169.254.169.253", AddressClass::kLinkLocal, "169.254.169.253", ""},
    {"fbff:ffff::1", AddressClass::kPublic, "fbff:ffff::1", ""},
    {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", AddressClass::kPrivate,
     "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
    {"fe7f:ffff::1", AddressClass::kPublic, "fe7f:ffff::1", ""},
    {"fec0::", AddressClass::kPrivate, "fec0::", ""},
    {"feff:ffff::1", AddressClass::kPrivate, "feff:ffff::1", ""},
    {"2001:db7:ffff:ffff::1", AddressClass::kPublic, "2001:db7:ffff:ffff::1", ""},
    {"2001:db9::", AddressClass::kPublic, "2001:db9::", ""},
    {"100::ffff:ffff:ffff:ffff", AddressClass::kReserved, "100::ffff:ffff:ffff:ffff", ""},
    {"100:0:0:1::", AddressClass::kPublic, "100:0:0:1::", ""},
    {"fd00:ec2::253", AddressClass::kPrivate, "fd00:ec2::253", ""},
};

TEST(ClassifyAddress, Table) {
  for (const Case& c : kCases) {
    std::optional<policy::IpAddress> ip = policy::ParseIpAddress(c.address);
    ASSERT_TRUE(ip.has_value()) << c.address;
    AddressClassification cls = ClassifyAddress(*ip);
    EXPECT_EQ(cls.category, c.category)
        << c.address << " -> " << AddressClassName(cls.category);
    EXPECT_EQ(FormatIpAddress(cls.effective), std::string(c.effective)) << c.address;
    EXPECT_EQ(cls.embedding, c.embedding) << c.address;
  }
}

TEST(EmbeddedIpv4, ListAndVectorAgree) {
  for (const char* text : {"8.8.8.8", "::1", "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::a9fe:a9fe",
                           "64:ff9b:1::a00:1", "2002:a9fe:a9fe::", "2001:0:808:808::80ff:fffe",
                           "2606:4700::1111"}) {
    std::optional<policy::IpAddress> ip = policy::ParseIpAddress(text);
    ASSERT_TRUE(ip.has_value()) << text;
    const auto vec = EmbeddedIpv4Addresses(*ip);
    const EmbeddedIpv4List list = EmbeddedIpv4Of(*ip);
    ASSERT_EQ(list.size, vec.size()) << text;
    for (size_t i = 0; i < vec.size(); ++i) {
      EXPECT_EQ(FormatIpAddress(list.items[i].address), FormatIpAddress(vec[i].first)) << text;
      EXPECT_EQ(list.items[i].embedding, vec[i].second) << text;
    }
  }
  const EmbeddedIpv4List teredo =
      EmbeddedIpv4Of(*policy::ParseIpAddress("2001:0:808:808::80ff:fffe"));
  ASSERT_EQ(teredo.size, 2u);
  EXPECT_EQ(FormatIpAddress(teredo.items[0].address), "127.0.0.1");  // client, inverted
  EXPECT_EQ(FormatIpAddress(teredo.items[1].address), "8.8.8.8");    // server
}

TEST(ClassifyAddress, Names) {
  EXPECT_EQ(AddressClassName(AddressClass::kMetadata), "cloud metadata endpoint");
  EXPECT_EQ(AddressClassName(AddressClass::kLoopback), "loopback");
  EXPECT_EQ(AddressClassName(AddressClass::kPublic), "public");
}

}  // namespace
}  // namespace fnguard::egress
