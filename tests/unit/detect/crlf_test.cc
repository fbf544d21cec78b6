#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"
#include "tests/unit/detect/detector_cases.h"

namespace fnguard::detect {
namespace {

using event::Location;

bool In(std::string_view raw, Location loc, Match* m = nullptr) {
  Match local;
  return testing::Detects(CrlfDetector(), raw, m != nullptr ? m : &local, loc);
}

TEST(CrlfTest, HeaderInjectionInValuesWrittenToHeaders) {
  // Encoded the ways a request line carries them; normalization decodes.
  const std::vector<std::string> attacks = {
      "/home%0d%0aSet-Cookie:%20session=attacker",
      "en%0D%0AContent-Length:%200%0D%0A%0D%0AHTTP/1.1%20200%20OK",
      "https://example.com/%0aLocation:%20https://evil.example",
      "x%250d%250aX-Forwarded-Host:%20evil",     // double-encoded
      "x%u000dAccess-Control-Allow-Origin:*",    // %u form
      "report.pdf\r\nContent-Disposition: attachment; filename=a.exe",
      "a\nrefresh:0;url=https://evil.example",
      "ok\r\n\r\nHTTP/1.1 302 Found",
  };
  for (const std::string& a : attacks) {
    for (Location loc : {Location::kQuery, Location::kHeader, Location::kPath, Location::kCookie}) {
      Match m;
      EXPECT_TRUE(In(a, loc, &m)) << a << " at " << static_cast<int>(loc);
    }
  }
  Match m;
  ASSERT_TRUE(In("lang%0d%0aSet-Cookie:a=b", Location::kQuery, &m));
  EXPECT_EQ(m.rule_id, "crlf.header_injection");
  ASSERT_TRUE(In("x%0d%0aHTTP/1.0 200 OK", Location::kQuery, &m));
  EXPECT_EQ(m.rule_id, "crlf.response_splitting");
}

TEST(CrlfTest, BodiesNeedAFieldThatOnlyMeansSomethingWhenInjected) {
  // Set-Cookie, Refresh, CORS and policy headers are flagged anywhere.
  EXPECT_TRUE(In("name\r\nSet-Cookie: admin=1", Location::kBody));
  EXPECT_TRUE(In("x\nACCESS-CONTROL-ALLOW-ORIGIN: *", Location::kMessage));
  EXPECT_TRUE(In("x\nContent-Security-Policy: script-src *", Location::kOther));
  // Multi-line text quoting mail headers or labelled lines stays clean.
  const std::vector<std::string> prose = {
      "Hi team,\nLocation: Berlin office\nDate: next Monday",
      "Forwarded message:\nFrom: Ana <ana@example.org>\nContent-Type: text/plain",
      "Steps:\n1. open the page\nHost: staging\nResult: 500",
      "log line\nHTTP/1.1 500 Internal Server Error",
  };
  for (const std::string& p : prose) {
    EXPECT_FALSE(In(p, Location::kBody)) << p;
  }
}

TEST(CrlfTest, IgnoresBenignValues) {
  const std::vector<std::string> benign = {
      "https://example.com/a?b=c",
      "Set-Cookie: in one line is just text",
      "text/html,application/xhtml+xml;q=0.9",
      "line one\nline two",
      "a\n\n\n",
      "\r\n",
      "x\nnot a header: lower words with spaces",
      "x\n12:30 meeting",
      "x\n:authority",
      "notes\nTODO: call back",       // a label, not an HTTP field
  };
  for (const std::string& b : benign) {
    for (Location loc : {Location::kQuery, Location::kHeader, Location::kBody}) {
      Match m;
      EXPECT_FALSE(In(b, loc, &m)) << b << " -> " << m.rule_id;
    }
  }
  // Object keys are names, never written into headers as values.
  testing::Case key;
  key.value = "a\r\nSet-Cookie: b";
  key.is_key = true;
  key.location = Location::kBody;
  EXPECT_TRUE(testing::Detects(CrlfDetector(), key));  // response fields count anywhere
  key.value = "a\r\nLocation: b";
  key.location = Location::kQuery;
  EXPECT_FALSE(testing::Detects(CrlfDetector(), key));
}

// A value of one token (an address, a URL, an id) is a header value wherever
// it arrives: its line break injects, also in a body.
TEST(CrlfTest, OneTokenValuesInBodies) {
  for (const std::string a :
       {"victim@example.com\r\nBcc: all@example.com", "\r\nLocation: https://evil.example/",
        "/next\r\nX-Forwarded-For: 127.0.0.1", "https://a.example/\r\n\r\n<h1>x</h1>",
        "id_42\nContent-Length: 0\n\nHTTP/1.1 200 OK", "/a\r\nGET /admin HTTP/1.1"}) {
    EXPECT_TRUE(In(a, Location::kBody)) << a;
  }
  for (const std::string b :
       {"Engineer\nLocation: Berlin", "2024-05-01\nLocation: Room 4", "Hello,\nCc: the team",
        "Steps:\nHost: staging", "Thanks.\nX-Ref: 12",
        "Here is my request:\nGET /api/v1/users HTTP/1.1\nHost: api.example.com"}) {
    Match m;
    EXPECT_FALSE(In(b, Location::kBody, &m)) << b << " -> " << m.rule_id;
  }
  // In a query or header, Location is a header whatever follows it.
  EXPECT_TRUE(In("x\r\nLocation: Room 4", Location::kQuery));
  EXPECT_TRUE(In("lang\r\nGET /admin HTTP/1.1", Location::kQuery));
}

// A key or name the value was to be, then a line of another protocol the
// value is written into: Redis, SMTP, HTTP/2 pseudo-headers, a log.
TEST(CrlfTest, OtherProtocolsLines) {
  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"foo\r\nFLUSHALL\r\n", "crlf.protocol_injection"},
      {"sess\r\nSET role admin\r\n", "crlf.protocol_injection"},
      {"k\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n", "crlf.protocol_injection"},
      {"a\r\nREPLICAOF 198.51.100.1 6379\r\n", "crlf.protocol_injection"},
      {"me@example.com>\r\nRCPT TO:<x@evil.example>\r\n", "crlf.protocol_injection"},
      {"x\r\n.\r\nMAIL FROM:<a@b.example>", "crlf.protocol_injection"},
      {"q\r\nHELO evil.example", "crlf.protocol_injection"},
      {"x\r\n:authority: admin.internal", "crlf.header_injection"},
      {"guest\n2024-05-01 12:00:01 INFO admin logged in", "crlf.log_injection"},
      {"bob\r\n[ERROR] 2024-03-02T10:11:12Z refund approved", "crlf.log_injection"},
  };
  for (const auto& [a, rule] : attacks) {
    Match m;
    EXPECT_TRUE(In(a, Location::kBody, &m)) << a;
    EXPECT_EQ(m.rule_id, rule) << a;
  }
  for (const std::string b :
       {"Hello\nSET UP YOUR ACCOUNT", "The log says:\n2024-05-01 12:00:01 INFO started",
        "UPDATE users\r\nSET name = 'x'", "Notes\r\nDATA is ready", "Total\n2024-05 report",
        "Mail from: Bob\nRe: lunch", "Version 2\n:path: is a pseudo-header"}) {
    Match m;
    EXPECT_FALSE(In(b, Location::kBody, &m)) << b << " -> " << m.rule_id;
  }
  // Where line breaks have no business, a plain LF before a command is enough.
  EXPECT_TRUE(In("key\nFLUSHALL", Location::kQuery));
  // A value that ends with its line break has no line after it.
  for (const std::string e : {"foo\r\n", "k\n", "a\r\n\r\n", "x\r\n.\r\n"}) {
    EXPECT_FALSE(In(e, Location::kBody)) << e;
    EXPECT_FALSE(In(e, Location::kQuery)) << e;
  }
  // A log quoted under a line of text is not forged, there either.
  EXPECT_FALSE(In("Server log below:\n2025-01-09 08:30:00 INFO up", Location::kQuery));
}

