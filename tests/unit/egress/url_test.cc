#include "runtime/egress/url.h"

#include <curl/curl.h>

#include <string>
#include <utility>

#include "gtest/gtest.h"

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
