// Validation details not covered by the data files.
#include "policy/schema.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"

namespace fnguard::policy {
namespace {

using ::testing::HasSubstr;

std::string LoadError(std::string_view text) {
  auto p = LoadPolicyText(text, "s.yaml");
  return p.ok() ? "" : std::string(p.status().message());
}

TEST(EditDistanceTest, Bounded) {
  EXPECT_EQ(BoundedEditDistance("mode", "mode", 2), 0u);
  EXPECT_EQ(BoundedEditDistance("mdoe", "mode", 2), 2u);
  EXPECT_EQ(BoundedEditDistance("egres", "egress", 2), 1u);
  EXPECT_EQ(BoundedEditDistance("x", "inspection", 2), 3u);
  EXPECT_EQ(BoundedEditDistance(std::string(100000, 'a'), "mode", 2), 3u);
}

TEST(SchemaTest, UnknownKeySuggestionsPerSection) {
  EXPECT_THAT(LoadError("version: 1\negress: {tls: {min_verison: '1.2'}}\n"),
              HasSubstr("unknown key 'min_verison' in egress.tls (did you mean 'min_version'?)"));
  EXPECT_THAT(LoadError("version: 1\negress: {allow: [{hots: a.example.com}]}\n"),
              HasSubstr("unknown key 'hots' in egress.allow[0] (did you mean 'host'?)"));
  EXPECT_THAT(LoadError("version: 1\nspool_dir: /tmp\n"),
              HasSubstr("('spool_dir' belongs in reporting)"));
  std::string far = LoadError("version: 1\ncompletely_unrelated: 1\n");
  EXPECT_THAT(far, HasSubstr("unknown key 'completely_unrelated' at top level"));
  EXPECT_THAT(far, ::testing::Not(HasSubstr("did you mean")));
}

TEST(SchemaTest, LimitsBounds) {
  EXPECT_EQ(LoadError("version: 1\ninspection: {limits: {max_depth: 1000, max_fields: 1000000, "
                      "time_budget_us: 10000000, max_body_bytes: 1}}\n"),
            "");
  EXPECT_THAT(LoadError("version: 1\ninspection: {limits: {max_depth: 1001}}\n"),
              HasSubstr("max_depth must be in 1..1000, got 1001"));
  EXPECT_THAT(LoadError("version: 1\ninspection: {limits: {max_fields: 1000001}}\n"),
              HasSubstr("max_fields must be in 1..1000000"));
  EXPECT_THAT(LoadError("version: 1\ninspection: {limits: {max_body_bytes: 104857601, "
                        "max_event_bytes: 268435456}}\n"),
              HasSubstr("max_body_bytes must be in 1..104857600"));
  EXPECT_THAT(LoadError("version: 1\ninspection: {limits: {max_body_bytes: 7000000}}\n"),
              HasSubstr("must not exceed max_event_bytes (6291456, the default)"));
  EXPECT_THAT(LoadError("version: 1\ninspection: {limits: {max_depth: 99999999999999999999999}}\n"),
              HasSubstr("must be an integer"));
  EXPECT_THAT(LoadError("version: 1\ninspection: {limits: {max_depth: 18446744073709551616}}\n"),
              HasSubstr("must be in 1..1000"));
  EXPECT_THAT(LoadError("version: 1\ninspection: {limits: {max_depth: 0x10}}\n"),
              HasSubstr("must be an integer"));
  EXPECT_THAT(LoadError("version: 1\ninspection: {limits: {max_depth: }}\n"),
              HasSubstr("must be an integer (1..1000), got nothing"));
}

TEST(SchemaTest, RuleDetails) {
  EXPECT_THAT(LoadError("version: 1\ninspection: {rules: [{id: a, pattern: \"" +
                        std::string(kMaxRulePatternBytes + 1, 'a') + "\"}]}\n"),
              HasSubstr("is longer than 4096 bytes"));
  EXPECT_THAT(
      LoadError("version: 1\ninspection: {rules: [{id: a, pattern: x, paths: [\"body..x\"]}]}\n"),
      HasSubstr("inspection.rules[0].paths[0]: path pattern 'body..x' has an empty segment"));
  EXPECT_THAT(LoadError("version: 1\ninspection: {rules: [x]}\n"),
              HasSubstr("inspection.rules[0] must be a mapping"));
}

TEST(SchemaTest, HeadersFromEnv) {
  EXPECT_EQ(LoadError("version: 1\nreporting: {headers_from_env: {X-Api-Key: API_KEY_1}}\n"), "");
  EXPECT_THAT(LoadError("version: 1\nreporting: {headers_from_env: {\"bad header\": TOKEN}}\n"),
              HasSubstr("is not a valid HTTP header name"));
  EXPECT_THAT(LoadError("version: 1\nreporting: {headers_from_env: {a: X, A: Y}}\n"),
              HasSubstr("duplicate header 'A'"));
  EXPECT_THAT(LoadError("version: 1\nreporting: {headers_from_env: {a: 1TOKEN}}\n"),
              HasSubstr("must name an environment variable"));
  EXPECT_THAT(LoadError("version: 1\nreporting: {headers_from_env: [a]}\n"),
              HasSubstr("must be a mapping {header: ENV_VAR}"));
}

TEST(SchemaTest, Urls) {
  EXPECT_EQ(
      LoadError("version: 1\nreporting: {otlp_endpoint: \"https://[2001:db8::1]:4318/v1/logs\"}\n"),
      "");
  EXPECT_THAT(
      LoadError("version: 1\nreporting: {otlp_endpoint: \"https://c.example.com:99999/x\"}\n"),
      HasSubstr("invalid port '99999'"));
  EXPECT_THAT(LoadError("version: 1\nreporting: {otlp_endpoint: \"https://*.example.com/x\"}\n"),
              HasSubstr("globs are not allowed here"));
  EXPECT_THAT(LoadError("version: 1\nreporting: {otlp_endpoint: \"ftp://c.example.com\"}\n"),
              HasSubstr("must start with https:// or http://"));
  EXPECT_THAT(LoadError("version: 1\negress: {proxy: \"http://proxy.example.com:3128/path\"}\n"),
              HasSubstr("must not have a path"));
  EXPECT_THAT(LoadError("version: 1\negress: {proxy: \"http://proxy.example.com:\"}\n"),
              HasSubstr("empty port"));
}

TEST(SchemaTest, TypeErrorsNameWhatWasFound) {
  EXPECT_THAT(LoadError("version: 1\nmode: [block]\n"),
              HasSubstr("mode must be a string, got a list"));
  EXPECT_THAT(LoadError("version: 1\nmode:\n"),
              HasSubstr("mode must be a string, got nothing (null)"));
  EXPECT_THAT(LoadError("version: 1\nblock_response: {content_type: \"text/plain\\r\\nX: y\"}\n"),
              HasSubstr("must not contain control characters"));
  EXPECT_THAT(LoadError("version: 1\n? [a]\n: b\n"), HasSubstr("keys must be plain words"));
}

TEST(SchemaTest, PinsAreValidated) {
  EXPECT_EQ(
      LoadError("version: 1\negress: {tls: {pins: [\"sha256//" + std::string(43, 'A') + "=\"]}}\n"),
      "");
  EXPECT_THAT(LoadError("version: 1\negress: {tls: {pins: [\"sha256//AAAA\"]}}\n"),
              HasSubstr("32-byte"));
}

TEST(SchemaTest, DenyEntries) {
  EXPECT_EQ(LoadError("version: 1\negress: {deny: [a.example.com, \"*.b.example.com\", 10.0.0.0/8, "
                      "\"fd00::/8\"]}\n"),
            "");
  EXPECT_THAT(LoadError("version: 1\negress: {deny: [10.0.0.1/8]}\n"),
              HasSubstr("did you mean '10.0.0.0/8'?"));
  EXPECT_THAT(LoadError("version: 1\negress: {deny: [\"Evil.Example.com\"]}\n"),
              HasSubstr("did you mean 'evil.example.com'?"));
}

}  // namespace
}  // namespace fnguard::policy
