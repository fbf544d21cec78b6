#include "runtime/egress/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "gtest/gtest.h"
#include "policy/hosts.h"

namespace fnguard::egress {
namespace {

TEST(ParseUrl, NormalizesTheHost) {
  absl::StatusOr<ParsedUrl> u = ParseUrl("HTTPS://API.Example.COM./v1/items?q=1#top");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "api.example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_FALSE(u->port_explicit);
  EXPECT_EQ(u->path, "/v1/items");
  EXPECT_FALSE(u->ip.has_value());
}

TEST(ParseUrl, PortsAndDefaults) {
  absl::StatusOr<ParsedUrl> http = ParseUrl("http://example.com");
  ASSERT_TRUE(http.ok()) << http.status();
  EXPECT_EQ(http->port, 80);
  EXPECT_EQ(http->path, "/");
  absl::StatusOr<ParsedUrl> explicit_port = ParseUrl("https://example.com:8443/x");
  ASSERT_TRUE(explicit_port.ok());
  EXPECT_EQ(explicit_port->port, 8443);
  EXPECT_TRUE(explicit_port->port_explicit);
  absl::StatusOr<ParsedUrl> max = ParseUrl("https://example.com:65535/");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->port, 65535);
}

TEST(ParseUrl, IpLiteralsAreCanonical) {
  absl::StatusOr<ParsedUrl> v4 = ParseUrl("https://203.0.113.5:8443/");
  ASSERT_TRUE(v4.ok()) << v4.status();
  ASSERT_TRUE(v4->ip.has_value());
  EXPECT_EQ(v4->ip->family, 4);
  EXPECT_EQ(v4->host, "203.0.113.5");
  absl::StatusOr<ParsedUrl> v6 = ParseUrl("https://[0:0:0:0:0:FFFF:127.0.0.1]/");
  ASSERT_TRUE(v6.ok()) << v6.status();
  ASSERT_TRUE(v6->ip.has_value());
  EXPECT_EQ(v6->ip->family, 6);
  EXPECT_EQ(v6->host, "::ffff:127.0.0.1");
  absl::StatusOr<ParsedUrl> mapped = ParseUrl("https://[::ffff:7f00:1]:8080");
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  EXPECT_EQ(mapped->host, "::ffff:127.0.0.1");
  EXPECT_EQ(mapped->port, 8080);
}

TEST(ParseUrl, HandleCarriesTheNormalizedUrl) {
  absl::StatusOr<ParsedUrl> u = ParseUrl("https://API.Example.com./a?b=c");
  ASSERT_TRUE(u.ok()) << u.status();
  ASSERT_NE(u->handle.get(), nullptr);
  char* host = nullptr;
  ASSERT_EQ(curl_url_get(u->handle.get(), CURLUPART_HOST, &host, 0), CURLUE_OK);
  EXPECT_STREQ(host, "api.example.com");
  curl_free(host);
  char* query = nullptr;
  ASSERT_EQ(curl_url_get(u->handle.get(), CURLUPART_QUERY, &query, 0), CURLUE_OK);
  EXPECT_STREQ(query, "b=c");
  curl_free(query);

  // Ownership moves with the handle.
  CurlUrlHandle moved = std::move(u->handle);
  EXPECT_EQ(u->handle.get(), nullptr);
  ASSERT_NE(moved.get(), nullptr);
  Curl_URL* raw = moved.release();
  EXPECT_EQ(moved.get(), nullptr);
  curl_url_cleanup(raw);
}

TEST(ParseUrl, DottedQuadBytes) {
  struct Quad {
    const char* url;
    std::array<uint8_t, 4> bytes;
  };
  const Quad quads[] = {
      {"https://0.0.0.0/", {0, 0, 0, 0}},
      {"https://255.255.255.255/", {255, 255, 255, 255}},
      {"https://10.200.3.40./", {10, 200, 3, 40}},
      {"https://169.254.169.254:80/x", {169, 254, 169, 254}},
  };
  for (const Quad& q : quads) {
    absl::StatusOr<ParsedUrl> u = ParseUrl(q.url);
    ASSERT_TRUE(u.ok()) << q.url << ": " << u.status();
    ASSERT_TRUE(u->ip.has_value()) << q.url;
    EXPECT_EQ(u->ip->family, 4) << q.url;
    EXPECT_TRUE(std::equal(q.bytes.begin(), q.bytes.end(), u->ip->bytes.begin())) << q.url;
    EXPECT_EQ(u->host, FormatIpAddress(*u->ip)) << q.url;
  }
}

// ParseUrlForDecision() is ParseUrl() without the path: same answers, same
// errors, same handle.
TEST(ParseUrl, ForDecisionAgreesWithParseUrl) {
  const char* urls[] = {
      "https://api.example.com/v1?q=1",  "HTTP://Plain.Example.org.:80/x/../y",
      "https://[::ffff:7f00:1]:8080",    "https://203.0.113.5:8443/",
      "https://0x7f.1/",                 "https://user@example.com/",
      "https://example.com:08443/",      "https://exa$mple.com/",
      "https://a..b/",                   "https://" "b\xc3\xbc" "cher.de/",
  };
  for (const char* url : urls) {
    absl::StatusOr<ParsedUrl> full = ParseUrl(url);
    absl::StatusOr<ParsedUrl> decision = ParseUrlForDecision(url);
    ASSERT_EQ(full.ok(), decision.ok()) << url;
    if (!full.ok()) {
      EXPECT_EQ(full.status(), decision.status()) << url;
      continue;
    }
    EXPECT_EQ(decision->scheme, full->scheme) << url;
    EXPECT_EQ(decision->host, full->host) << url;
    EXPECT_EQ(decision->port, full->port) << url;
    EXPECT_EQ(decision->port_explicit, full->port_explicit) << url;
    EXPECT_EQ(decision->ip.has_value(), full->ip.has_value()) << url;
    EXPECT_FALSE(full->path.empty()) << url;
    EXPECT_TRUE(decision->path.empty()) << url;
    char* a = nullptr;
    char* b = nullptr;
    ASSERT_EQ(curl_url_get(full->handle.get(), CURLUPART_URL, &a, 0), CURLUE_OK);
    ASSERT_EQ(curl_url_get(decision->handle.get(), CURLUPART_URL, &b, 0), CURLUE_OK);
    EXPECT_STREQ(a, b) << url;
    curl_free(a);
    curl_free(b);
  }
}

TEST(FormatIpAddress, IntoABuffer) {
  for (const char* text : {"0.0.0.0", "8.8.8.8", "255.255.255.255", "203.0.113.7", "::",
                           "::1", "2001:db8::1", "::ffff:127.0.0.1", "fe80::1:2:3:4",
                           "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:255.255.255.255"}) {
    std::optional<policy::IpAddress> ip = policy::ParseIpAddress(text);
    ASSERT_TRUE(ip.has_value()) << text;
    char buf[kIpTextCapacity];
    const size_t n = FormatIpAddressTo(*ip, buf);
    EXPECT_EQ(std::string_view(buf, n), text);
    EXPECT_EQ(FormatIpAddress(*ip), text);
  }
}

struct Rejected {
  const char* url;
  const char* reason_part;
};

const Rejected kRejected[] = {
    {"", "empty URL"},
    {"https://user@example.com/", "userinfo"},
    {"https://user:pw@example.com/", "userinfo"},
    {"https://example.com@evil.net/", "userinfo"},
    {"https://example.com\\@evil.net/", "backslash"},
    {"https://example.com\\evil", "backslash"},
    {"https://exa%6dple.com/", "percent-encoding"},
    {"https://example.com%2e/", "percent-encoding"},
    {"https://0177.0.0.1/", "non-canonical IPv4"},
    {"https://0x7f.0.0.1/", "non-canonical IPv4"},
    {"https://0x7f000001/", "non-canonical IPv4"},
    {"https://127.1/", "non-canonical IPv4"},
    {"https://127.0.1/", "non-canonical IPv4"},
    {"https://2130706433/", "non-canonical IPv4"},
    {"https://127.0.0.01/", "non-canonical IPv4"},
    {"https://1.2.3.256/", "non-canonical IPv4"},
    {"https://1.2.3.4.5/", "non-canonical IPv4"},
    {"https://[fe80::1%25eth0]/", "zone"},
    {"https://[fe80::1%eth0]/", "zone"},
    {"https://[1.2.3.4]/", "not a valid IPv6"},
    {"https://[::1/", "unterminated"},
    {"https://[::1]x/", "after the IPv6"},
    {"ftp://example.com/", "scheme 'ftp'"},
    {"ws://example.com/", "scheme 'ws'"},
    {"example.com/path", "no scheme"},
    {"//example.com/", "no scheme"},
    {"https:/example.com/", "https://host"},
    {"https://", "empty host"},
    {"https:///path", "empty host"},
    {"https://:443/", "empty host"},
    {"https://./", "empty host"},
    {"https://a..b/", "empty label"},
    {"https://exa mple.com/", "whitespace"},
    {"https://example.com/\x01", "control"},
    {"https://ex\x7f" "ample.com/", "control"},
    {"https://b\xc3\xbc" "cher.de/", "punycode"},
    {"https://exa$mple.com/", "invalid character"},
    {"https://example.com:/", "empty port"},
    {"https://example.com:0/", "out of range"},
    {"https://example.com:65536/", "out of range"},
    {"https://example.com:08443/", "canonical decimal port"},
    {"https://example.com:44a/", "decimal"},
    {"https://example.com:1:2/", "more than one ':'"},
    {"https://::1/", "more than one ':'"},
};

TEST(ParseUrl, RejectsAmbiguousSpellings) {
  for (const Rejected& r : kRejected) {
    absl::StatusOr<ParsedUrl> u = ParseUrl(r.url);
    ASSERT_FALSE(u.ok()) << r.url << " parsed as host " << u->host;
    EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument) << r.url;
    EXPECT_NE(std::string(u.status().message()).find(r.reason_part), std::string::npos)
        << r.url << ": " << u.status().message();
  }
}

TEST(ParseUrl, LimitsLength) {
  std::string long_url = "https://example.com/" + std::string(kMaxUrlLength, 'a');
  EXPECT_FALSE(ParseUrl(long_url).ok());
  std::string long_label = "https://" + std::string(64, 'a') + ".example.com/";
  EXPECT_FALSE(ParseUrl(long_label).ok());
  std::string ok_label = "https://" + std::string(63, 'a') + ".example.com/";
  EXPECT_TRUE(ParseUrl(ok_label).ok());
}

}  // namespace
}  // namespace fnguard::egress
