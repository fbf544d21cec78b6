// The fetch context an internal address needs: a URL (with a scheme, or
// schemeless URL syntax) or a field named for something the server fetches.
// A bare address in a field that describes a machine is ordinary data.
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detector_cases.h"

namespace fnguard::detect {
namespace {

using testing::Case;
using testing::Detects;

bool InField(const std::string& value, const std::string& path,
             event::Location loc = event::Location::kBody) {
  Case c;
  c.value = value;
  c.path = path;
  c.location = loc;
  Match m;
  return Detects(SsrfDetector(), c, &m);
}

TEST(SsrfContextTest, MachineDescribingFieldsAreData) {
  const std::vector<std::string> addresses = {
      "10.46.1.7",   "192.168.0.12", "172.20.4.9", "127.0.0.1", "::1",
      "fe80::1ff:fe23:4567:890a",   "169.254.10.20", "100.64.3.3", "10.2.3.4:5432",
      "localhost",   "[fd12:3456::1]:443",
  };
  const std::vector<std::string> paths = {
      "body.environment.ip", "body.ip", "body.client_ip", "body.clientIp", "query.remote_addr",
      "body.host",           "body.hostname", "body.server", "body.address", "body.log.host",
      "body.sourceIp",       "body.peer", "body.nat.gateway", "query.q", "body.q",
  };
  for (const std::string& a : addresses) {
    for (const std::string& p : paths) {
      EXPECT_FALSE(InField(a, p)) << a << " in " << p;
    }
  }
}

TEST(SsrfContextTest, UrlNamedFieldsTakeAnySpelling) {
  const std::vector<std::string> hosts = {
      "10.46.1.7",       "127.0.0.1",       "localhost",        "LOCALHOST.",
      "0x7f000001",      "0x7f.0.0.1",      "0177.0.0.01",      "2130706433",
      "[::1]",           "::1",             "[::ffff:10.1.2.3]", "[0:0:0:0:0:ffff:a9fe:a9fe]",
      "169.254.169.254", "metadata.google.internal", "10.9.8.7.nip.io", "app-127-0-0-1.sslip.io",
      "user@127.0.0.1",  "a.example@10.0.0.2:8443", "127.1",    "instance-data",
  };
  const std::vector<std::string> paths = {
      "body.url",      "body.callback_url", "query.webhookUrl", "body.proxy_host",
      "body.targetHost", "body.imageSrc",   "query.redirect_uri", "body.avatarURL",
      "body.feed",     "query.callbackurl", "body.settings.upstream",
  };
  for (const std::string& h : hosts) {
    for (const std::string& p : paths) {
      EXPECT_TRUE(InField(h, p)) << h << " in " << p;
    }
  }
}

TEST(SsrfContextTest, SchemelessUrlSyntaxFiresInAnyField) {
  const std::vector<std::string> urls = {
      "//10.0.0.1/",          "//127.0.0.1:8080/x",       "\\\\10.1.1.1\\share",
      "10.20.30.40:8500/v1/agent/self", "localhost:9200/_cat/indices", "127.0.0.1/admin",
      "169.254.169.254/latest/meta-data/", "0x7f000001:80/",  "[::1]:6379/",
      "//[::ffff:127.0.0.1]/", "a.example@192.168.1.1/cfg", "metadata.google.internal/x",
      "2130706433/admin",     "localhost?debug=1",
  };
  for (const std::string& u : urls) {
    EXPECT_TRUE(InField(u, "body.ip")) << u;
    EXPECT_TRUE(InField(u, "query.q", event::Location::kQuery)) << u;
  }
  // Nested in a parameter of another URL or form string.
  EXPECT_TRUE(InField("https://app.example/go?to=//127.0.0.1/", "body.text"));
  EXPECT_TRUE(InField("next=//10.0.0.9/x&y=1", "body.text"));
}

TEST(SsrfContextTest, WeakRedirectNamesNeedAnAddressShape) {
  // "next" and "return" carry paths and cursors; an integer there is an id.
  EXPECT_FALSE(InField("2130706433", "query.next", event::Location::kQuery));
  EXPECT_FALSE(InField("10.15", "query.return", event::Location::kQuery));
  EXPECT_TRUE(InField("127.0.0.1", "query.next", event::Location::kQuery));
  EXPECT_TRUE(InField("localhost", "query.return", event::Location::kQuery));
  EXPECT_TRUE(InField("2130706433", "query.url", event::Location::kQuery));
  // A version in a target field is not an address.
  EXPECT_FALSE(InField("10.15", "body.target"));
  EXPECT_FALSE(InField("0", "body.url"));
}

TEST(SsrfContextTest, NotUrlShapes) {
  const std::vector<std::string> benign = {
      "10.0.0.0/8",       "192.168.1.0/24", "fd00::/8",     "10.0.0.5:5432",
      "127.0.0.1 - - [10/Oct/2000:13:55:36] \"GET /x HTTP/1.0\" 200",
      "/10.0.0.1/",       "see 10.0.0.1/24 and more",  "10.1.2.3, 10.1.2.4",
      "redis:6379",       "nginx:1.25.3",   "admin",
  };
  for (const std::string& b : benign) {
    EXPECT_FALSE(InField(b, "body.ip")) << b;
    EXPECT_FALSE(InField(b, "body.notes")) << b;
  }
  // Outside query and body (headers describe the connection).
  EXPECT_FALSE(InField("10.0.0.1:80/x", "headers.x-forwarded-for", event::Location::kHeader));
}

TEST(SsrfContextTest, NumbersBeforeASlashAreNotHosts) {
  // Small numbers parse as addresses in 0.0.0.0/8 but are counts and dates.
  for (const char* v : {"3/4", "06/2021", "7.2/10", "//3/x", "a=//06/y", "0x1/z"}) {
    EXPECT_FALSE(InField(v, "body.note")) << v;
  }
  EXPECT_TRUE(InField("0.0.0.0:8000/admin", "body.note"));
  EXPECT_TRUE(InField("//0x7f.1/", "body.note"));
}

// Random printable strings (generated passwords) never form a URL to an
// internal host by chance.
TEST(SsrfContextTest, RandomPrintableStringsDoNotFire) {
  uint32_t x = 2463534242u;
  int fired = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s(12 + i % 21, ' ');
    for (char& c : s) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      c = static_cast<char>(33 + x % 94);
    }
    if (InField(s, "body.password") || InField(s, "body.url")) ++fired;
  }
  EXPECT_EQ(fired, 0);
}

TEST(SsrfContextTest, PublicHostsNeverFire) {
  for (const char* v : {"example.com/x", "//cdn.example.net/a.js", "8.8.8.8",
                               "93.184.216.34:443/", "api.example.org:8443/v1"}) {
    EXPECT_FALSE(InField(v, "body.url")) << v;
  }
}

}  // namespace
}  // namespace fnguard::detect