// Characters that turn into CR or LF on the way into a header: U+560A and
// U+560D ("嘊", "嘍") lose their high byte, and U+0085, U+2028 and U+2029
// end lines for Unicode-aware parsers.
TEST(CrlfTest, DisguisedLineBreaks) {
  for (const std::string a :
       {"\xe5\x98\x8a\xe5\x98\x8dSet-Cookie: a=1", "x\xe2\x80\xa8Set-Cookie: a=1",
        "x\xc2\x85Refresh: 0;url=//e.example", "x\xe5\x98\x8aLocation: https://evil.example/"}) {
    EXPECT_TRUE(In(a, Location::kQuery)) << a;
  }
  // Czech "č" (U+010D) ends in the same low byte: a short field name after
  // it is a word ("přečte: ..."), and prose stays prose.
  for (const std::string b :
       {"p\xc5\x99"
        "e\xc4\x8d"
        "te: kapitolu",
        "\xe5\x98\x8a\xe5\x98\x8d", "Ko\xc4\x8dka: ano", "x\xe2\x80\xa8Note: hi"}) {
    Match m;
    EXPECT_FALSE(In(b, Location::kQuery, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(CrlfTest, CompletesOnPathologicalInput) {
  std::string lines;
  for (int i = 0; i < 200000; ++i) lines += "\r\nX";
  testing::RunsOnLargeInput(CrlfDetector(), lines);
  std::string colons;
  for (int i = 0; i < 100000; ++i) colons += "\nabcdefghij:";
  testing::RunsOnLargeInput(CrlfDetector(), colons);
  testing::RunsOnLargeInput(CrlfDetector(), std::string(1 << 20, '\n'));
  std::string disguised;
  for (int i = 0; i < 100000; ++i) disguised += "\xe5\x98\x8a\xc4\x8dx:";
  testing::RunsOnLargeInput(CrlfDetector(), disguised);
}

// memcached, IRC, access-log lines and bare log levels; mail headers after a
// name; breaks sent percent-encoded or with a CR after one word.
TEST(CrlfTest, MoreProtocolsAndStrictnessCues) {
  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"k1\r\nset session:1 0 900 5\r\nadmin", "crlf.protocol_injection"},
      {"cache-key\r\nflush_all", "crlf.protocol_injection"},
      {"alice\r\nPRIVMSG #general :hi", "crlf.protocol_injection"},
      {"bob\n10.0.0.5 - admin [01/Jan/2025:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1",
       "crlf.log_injection"},
      {"ok\nWARN 2025-01-01 00:00:00 reset", "crlf.log_injection"},
      {"Maria Lopez\r\nCc: list@attacker.example", "crlf.header_injection"},
      {"x\r\nX-Forwarded-Host: evil.example", "crlf.header_injection"},
      {"x\rLocation: https://evil.example/", "crlf.header_injection"},
  };
  for (const auto& [a, rule] : attacks) {
    Match m;
    EXPECT_TRUE(In(a, Location::kBody, &m)) << a;
    EXPECT_EQ(m.rule_id, rule) << a;
  }
  // Percent-encoded breaks in a body: meant for a URL or a header.
  EXPECT_TRUE(In("id%0d%0aX-Injected:%20yes", Location::kBody));
  // After one word in a query, To/From/Subject start mail headers.
  EXPECT_TRUE(In("someone\r\nSubject: Urgent", Location::kQuery));
  for (const std::string b :
       {"Thanks\nset the table 2 3 4 5", "Hi team\nCc: everyone", "x\nX-Forwarded-Host: a",
        "Notes\nflush_all done?"}) {
    Match m;
    EXPECT_FALSE(In(b, Location::kBody, &m)) << b << " -> " << m.rule_id;
  }
  // Host and Date that hold no host or HTTP date label lines.
  for (const std::string b : {"Location: floor 2\nHost: Dr. Patel", "---\ntitle: x\ndate: 2024-05-12\n---"}) {
    Match m;
    EXPECT_FALSE(In(b, Location::kQuery, &m)) << b << " -> " << m.rule_id;
  }
  EXPECT_TRUE(In("x\r\nHost: internal.example", Location::kQuery));
  EXPECT_TRUE(In("x\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT", Location::kQuery));
}

// A whole HTTP request as the value, its request line ended by CRLF and a
// header after it, in a body too; a request pasted into a question with LF
// alone, or followed by no header, is text.
TEST(CrlfTest, WholeRequestAsTheValue) {
  Match m;
  ASSERT_TRUE(In("GET / HTTP/1.1\r\nHost: internal\r\n\r\n", Location::kBody, &m));
  EXPECT_EQ(m.rule_id, "crlf.request_splitting");
  EXPECT_TRUE(In("POST /admin HTTP/1.0\r\nContent-Length: 0\r\n", Location::kBody));
  EXPECT_FALSE(In("GET / HTTP/1.1\nHost: example.com\n\nwhy 400?", Location::kBody));
  EXPECT_FALSE(In("GET /x HTTP/1.1\r\nfoo bar\r\n", Location::kBody));
}

// The rest of a request line the value completes, then headers; one line
// then content headers, an empty line and a body, every break a CRLF.
TEST(CrlfTest, RequestLineTailsAndInjectedBodies) {
  Match m;
  ASSERT_TRUE(In("/index.html HTTP/1.1\r\nHost: internal.local\r\n\r\nGET /admin", Location::kBody, &m));
  EXPECT_EQ(m.rule_id, "crlf.request_splitting");
  ASSERT_TRUE(In("Order update\r\nContent-Type: text/html\r\n\r\n<h1>locked</h1>", Location::kBody, &m));
  EXPECT_EQ(m.rule_id, "crlf.header_injection");
  EXPECT_FALSE(In("Here is the response:\nContent-Type: text/html\n\n<html>", Location::kBody));
  EXPECT_FALSE(In("Meeting notes\r\nContent: budget review\r\n\r\nAgenda below", Location::kBody));
  EXPECT_FALSE(In("/docs HTTP/1.1 is old\nbye", Location::kBody));
}

TEST(CrlfTest, Latin1TruncatedLineBreaks) {
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "/x\u0120HTTP/1.1\u010d\u010aHost:\u0120a"),
            "crlf.request_splitting");
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "/x HTTP/1.1\xC4\x8D\xC4\x8AHost: a"),
            "crlf.request_splitting");
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "Kč and Ċ apart"), "");
}

