#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"
#include "tests/unit/detect/detector_cases.h"

namespace fnguard::detect {
namespace {

using testing::Case;
using testing::Detects;

std::string Repeat(const std::string& s, size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) r += s;
  return r;
}

TEST(SsrfTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "http://127.0.0.1/admin",
      "http://2130706433/",
      "http://0x7f000001/",
      "http://0177.0.0.1/",
      "http://127.1/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[0:0:0:0:0:ffff:7f00:1]/",
      "http://0.0.0.0:8080/",
      "http://localhost:3000/",
      "http://app.localhost/",
      "http://169.254.169.254/latest/meta-data/",
      "http://0xa9fea9fe/",
      "http://2852039166/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://[fd00:ec2::254]/",
      "http://100.100.100.200/",
      "http://10.0.0.5/",
      "http://172.16.3.4/",
      "http://192.168.1.1/",
      "http://100.64.0.1/",
      "http://127.0.0.1.nip.io/",
      "http://expected.example@127.0.0.1/",
      "http://127.0.0.1#@expected.example/",
      "gopher://example.com:25/_HELO",
      "dict://example.com:11211/stat",
      "https://example.com/?next=http://127.0.0.1/",
      "http://\u2460\u2462\u2466.0.0.1/",
      "https://kubernetes.default.svc/api/v1/namespaces/default/secrets",
      "http://redis.prod.svc.cluster.local:6379/",
      "http://vault.service.consul:8200/v1/secret/data/app",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(SsrfDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(SsrfDetector(), c)) << a;
  }
}

