#include "runtime/detect/url_scan.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace fnguard::detect {
namespace {

TEST(UrlScanTest, SplitsAUrlInsideText) {
  const std::string_view text = "see https://user@host.example:8443/a/b?c=1#d and more";
  size_t pos = 0;
  UrlRef u;
  ASSERT_TRUE(NextUrl(text, &pos, &u));
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.authority, "user@host.example:8443");
  EXPECT_EQ(u.host, "host.example");
  EXPECT_EQ(u.port, "8443");
  EXPECT_EQ(u.rest, "/a/b?c=1#d");
  EXPECT_TRUE(u.has_userinfo);
  EXPECT_EQ(text.substr(u.begin, u.end - u.begin), "https://user@host.example:8443/a/b?c=1#d");
  EXPECT_FALSE(NextUrl(text, &pos, &u));
}

TEST(UrlScanTest, AuthorityEndsWhereBrowsersEndIt) {
  struct Case {
    const char* text;
    const char* host;
  };
  // The first '/', '\\', '?', '#' or whitespace ends the authority; the host
  // follows the last '@'.
  for (const Case& c : {Case{"http://evil.example\\@good.example/", "evil.example"},
                        Case{"http://a@b@c.example/x", "c.example"},
                        Case{"http://h.example?x=@other", "h.example"},
                        Case{"http://h.example#@other", "h.example"},
                        Case{"http://[::1]:80/", "[::1]"},
                        Case{"HTTP://UPPER.example", "UPPER.example"}}) {
    size_t pos = 0;
    UrlRef u;
    ASSERT_TRUE(NextUrl(c.text, &pos, &u)) << c.text;
    EXPECT_EQ(u.host, c.host) << c.text;
  }
}

// A port is the digits after the host's ':', whether the host is a name or
// a bracketed IPv6 address; what follows them is not part of it.
TEST(UrlScanTest, PortIsOnlyTheDigitsAfterTheHost) {
  for (const char* text : {"http://[::1]:80ab/", "http://[::1]:80", "http://h.example:80ab/",
                           "http://h.example:80"}) {
    size_t pos = 0;
    UrlRef u;
    ASSERT_TRUE(NextUrl(text, &pos, &u)) << text;
    EXPECT_EQ(u.port, "80") << text;
  }
  size_t pos = 0;
  UrlRef u;
  ASSERT_TRUE(NextUrl("http://[::1]:x/", &pos, &u));
  EXPECT_EQ(u.host, "[::1]");
  EXPECT_EQ(u.port, "");
}

TEST(UrlScanTest, FindsNestedUrlsOneAfterAnother) {
  const std::string_view text = "http://a.example/login?next=http://b.example/x&u=ftp://c.example";
  size_t pos = 0;
  UrlRef u;
  std::string hosts;
  int n = 0;
  while (n < 10 && NextUrl(text, &pos, &u)) {
    hosts += std::string(u.host) + " ";
    ++n;
  }
  EXPECT_EQ(hosts, "a.example b.example c.example ");
}

TEST(UrlScanTest, ProtocolRelativeOnlyWhenAskedAndAtATokenStart) {
  size_t pos = 0;
  UrlRef u;
  EXPECT_FALSE(NextUrl("//10.0.0.1/admin", &pos, &u));
  pos = 0;
  ASSERT_TRUE(NextUrl("//10.0.0.1/admin", &pos, &u, /*allow_protocol_relative=*/true));
  EXPECT_TRUE(u.scheme.empty());
  EXPECT_EQ(u.host, "10.0.0.1");
  EXPECT_EQ(u.rest, "/admin");
  pos = 0;
  ASSERT_TRUE(NextUrl("u=//[::1]/x", &pos, &u, true));
  EXPECT_EQ(u.host, "[::1]");
  // A comment or a path with doubled slashes is no URL.
  pos = 0;
  EXPECT_FALSE(NextUrl("a//b and c // d", &pos, &u, true));
}

TEST(UrlScanTest, SplitsValuesWithoutAScheme) {
  UrlRef u;
  ASSERT_TRUE(SplitSchemeless("10.0.0.1:8080/admin", &u));
  EXPECT_EQ(u.host, "10.0.0.1");
  EXPECT_EQ(u.port, "8080");
  EXPECT_EQ(u.rest, "/admin");
  EXPECT_TRUE(u.scheme.empty());
  bool relative = false;
  ASSERT_TRUE(SplitSchemeless("//host.example/x", &u, &relative));
  EXPECT_TRUE(relative);
  EXPECT_EQ(u.host, "host.example");
  ASSERT_TRUE(SplitSchemeless("user@[::1]", &u));
  EXPECT_EQ(u.host, "[::1]");
  EXPECT_TRUE(u.has_userinfo);
  ASSERT_TRUE(SplitSchemeless("localhost", &u));
  EXPECT_EQ(u.host, "localhost");
  EXPECT_FALSE(SplitSchemeless("", &u));
  EXPECT_FALSE(SplitSchemeless("two words", &u));
  EXPECT_FALSE(SplitSchemeless("/just/a/path", &u));
}

TEST(UrlScanTest, LinearOnLongInput) {
  // Every call advances; a megabyte of near-URLs ends.
  std::string text;
  for (int i = 0; i < (1 << 16); ++i) text += "h://x";
  size_t pos = 0;
  UrlRef u;
  size_t found = 0;
  while (NextUrl(text, &pos, &u, true)) ++found;
  EXPECT_EQ(found, size_t{1} << 16);
  const std::string slashes(1 << 20, '/');
  pos = 0;
  EXPECT_FALSE(NextUrl(slashes, &pos, &u, true));
  const std::string colons(1 << 20, ':');
  pos = 0;
  EXPECT_FALSE(NextUrl(colons, &pos, &u, true));
}

}  // namespace
}  // namespace fnguard::detect
