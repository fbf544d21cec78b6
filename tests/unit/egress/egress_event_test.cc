#include "runtime/egress/egress_event.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"

namespace fnguard::egress {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(UrlExcerptTest, DropsQueryFragmentAndUserinfo) {
  EXPECT_EQ(UrlExcerpt("https://api.example.com/v1/items?token=abc#frag"),
            "https://api.example.com/v1/items");
  EXPECT_EQ(UrlExcerpt("https://user:secret@evil.example/x"), "https://[REDACTED]@evil.example/x");
  EXPECT_EQ(UrlExcerpt("https://a.example@b.example?x=1"), "https://[REDACTED]@b.example");
  EXPECT_EQ(UrlExcerpt("http://169.254.169.254/latest/meta-data/"),
            "http://169.254.169.254/latest/meta-data/");
  EXPECT_EQ(UrlExcerpt("not a url"), "not a url");
}

TEST(UrlExcerptTest, RedactsAndClips) {
  EXPECT_THAT(UrlExcerpt("https://x.example/AKIAIOSFODNN7EXAMPLE/y"), Not(HasSubstr("AKIAIOSFODNN7EXAMPLE")));
  const std::string long_url = "https://x.example/" + std::string(1000, 'a');
  const std::string e = UrlExcerpt(long_url);
  EXPECT_EQ(e.size(), kMaxUrlExcerptBytes + 3);
  EXPECT_TRUE(e.ends_with("..."));
}

TEST(ToSecurityEventTest, Denied) {
  EgressNotice n;
  n.type = EgressNotice::Type::kDenied;
  n.url = "https://api.example.com/v1?k=v";
  n.host = "api.example.com";
  n.decision.reason = "host 'api.example.com' is not on the allowlist";
  n.decision.rule = "default-deny";
  report::SecurityEvent e = ToSecurityEvent(n);
  EXPECT_EQ(e.kind, "egress");
  EXPECT_EQ(e.action, Action::kBlock);
  EXPECT_EQ(e.detector, "egress");
  EXPECT_EQ(e.rule_id, "default-deny");
  EXPECT_EQ(e.host, "api.example.com");
  EXPECT_EQ(e.excerpt, "https://api.example.com/v1");
  EXPECT_EQ(e.reason,
            "egress denied https://api.example.com/v1: host 'api.example.com' is not on the allowlist");
  EXPECT_EQ(e.event_id.size(), 32u);
  EXPECT_GT(e.time_unix_ns, 0u);
}

TEST(ToSecurityEventTest, WouldDenyAndTls) {
  EgressNotice n;
  n.type = EgressNotice::Type::kWouldDeny;
  n.url = "https://localhost:8443/";
  n.host = "localhost";
  n.decision.rule = "egress.deny_private_addresses";
  n.decision.reason = "address 127.0.0.1 is loopback";
  report::SecurityEvent e = ToSecurityEvent(n);
  EXPECT_EQ(e.kind, "egress");
  EXPECT_EQ(e.action, Action::kMonitor);
  EXPECT_THAT(e.reason, HasSubstr("would deny"));

  n.type = EgressNotice::Type::kTls;
  n.decision.rule = "tls.certificate";
  n.decision.reason = "SSL certificate problem: certificate has expired";
  e = ToSecurityEvent(n);
  EXPECT_EQ(e.kind, "tls");
  EXPECT_EQ(e.detector, "tls");
  EXPECT_EQ(e.action, Action::kBlock);
  EXPECT_EQ(e.rule_id, "tls.certificate");
  EXPECT_EQ(e.reason, "TLS verification failed for localhost: SSL certificate problem: certificate has expired");
}

// Reads back what was written to a tmpfile.
std::string Contents(FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  return out;
}

TEST(EgressReporterTest, FallbackLineWithoutReporting) {
  FILE* fallback = std::tmpfile();
  ASSERT_NE(fallback, nullptr);
  policy::Reporting none;
  report::Reporter reporter(none);
  ASSERT_FALSE(reporter.enabled());
  EgressReporter events(&reporter, fallback);
  EgressNotice n;
  n.url = "http://169.254.169.254/";
  n.host = "169.254.169.254";
  n.decision.rule = "metadata-endpoint";
  n.decision.reason = "metadata";
  events.Report(n, "req-1", "trace-1");
  const std::string text = Contents(fallback);
  std::fclose(fallback);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_THAT(text, HasSubstr(R"("kind":"egress","action":"block","detector":"egress","rule_id":"metadata-endpoint")"));
  EXPECT_THAT(text, HasSubstr(R"("request_id":"req-1","trace_id":"trace-1")"));
  EXPECT_THAT(text, HasSubstr(R"("host":"169.254.169.254")"));
}

TEST(EgressReporterTest, ThroughTheReporterWhenEnabled) {
  FILE* out = std::tmpfile();
  FILE* fallback = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ASSERT_NE(fallback, nullptr);
  policy::Reporting settings;
  settings.stdout_format = "json";
  {
    report::Reporter reporter(settings, out);
    EgressReporter events(&reporter, fallback);
    EgressNotice n;
    n.type = EgressNotice::Type::kTls;
    n.url = "https://x.example/";
    n.host = "x.example";
    n.decision.rule = "tls.pin";
    n.decision.reason = "pinned public key mismatch";
    events.Report(n);
  }
  const std::string text = Contents(out);
  EXPECT_THAT(text, HasSubstr(R"("kind":"tls")"));
  EXPECT_THAT(text, HasSubstr(R"("rule_id":"tls.pin")"));
  EXPECT_EQ(Contents(fallback), "");
  std::fclose(out);
  std::fclose(fallback);
}

TEST(HttpClientNoticeTest, DenialsAndReportModeReachTheSink) {
  auto pol = policy::LoadPolicyText(
      "version: 1\negress:\n  mode: report\n  allow:\n    - {host: api.example.com}\n", "p.yaml");
  ASSERT_TRUE(pol.ok());
  std::vector<EgressNotice> notices;
  auto client = HttpClient::Create((*pol)->egress, [&](const EgressNotice& n) { notices.push_back(n); });
  ASSERT_TRUE(client.ok());
  // Report mode: an unparsable URL is let through the decision, then fails
  // as a bad URL, and is reported as would-deny.
  FetchOptions quick;
  quick.total_timeout = std::chrono::milliseconds(200);
  FetchResult r = client->Get("https://0x7f.1/", quick);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].type, EgressNotice::Type::kWouldDeny);
  EXPECT_EQ(notices[0].decision.rule, "url");

  auto enforce = policy::LoadPolicyText(
      "version: 1\negress:\n  allow:\n    - {host: api.example.com}\n", "p.yaml");
  ASSERT_TRUE(enforce.ok());
  notices.clear();
  auto strict = HttpClient::Create((*enforce)->egress, [&](const EgressNotice& n) { notices.push_back(n); });
  ASSERT_TRUE(strict.ok());
  r = strict->Get("https://evil.example.net/a?b=c");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.category, FetchErrorCategory::kDenied);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].type, EgressNotice::Type::kDenied);
  EXPECT_EQ(notices[0].host, "evil.example.net");
  EXPECT_EQ(notices[0].url, "https://evil.example.net/a?b=c");
  EXPECT_EQ(notices[0].decision.rule, "default-deny");
}

}  // namespace
}  // namespace fnguard::egress
