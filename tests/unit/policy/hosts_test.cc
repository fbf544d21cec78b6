#include "policy/hosts.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fnguard::policy {
namespace {

using ::testing::HasSubstr;

std::string HostError(std::string_view host) {
  absl::Status st = ValidateHostPattern(host);
  return st.ok() ? "" : std::string(st.message());
}

TEST(ValidateHostPatternTest, AcceptsNormalizedHostsAndGlobs) {
  for (std::string_view ok :
       {"api.example.com", "localhost", "a-b.c-d.example", "xn--bcher-kva.example", "*.example.com",
        "*.s3.eu-west-1.amazonaws.com", "1password.com"}) {
    EXPECT_TRUE(ValidateHostPattern(ok).ok()) << ok << ": " << HostError(ok);
  }
}

TEST(ValidateHostPatternTest, RejectsBadGlobs) {
  EXPECT_THAT(HostError("*"), HasSubstr("would allow every host"));
  EXPECT_THAT(HostError("*.com"), HasSubstr("too broad"));
  EXPECT_THAT(HostError("a*.com"), HasSubstr("only a leading '*.'"));
  EXPECT_THAT(HostError("foo.*.com"), HasSubstr("only a leading '*.'"));
  EXPECT_THAT(HostError("**.x.com"), HasSubstr("did you mean '*.x.com'?"));
  EXPECT_THAT(HostError("*.*.example.com"), HasSubstr("only a leading '*.'"));
  EXPECT_THAT(HostError("example.*"), HasSubstr("only a leading '*.'"));
  EXPECT_THAT(HostError(".example.com"), HasSubstr("did you mean '*.example.com'?"));
}

TEST(ValidateHostPatternTest, SuggestsTheNormalizedForm) {
  EXPECT_THAT(HostError("API.Example.com."), HasSubstr("did you mean 'api.example.com'?"));
  EXPECT_THAT(HostError("https://api.example.com/x"), HasSubstr("did you mean 'api.example.com'?"));
  EXPECT_THAT(HostError("api.example.com:8443"), HasSubstr("did you mean 'api.example.com'?"));
  EXPECT_THAT(HostError("user:pw@api.example.com"), HasSubstr("did you mean 'api.example.com'?"));
  EXPECT_THAT(HostError("api.example.com."), HasSubstr("did you mean 'api.example.com'?"));
  EXPECT_THAT(HostError("bücher.example"), HasSubstr("did you mean 'xn--bcher-kva.example'?"));
  EXPECT_THAT(HostError("*.MÜNCHEN.example"),
              HasSubstr("did you mean '*.xn--mnchen-3ya.example'?"));
}

TEST(ValidateHostPatternTest, NoSuggestionWhenNoValidFormExists) {
  std::string error = HostError("bad_host.example.com");
  EXPECT_THAT(error, HasSubstr("has the character '_'"));
  EXPECT_THAT(error, ::testing::Not(HasSubstr("did you mean")));
}

TEST(ValidateHostPatternTest, RejectsBadLabels) {
  EXPECT_THAT(HostError("-a.example.com"), HasSubstr("starting or ending with '-'"));
  EXPECT_THAT(HostError("a-.example.com"), HasSubstr("starting or ending with '-'"));
  EXPECT_THAT(HostError("a..example.com"), HasSubstr("empty label"));
  EXPECT_THAT(HostError(std::string(64, 'a') + ".com"), HasSubstr("longer than 63"));
  std::string long_host;
  for (int i = 0; i < 60; ++i) long_host += "abcd.";
  long_host += "com";
  EXPECT_THAT(HostError(long_host), HasSubstr("longer than 253"));
  EXPECT_THAT(HostError(""), HasSubstr("empty"));
}

TEST(ValidateHostPatternTest, AddressesMustBeCidrs) {
  EXPECT_THAT(HostError("10.1.2.3"), HasSubstr("write it as a cidr ('10.1.2.3/32')"));
  EXPECT_THAT(HostError("[2001:db8::1]"), HasSubstr("write it as a cidr ('2001:db8::1/128')"));
}

TEST(PunycodeTest, KnownVectors) {
  EXPECT_EQ(PunycodeLabel("bücher"), "xn--bcher-kva");
  EXPECT_EQ(PunycodeLabel("münchen"), "xn--mnchen-3ya");
  EXPECT_EQ(PunycodeLabel("例え"), "xn--r8jz45g");
  EXPECT_EQ(PunycodeLabel("ascii"), "ascii");
  EXPECT_EQ(PunycodeLabel("\xff\xfe"), std::nullopt);
}

TEST(HostPatternMatchesTest, GlobsMatchSubdomainsNeverTheApex) {
  EXPECT_TRUE(HostPatternMatches("*.example.com", "a.example.com"));
  EXPECT_TRUE(HostPatternMatches("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(HostPatternMatches("*.example.com", "example.com"));
  EXPECT_FALSE(HostPatternMatches("*.example.com", "badexample.com"));
  EXPECT_TRUE(HostPatternMatches("api.example.com", "api.example.com"));
  EXPECT_FALSE(HostPatternMatches("api.example.com", "x.api.example.com"));
}

TEST(CidrTest, ParsesAndNormalizes) {
  auto v4 = ParseCidr("10.0.0.0/8");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->prefix_length, 8);
  EXPECT_EQ(v4->ToString(), "10.0.0.0/8");
  auto v6 = ParseCidr("2001:db8::/32");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->network.family, 6);
  EXPECT_THAT(std::string(ParseCidr("10.0.0.1/8").status().message()),
              HasSubstr("did you mean '10.0.0.0/8'?"));
  EXPECT_THAT(std::string(ParseCidr("2001:db8::1/32").status().message()),
              HasSubstr("did you mean '2001:db8::/32'?"));
  EXPECT_THAT(std::string(ParseCidr("2001:DB8::/32").status().message()),
              HasSubstr("did you mean '2001:db8::/32'?"));
  EXPECT_THAT(std::string(ParseCidr("10.0.0.0/33").status().message()), HasSubstr("prefix length"));
  EXPECT_THAT(std::string(ParseCidr("10.0.0.0/").status().message()), HasSubstr("prefix length"));
  EXPECT_THAT(std::string(ParseCidr("10.0.0.0/-1").status().message()), HasSubstr("prefix length"));
  EXPECT_THAT(std::string(ParseCidr("10.0.0/8").status().message()), HasSubstr("not an IPv4"));
  EXPECT_THAT(std::string(ParseCidr("192.0.2.7").status().message()),
              HasSubstr("did you mean '192.0.2.7/32'?"));
  EXPECT_TRUE(ParseCidr("0.0.0.0/0").ok());
}

TEST(CidrTest, ContainsAndOverlaps) {
  Cidr link_local = *ParseCidr("169.254.0.0/16");
  EXPECT_TRUE(link_local.Contains(*ParseIpAddress("169.254.169.254")));
  EXPECT_FALSE(link_local.Contains(*ParseIpAddress("169.255.0.1")));
  EXPECT_FALSE(link_local.Contains(*ParseIpAddress("::1")));
  EXPECT_TRUE(ParseCidr("10.1.0.0/16")->Overlaps(*ParseCidr("10.0.0.0/8")));
  EXPECT_TRUE(ParseCidr("0.0.0.0/0")->Overlaps(*ParseCidr("192.168.0.0/16")));
  EXPECT_FALSE(ParseCidr("11.0.0.0/8")->Overlaps(*ParseCidr("10.0.0.0/8")));
  EXPECT_TRUE(ParseCidr("fd00::/8")->Overlaps(*ParseCidr("fc00::/7")));
  EXPECT_TRUE(ParseCidr("10.0.0.0/31")->Contains(*ParseIpAddress("10.0.0.1")));
}

TEST(LooksLikeAddressTest, TellsAddressesFromHosts) {
  EXPECT_TRUE(LooksLikeAddress("10.0.0.0/8"));
  EXPECT_TRUE(LooksLikeAddress("10.0.0.300/8"));
  EXPECT_TRUE(LooksLikeAddress("2001:db8::/32"));
  EXPECT_TRUE(LooksLikeAddress("192.0.2.1"));
  EXPECT_FALSE(LooksLikeAddress("api.example.com"));
  EXPECT_FALSE(LooksLikeAddress("api.example.com:443"));
  EXPECT_FALSE(LooksLikeAddress("https://api.example.com/x"));
  EXPECT_FALSE(LooksLikeAddress("*.example.com"));
}

}  // namespace
}  // namespace fnguard::policy
