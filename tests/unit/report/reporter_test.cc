#include "runtime/report/reporter.h"

#include <gtest/gtest.h>

#include <set>

namespace fnguard::report {
namespace {

TEST(ReporterTest, FromVerdictRedactsTheExcerptAndAssignsAnId) {
  Verdict v;
  v.action = Action::kBlock;
  v.detector = "sqli";
  v.rule_id = "sqli.tautology";
  v.field_path = "body.user";
  v.excerpt = "x' OR 1=1 -- password=hunter2";
  v.reason = "tautology";
  v.findings.resize(2);
  SecurityEvent e = FromVerdict(v, "req-9", "trace-9");
  EXPECT_EQ(e.excerpt.find("hunter2"), std::string::npos) << e.excerpt;
  EXPECT_NE(e.excerpt.find("[REDACTED]"), std::string::npos);
  EXPECT_EQ(e.event_id.size(), 32u);
  EXPECT_EQ(e.kind, "injection");
  EXPECT_EQ(e.findings, 2);
  EXPECT_EQ(e.request_id, "req-9");
  EXPECT_GT(e.time_unix_ns, 0u);
}

TEST(ReporterTest, EventIdsAreTimeOrderedUuidV7HexAndUnique) {
  std::set<std::string> ids;
  const uint64_t now_ms = NowUnixNanos() / 1000000;
  std::string previous;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewEventId();
    ASSERT_EQ(id.size(), 32u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(id[12], '7');                                       // version 7
    EXPECT_NE(std::string("89ab").find(id[16]), std::string::npos);  // variant 10
    // 48-bit Unix milliseconds up front: ids sort by creation time (to the ms).
    uint64_t ms = std::stoull(id.substr(0, 12), nullptr, 16);
    EXPECT_LE(now_ms, ms);
    EXPECT_LE(ms, now_ms + 60000);
    if (!previous.empty()) {
      EXPECT_LE(previous.substr(0, 12), id.substr(0, 12));
    }
    previous = id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 10000u);
}

TEST(ReporterTest, StdoutJsonLinesCarryTheEventId) {
  policy::Reporting settings;
  settings.stdout_format = "json";
  FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    Reporter reporter(settings, out);
    SecurityEvent e;
    e.kind = "internal";
    e.reason = "boom";
    reporter.Report(e);
    reporter.Flush(100);
  }
  std::rewind(out);
  char buf[4096];
  size_t n = std::fread(buf, 1, sizeof(buf), out);
  std::fclose(out);
  std::string text(buf, n);
  EXPECT_NE(text.find("\"event_id\":\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"reason\":\"boom\""), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(ReporterTest, EventsCarryThePolicyVersionAndSource) {
  policy::Policy policy;
  policy.version = 4;
  policy.source = "policy.yaml";
  policy.reporting.stdout_format = "json";
  FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    Reporter reporter(policy, out);
    SecurityEvent e;
    e.kind = "injection";
    reporter.Report(e);
  }
  std::rewind(out);
  char buf[4096];
  size_t n = std::fread(buf, 1, sizeof(buf), out);
  std::fclose(out);
  std::string text(buf, n);
  EXPECT_NE(text.find("\"policy_version\":\"4\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"policy_source\":\"policy.yaml\""), std::string::npos) << text;
}

TEST(ReporterTest, NonHttpEndpointDisablesOtlp) {
  policy::Reporting settings;
  settings.otlp_endpoint = "ftp://example.com";
  Reporter reporter(settings, stdout);
  EXPECT_FALSE(reporter.enabled());
}

}  // namespace
}  // namespace fnguard::report