TEST(CrlfTest, EncodedBreakNestedInItself) {
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "%%0a0aSet-Cookie:a=1"), "crlf.header_injection");
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "v%%0D0D%%0A0ALocation:x"), "crlf.header_injection");
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "50%%0a0a off"), "");
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "100%%0"), "");
}

TEST(CrlfTest, EventStreamFieldsUnicodeLogLinesAndMailboxes) {
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "id-7\r\ndata: {\"admin\":true}", Location::kBody),
            "crlf.protocol_injection");
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "hi\n\nevent: logout\ndata: {}", Location::kBody),
            "crlf.protocol_injection");
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "Agenda\ndata: see attached", Location::kBody), "");
  // U+2028, U+0085 before a forged log line; typed LF before a level is text.
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "bo\xE2\x80\xA8[WARN] 2024-05-01 10:00:00 ok",
                            Location::kBody),
            "crlf.log_injection");
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "carol\xC2\x85" "ERROR audit off", Location::kBody),
            "crlf.log_injection");
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "carol\nERROR audit off", Location::kBody), "");
  // A mailbox, then a header that adds recipients.
  EXPECT_EQ(testing::RuleOf(CrlfDetector(), "\xE5\xB1\xB1\xE7\x94\xB0 <y@example.jp>\r\nBcc: z@e.test",
                            Location::kBody),
            "crlf.header_injection");
}

}  // namespace
}  // namespace fnguard::detect
