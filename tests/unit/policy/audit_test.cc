#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"

namespace fnguard::policy {
namespace {

using ::testing::HasSubstr;

std::vector<AuditWarning> AuditText(std::string_view text) {
  auto policy = LoadPolicyText(text, "a.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (!policy.ok()) return {};
  return Audit(**policy);
}

std::vector<std::string> Codes(const std::vector<AuditWarning>& warnings) {
  std::vector<std::string> codes;
  for (const AuditWarning& w : warnings) codes.push_back(w.code);
  return codes;
}

const AuditWarning* Find(const std::vector<AuditWarning>& warnings, std::string_view code) {
  auto it = std::find_if(warnings.begin(), warnings.end(),
                         [&](const AuditWarning& w) { return w.code == code; });
  return it == warnings.end() ? nullptr : &*it;
}

TEST(AuditTest, DefaultsAndStrictPolicyHaveNoWarnings) {
  EXPECT_TRUE(Audit(*DefaultPolicy()).empty());
  auto warnings = AuditText(R"(
version: 1
fail_mode: open
inspection: {on_timeout: open}
egress:
  allow: [{host: api.example.com}, {cidr: 203.0.113.0/24}]
  tls: {min_version: "1.3"}
reporting: {otlp_endpoint: "http://localhost:4318/v1/logs"}
)");
  EXPECT_TRUE(warnings.empty()) << ::testing::PrintToString(Codes(warnings));
}

TEST(AuditTest, MonitorModeWithLocation) {
  auto warnings = AuditText("version: 1\nmode: monitor\n");
  ASSERT_EQ(Codes(warnings), std::vector<std::string>{"monitor_mode"});
  EXPECT_THAT(warnings[0].message, HasSubstr("(a.yaml:2:1)"));
}

TEST(AuditTest, TimeoutClosedWarnsButFailModeClosedDoesNot) {
  EXPECT_TRUE(AuditText("version: 1\nfail_mode: closed\n").empty());
  auto warnings = AuditText("version: 1\ninspection: {on_timeout: closed}\n");
  EXPECT_EQ(Codes(warnings), std::vector<std::string>{"timeout_fails_closed"});
}

TEST(AuditTest, EgressModes) {
  EXPECT_NE(Find(AuditText("version: 1\negress: {mode: report}\n"), "egress_not_enforced"),
            nullptr);
  std::vector<AuditWarning> warnings = AuditText("version: 1\negress: {mode: off}\n");
  const AuditWarning* off = Find(warnings, "egress_not_enforced");
  ASSERT_NE(off, nullptr);
  EXPECT_THAT(off->message, HasSubstr("egress.mode is off"));
}

TEST(AuditTest, WildcardEgress) {
  auto warnings = AuditText("version: 1\negress: {allow: [{host: \"*.example.com\"}]}\n");
  ASSERT_EQ(Codes(warnings), std::vector<std::string>{"wildcard_egress"});
  EXPECT_THAT(warnings[0].message, HasSubstr("example.com"));
  EXPECT_NE(
      Find(AuditText("version: 1\negress: {allow: [{cidr: 0.0.0.0/0}]}\n"), "wildcard_egress"),
      nullptr);
}

TEST(AuditTest, CidrLiftingPrivateRangesAndMetadata) {
  auto ten = AuditText("version: 1\negress: {allow: [{cidr: 10.0.0.0/8}]}\n");
  EXPECT_EQ(Codes(ten), std::vector<std::string>{"private_range_allowed"});
  auto link_local = AuditText("version: 1\negress: {allow: [{cidr: 169.254.0.0/16}]}\n");
  const AuditWarning* metadata = Find(link_local, "metadata_allowed");
  ASSERT_NE(metadata, nullptr);
  EXPECT_THAT(metadata->message, HasSubstr("metadata"));
  EXPECT_NE(Find(link_local, "private_range_allowed"), nullptr);
  auto v6 = AuditText("version: 1\negress: {allow: [{cidr: \"fd00::/8\"}]}\n");
  EXPECT_NE(Find(v6, "metadata_allowed"), nullptr);  // fd00:ec2::254
  EXPECT_TRUE(AuditText("version: 1\negress: {allow: [{cidr: 198.51.100.0/24}]}\n").empty());
}

TEST(AuditTest, EgressWeakeners) {
  auto warnings = AuditText(R"(
version: 1
egress:
  allow: [{host: old.example.com, schemes: [http]}]
  deny_private_addresses: false
  follow_redirects: true
  proxy: http://proxy.example.com:3128
  tls: {ca_file: /extra.pem}
)");
  std::vector<std::string> codes = Codes(warnings);
  for (std::string_view code : {"plaintext_egress", "private_addresses_allowed", "follow_redirects",
                                "egress_proxy", "tls_extra_ca"}) {
    EXPECT_NE(std::find(codes.begin(), codes.end(), code), codes.end()) << code;
  }
  EXPECT_THAT(Find(warnings, "tls_extra_ca")->message, HasSubstr("trusts an extra CA"));
}

TEST(AuditTest, DisabledDetectorsAreListed) {
  auto warnings = AuditText("version: 1\ninspection: {detectors: [sqli, xss]}\n");
  const AuditWarning* w = Find(warnings, "detectors_disabled");
  ASSERT_NE(w, nullptr);
  EXPECT_THAT(w->message, HasSubstr("disabled: cmdi, path_traversal"));
  EXPECT_THAT(w->message, HasSubstr("prototype_pollution"));
  EXPECT_THAT(w->message, ::testing::Not(HasSubstr(" sqli")));
  EXPECT_THAT(w->message, ::testing::Not(HasSubstr("xss")));
}

TEST(AuditTest, WholeSectionExclusions) {
  for (std::string_view path : {"body", "body.*", "headers.*", "query.*", "*"}) {
    auto warnings = AuditText(std::string("version: 1\ninspection: {exclusions: [{path: \"") +
                              std::string(path) + "\"}]}\n");
    EXPECT_NE(Find(warnings, "section_excluded"), nullptr) << path;
  }
  // Narrow, or only some detectors: fine.
  EXPECT_TRUE(AuditText("version: 1\ninspection: {exclusions: [{path: body.comment}]}\n").empty());
  EXPECT_TRUE(
      AuditText("version: 1\ninspection: {exclusions: [{path: body.*, detectors: [xss]}]}\n")
          .empty());
}

TEST(AuditTest, PlaintextOtlpToRemoteHost) {
  EXPECT_NE(
      Find(
          AuditText(
              "version: 1\nreporting: {otlp_endpoint: \"http://collector.example.com/v1/logs\"}\n"),
          "otlp_plaintext"),
      nullptr);
  EXPECT_TRUE(
      AuditText("version: 1\nreporting: {otlp_endpoint: \"http://127.0.0.1:4318\"}\n").empty());
  EXPECT_TRUE(AuditText("version: 1\nreporting: {otlp_endpoint: \"http://[::1]:4318\"}\n").empty());
  EXPECT_TRUE(
      AuditText("version: 1\nreporting: {otlp_endpoint: \"https://collector.example.com\"}\n")
          .empty());
}

}  // namespace
}  // namespace fnguard::policy