TEST(SsrfTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "https://example.com/",
      "version 1.2.3.4",
      "run it on localhost later",
      "https://api.example.org/v1/items?a=1",
      "http://pre-signed-url-for-response",
      "127.0.0.1, 10.0.0.1",
      "https://svc.example.com/status",
      "https://www.consul.io/docs",
      "see the service.consul entry in our runbook",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(SsrfDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(SsrfDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(SsrfTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(SsrfDetector(), std::string(1 << 20, ':'));
  testing::RunsOnLargeInput(SsrfDetector(), Repeat("http://", 1 << 17));
  testing::RunsOnLargeInput(SsrfDetector(), Repeat("://[", 1 << 18));
}

// A public redirector whose path or query names a metadata address and port
// sends the fetch there; the address alone in a slug, or an internal address
// with a port in a dashboard's query, is not that.
TEST(SsrfTest, RedirectorToMetadataAddress) {
  for (const char* v : {"http://redirect.example.org/to-http-169.254.169.254:80-",
                        "https://bounce.example.net/302/http-100.100.100.200:8080/latest",
                        "https://go.example.com/r?target=169.254.170.2:80&x=1"}) {
    Case c;
    c.value = v;
    Match m;
    ASSERT_TRUE(Detects(SsrfDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "ssrf.redirect_to_metadata") << v;
  }
  for (const char* v : {"https://blog.example.com/what-is-169.254.169.254-anyway",
                        "https://grafana.example.com/d/x?var-instance=10.0.1.5:9100",
                        "https://example.com/a?id=2169.254.169.254:80",
                        "https://example.com/at?t=12:30:45"}) {
    Case c;
    c.value = v;
    EXPECT_FALSE(Detects(SsrfDetector(), c)) << v;
  }
}

// A NUL in the authority ends the host for code that decodes the URL and
// hands it to a C string API.
TEST(SsrfTest, NulByteCutsTheHost) {
  // Normalization drops the NUL, so these go through the normalizer.
  for (const char* v : {"http://10.1.2.3%00.example.com/", "https://ops@localhost%00x.example.org",
                        "http://[::1]%00.example.net/a"}) {
    Match m;
    ASSERT_TRUE(testing::Detects(SsrfDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "ssrf.internal_host") << v;
  }
  for (const char* v : {"http://example.com%00.10.1.2.3/", "https://example.com/a%00b?x=10.1.2.3",
                        "http://example.org/?next=%00localhost"}) {
    Match m;
    EXPECT_FALSE(testing::Detects(SsrfDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// "http://a.example#@10.0.0.1/": the browser's parser ends the authority at
// '#', '?' or '\\'; a parser that ends it at '/' only reads the host after
// the last '@' before it.
TEST(SsrfTest, HostThatParsersReadDifferently) {
  for (const char* v : {"http://a.example#@127.0.0.1/", "https://a.example:443?@10.0.0.5:6379/",
                        "http://a.example\\@169.254.169.254/latest/meta-data/",
                        "http://a.example#x@[::1]/", "http://a.example%23@localhost/admin"}) {
    Match m;
    ASSERT_TRUE(testing::Detects(SsrfDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "ssrf.parser_confusion") << v;
  }
  for (const char* v : {"https://example.com/#@team", "https://example.com?ref=a@b.example",
                        "https://example.com/docs#user@10.0.0.1", "http://a.example#@",
                        "Chrome blocks file:// links, how do I open it?"}) {
    Match m;
    EXPECT_FALSE(testing::Detects(SsrfDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(SsrfTest, ReportsItsId) {
  EXPECT_EQ(Get(SsrfDetector().id()).id(), SsrfDetector().id());
}

TEST(SsrfTest, BareInternalHostInUrlField) {
  Case c;
  c.value = "169.254.169.254";
  c.path = "query.callback_url";
  EXPECT_TRUE(Detects(SsrfDetector(), c));
  c.path = "headers.x-forwarded-for";
  c.location = event::Location::kHeader;
  EXPECT_FALSE(Detects(SsrfDetector(), c));
}


TEST(SsrfTest, UnixSocketUrls) {
  for (const std::string v : {"http://unix:/var/run/docker.sock:/containers/json",
                              "https://UNIX:/run/containerd.sock:/v1/x"}) {
    Case c{v};
    Match m;
    EXPECT_TRUE(Detects(SsrfDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "ssrf.unix_socket") << v;
  }
  for (const std::string v : {"http://unix.example.com/", "unix:/var/run/x.sock", "http://unix:8080/"}) {
    Case c{v};
    Match m;
    EXPECT_FALSE(Detects(SsrfDetector(), c, &m) && m.rule_id == "ssrf.unix_socket") << v;
  }
}

// Unix-socket schemes, and a host after an '@' past a blank.
TEST(SsrfTest, SocketSchemesAndBlankConfusion) {
  for (const std::string a :
       {"http+unix://%2Fvar%2Frun%2Fdocker.sock/containers/json", "unix:///var/run/docker.sock"}) {
    EXPECT_EQ(testing::RuleOf(SsrfDetector(), a), "ssrf.unix_socket") << a;
  }
  EXPECT_EQ(testing::RuleOf(SsrfDetector(), "http://1.1.1.1 &@127.0.0.1# @x.example/"),
            "ssrf.parser_confusion");
  for (const std::string b :
       {"see http://example.com and mail me @localhost", "http://example.com @ 10.0.0.1",
        "https://unix.example/docs", "a Unix socket"}) {
    EXPECT_EQ(testing::RuleOf(SsrfDetector(), b), "") << b;
  }
}

TEST(SsrfTest, HostsWrittenInLookAlikesNormalizationFolds) {
  // Circled and mathematical letters fold to ASCII before the detectors
  // read the value; the raw value still shows the host was disguised.
  EXPECT_EQ(testing::RuleOf(SsrfDetector(), "http://\xE2\x93\x94\xE2\x93\xA7.com/"),
            "ssrf.obfuscated_host");
  EXPECT_EQ(testing::RuleOf(SsrfDetector(), "http://\xF0\x9D\x90\x9E\xF0\x9D\x90\xB1.io/"),
            "ssrf.obfuscated_host");
  EXPECT_EQ(testing::RuleOf(SsrfDetector(), "Step \xE2\x91\xA0 open http://example.com"), "");
  EXPECT_EQ(testing::RuleOf(SsrfDetector(), "http://m\xC3\xBCnchen.de/"), "");
}

TEST(SsrfTest, TwoAtSignsNetworkListsAndConnectionStrings) {
  // Parsers that end the user information at the first '@' read the host
  // after it.
  EXPECT_EQ(testing::RuleOf(SsrfDetector(), "http://a@127.0.0.1:80@attacker.example/"),
            "ssrf.parser_confusion");
  EXPECT_EQ(testing::RuleOf(SsrfDetector(), "https://x@169.254.169.254@cdn.example/i.png"),
            "ssrf.parser_confusion");
  // Loopback and metadata addresses in a connection string are still reported.
  EXPECT_EQ(testing::RuleOf(SsrfDetector(), "mysql://root@127.0.0.1:3306/x"),
            "ssrf.internal_host");
  EXPECT_EQ(testing::RuleOf(SsrfDetector(), "mongodb://169.254.169.254/x"),
            "ssrf.metadata_endpoint");
  EXPECT_EQ(testing::RuleOf(SsrfDetector(), "http://db:5432/"), "ssrf.internal_host");
  // A list of networks, a user name with an '@' before a public host, and
  // a database's or broker's own service name.
  for (const char* v :
       {"10.0.0.0/8,172.16.0.0/12,192.168.0.0/16", "10.0.0.0/8, fd00::/8",
        "http://user@mail@x.example/", "amqp://guest@rabbitmq:5672/%2F",
        "postgres://app@db:5432/app", "postgresql://app_user@db.internal:5432/app?sslmode=require",
        "spring.datasource.url=${DB_URL:jdbc:postgresql://db:5432/app}",
        "mongodb+srv://cluster0.mongo.internal/test"}) {
    EXPECT_EQ(testing::RuleOf(SsrfDetector(), v), "") << v;
  }
}

}  // namespace
}  // namespace fnguard::detect
