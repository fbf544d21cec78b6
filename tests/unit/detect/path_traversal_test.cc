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
using testing::ExpectRules;

std::string Repeat(const std::string& s, size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) r += s;
  return r;
}

TEST(PathTraversalTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "../../etc/passwd",
      "..\\..\\windows\\win.ini",
      "/static/../../../etc/shadow",
      "....//....//etc/passwd",
      "..;/..;/WEB-INF/web.xml",
      "/etc/passwd",
      "file:///etc/passwd",
      "php://filter/convert.base64-encode/resource=index.php",
      "zip://uploads/a.zip#shell.php",
      "phar://uploads/x.jpg",
      "/proc/self/environ",
      "C:/Windows/System32/drivers/etc/hosts",
      "../../../../.ssh/id_rsa",
      "..0x2f..0x2fetc0x2fpasswd",
      "../.aws/credentials",
      ".htaccess",
      "..%qf..%qf..%qfboot.ini",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << a;
  }
}

TEST(PathTraversalTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "/home/user/docs/report.pdf",
      "src/main.cc",
      "C:\\Users\\me\\file.txt",
      "https://example.com/a/b?c=d",
      "2024/01/15",
      "Wait...",
      "version 1.2..3",
      "see ../images/a.png for details",
      "arn:aws:s3:::bucket/key/path",
      "images/2024/cat.png",
      "etc. passwords are secret",
      "the boot in itself",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(PathTraversalDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(PathTraversalTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(PathTraversalDetector(), std::string(1 << 20, '.'));
  testing::RunsOnLargeInput(PathTraversalDetector(), std::string(1 << 20, '/'));
  testing::RunsOnLargeInput(PathTraversalDetector(), Repeat("../", 1 << 18));
  testing::RunsOnLargeInput(PathTraversalDetector(), Repeat("%qf..", 1 << 18));
}

TEST(PathTraversalTest, ReportsItsId) {
  EXPECT_EQ(Get(PathTraversalDetector().id()).id(), PathTraversalDetector().id());
}

TEST(PathTraversalTest, SingleClimbDependsOnLocation) {
  Case c;
  c.value = "/static/../app.js";
  c.location = event::Location::kPath;
  c.path = "path";
  EXPECT_TRUE(Detects(PathTraversalDetector(), c));
  c.value = "see ../app.js";
  c.location = event::Location::kBody;
  c.path = "body.text";
  EXPECT_FALSE(Detects(PathTraversalDetector(), c));
  // A value that starts by climbing is a path handed over, in the query as
  // in a form or JSON body field; a header or a climb inside a longer path
  // is not.
  for (const char* v : {"../config.yml", "/../config.yml", "/./../config.yml", ".//../x"}) {
    for (event::Location loc : {event::Location::kQuery, event::Location::kBody}) {
      c.value = v;
      c.location = loc;
      c.path = loc == event::Location::kQuery ? "query.file" : "body.file";
      Match m;
      EXPECT_TRUE(Detects(PathTraversalDetector(), c, &m)) << v;
      EXPECT_EQ(m.rule_id, "path_traversal.dot_dot_slash") << v;
    }
    c.location = event::Location::kHeader;
    c.path = "headers.x-file";
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
  }
  c.location = event::Location::kBody;
  c.path = "body.file";
  for (const char* v : {"/a/../b", "docs/./../b", "x/../y", "...", "./a.txt"}) {
    c.value = v;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
  }
}

// A traversal sent base64-encoded, for code that decodes the value before
// opening it. Base64 has no '/' or '.' of its own.
TEST(PathTraversalTest, Base64EncodedTraversal) {
  ExpectRules(PathTraversalDetector(),
              {{"Li4vLi4vLi4vLi4vdmFyL3d3dy9jb25maWcucGhw", "path_traversal.base64_traversal"},
               {"Li5cLi5cLi5cYXBwXHdlYi5jb25maWc=", "path_traversal.base64_traversal"},
               // The climbs one and two bytes into a 3-byte group:
               // "/../../../x", "ab../../../etc", "a\\..\\..\\..\\x".
               {"Ly4uLy4uLy4uL3g=", "path_traversal.base64_traversal"},
               {"YWIuLi8uLi8uLi9ldGM=", "path_traversal.base64_traversal"},
               {"YVwuLlwuLlwuLlx4", "path_traversal.base64_traversal"}});
  Case c;
  c.value = "ZG9jcy9yZWFkbWUubWQ=";
  EXPECT_FALSE(Detects(PathTraversalDetector(), c));
}

// The encoded climbs are found at every position of a long base64 value,
// in its sixteen-byte blocks and its tail; with several, the one reported is
// the first of the list (the climbs "../" before the others), where it first
// occurs.
TEST(PathTraversalTest, Base64TraversalAtEveryPositionOfALongValue) {
  // Base64 digits that form none of the climbs (no 'L' or 'X').
  const std::string filler = "QUJDREVGR0hJSktNTk9QUlNUVVZXWVo0NTY3ODkwYWJjZGVm";
  for (std::string_view climb : {"Li4vLi4v", "Ly4uLy4u", "LlwuLlwu"}) {
    for (size_t at = 0; at + climb.size() <= filler.size(); ++at) {
      std::string v = filler;
      v.replace(at, climb.size(), climb);
      Match m;
      ASSERT_TRUE(testing::Detects(PathTraversalDetector(), v, &m)) << climb << " at " << at;
      EXPECT_EQ(m.offset, at) << climb;
      EXPECT_EQ(m.length, climb.size());
    }
  }
  // Near misses: the repeat broken, the last byte changed.
  for (std::string_view near : {"Li4vLi5v", "Li4vLi4w", "Ly4uLy4x"}) {
    std::string v = filler;
    v.replace(20, near.size(), near);
    Match m;
    EXPECT_FALSE(testing::Detects(PathTraversalDetector(), v, &m)) << near;
  }
  std::string v = filler + filler;
  v.replace(3, 8, "Li8uLi8u");   // slashes, two bytes into a group
  v.replace(40, 8, "Ly4uLy4u");  // slashes, one byte in (before the above in the list)
  v.replace(70, 8, "XC4uXC4u");  // backslashes, one byte in
  Match m;
  ASSERT_TRUE(testing::Detects(PathTraversalDetector(), v, &m));
  EXPECT_EQ(m.offset, 40u);
}

// Repeated "./" segments pad a path past a length limit (path truncation);
// no ordinary path repeats them.
TEST(PathTraversalTest, TruncationPadding) {
  for (const std::string& v : std::vector<std::string>{
           "/./././././././././etc/passwd", "/.//././/././/././/./index", "x/" + Repeat("./", 200),
           "..\\.\\.\\.\\.\\.\\.\\.\\.\\boot.ini"}) {
    for (event::Location loc : {event::Location::kQuery, event::Location::kBody}) {
      Case c;
      c.value = v;
      c.location = loc;
      EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << v;
    }
  }
  for (const std::string v : {"/./a/./b/./c", "./configure && make", "see ./a, ./b and ./c",
                              "/./././././././x", "https://example.com/./docs/./guide"}) {
    Case c;
    c.value = v;
    c.location = event::Location::kBody;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
  }
}

// In a JSON body, a key whose value is a URI reference resolved against the
// document ($ref, href, src, extends) may climb one level; two levels, or
// one into a sensitive file, are still reported there, and other keys keep
// the one-climb rule.
TEST(PathTraversalTest, OneClimbInUriReferenceKeys) {
  Case c;
  c.location = event::Location::kBody;
  for (const char* path : {"body.properties.address.$ref", "body.links[0].href", "body.src",
                           "body.extends", "body.items[2].HREF"}) {
    c.path = path;
    c.value = "../common.json#/definitions/Address";
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << path;
    c.value = "../../../srv/app/keys.json";
    EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << path;
    c.value = "../.env";
    EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << path;
  }
  for (const char* path : {"body.file", "body.template", "body.reference", "body.links[0]"}) {
    c.path = path;
    c.value = "../common.json";
    EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << path;
  }
  c.location = event::Location::kQuery;
  c.path = "query.href";
  c.value = "../common.json";
  EXPECT_TRUE(Detects(PathTraversalDetector(), c));
}

// A value that is only the name of a shell startup, history or host-trust
// file asks for that file; names that double as CSS classes do not.
TEST(PathTraversalTest, ShellDotFilesByName) {
  Case c;
  for (const char* v : {"/.bashrc", ".zsh_history", "/.Xauthority", "~/.bash_profile", ".rhosts"}) {
    c.value = v;
    EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << v;
  }
  for (const char* v : {".profile", "/.forward", ".login", "see my .bashrc tips", ".bashrc-theme"}) {
    c.value = v;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
  }
}

// A value that is a whole Windows path (a drive letter, or a backslash) may
// hold spaces ("Program Files"): one to a server's configuration or logs is
// reported, one to a document is not. A Unix path ends at a space.
TEST(PathTraversalTest, WindowsPathsWithSpaces) {
  Case c;
  c.location = event::Location::kQuery;
  for (const char* v : {"c:/program files/mysql/my.ini",
                        "D:\\Program Files (x86)\\Apache Group\\Apache2\\logs\\error.log",
                        "C:/Program Files/nginx 1.24/conf/nginx.conf",
                        // Rooted on the current drive.
                        "\\Program Files\\Apache Group\\Apache2\\conf\\httpd.conf",
                        "\\logs\\error.log"}) {
    c.value = v;
    EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << v;
  }
  for (const char* v : {"C:\\Users\\Ann\\Documents\\My Report final.docx",
                        "D:/Photos/Summer 2024/beach day.jpg",
                        "C:/Program Files/Acme Reader/reader.exe", "c:/temp/install log.txt",
                        "\\Users\\Ann\\My Documents\\report.docx", "/srv/app/my notes.log"}) {
    c.value = v;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
  }
}

// A server's configuration, logs or data named by an absolute path wherever
// the server is installed, and a home directory's dot files by their path.
TEST(PathTraversalTest, ServerFilesWhereverInstalled) {
  for (event::Location loc : {event::Location::kQuery, event::Location::kBody}) {
    Case c;
    c.location = loc;
    c.path = loc == event::Location::kBody ? "body.file" : "query.file";
    for (const char* v :
         {"/srv/site7/conf/httpd.conf", "/apps/logs/access_log", "/data/pg/pg_hba.conf",
          "/opt2/tomcat9/logs/catalina.out", "/mnt/backup/web/php.ini", "/etc/login.defs",
          "C:/Program Files/MySQL/data/db7.err", "D:/Users/Bob/NTUSER.DAT",
          "c:/Program Files/FileZilla Server/FileZilla Server.xml", "~/.viminfo",
          "~/.ssh/identity.pub", "~/.docker/config.json", "/home/ann/.bash_history",
          "/home/deploy-2/.ssh/id_ed25519", "/Users/ann/.aws/credentials"}) {
      c.value = v;
      EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << v;
    }
    for (const char* v :
         {"/home/ann/projects/site/README.md", "/home/ann/app/config/app.yml",
          "/data/logs/2024-01-05.csv", "/Users/ann/Documents/notes.txt", "~/Documents/report.pdf",
          "~/.", "~/.config/editor/theme.json", "/media/photos/php.ini.jpg",
          "C:/Users/Ann/Documents/server log.docx", "/home/ann/.config/editor/theme.json",
          "/home/.bashrc-notes", "/home/a b/.bashrc", "/users/ann/.cache/app/x.bin"}) {
      c.value = v;
      EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
    }
  }
}

// A system file named from the root without the leading '/', a server file
// at the root of a drive, and a whole value in base64 that decodes to such a
// path. Ordinary relative paths and encoded ordinary paths stay clean.
TEST(PathTraversalTest, RelativeRootAndBase64SystemPaths) {
  for (event::Location loc : {event::Location::kQuery, event::Location::kBody}) {
    Case c;
    c.location = loc;
    c.path = loc == event::Location::kBody ? "body.doc" : "query.doc";
    const std::pair<const char*, const char*> attacks[] = {
        {"etc/group", "path_traversal.sensitive_file"},
        {"etc\\shadow", "path_traversal.sensitive_file"},
        {"proc/self/cmdline", "path_traversal.sensitive_file"},
        {"D:/unattend.xml", "path_traversal.system_path"},
        {"/sysprep.inf", "path_traversal.system_path"},
        {"L2V0Yy9zaGFkb3c=", "path_traversal.base64_path"},            // /etc/shadow
        {"L2V0Yy9zaGFkb3c", "path_traversal.base64_path"},             // unpadded
        {"L3Byb2Mvc2VsZi9lbnZpcm9u", "path_traversal.base64_path"},    // /proc/self/environ
        {"QzovV2luZG93cy93aW4uaW5p", "path_traversal.base64_path"},    // C:/Windows/win.ini
    };
    for (const auto& [v, rule] : attacks) {
      c.value = v;
      Match m;
      ASSERT_TRUE(Detects(PathTraversalDetector(), c, &m)) << v;
      EXPECT_EQ(m.rule_id, rule) << v;
    }
    for (const char* v :
         {"etc/passwords-are-hard", "etc/", "proc/", "docs/etc/hosts.md", "/favicon.ico",
          "c:/setup.exe", "L3Zhci93d3cvaHRtbC9pbmRleC5odG1s",  // /var/www/html/index.html
          "LzIwMjQvMDEvcGhvdG8uanBn",                          // /2024/01/photo.jpg
          "L3N0YXRpYy9jc3Mvc2l0ZS5jc3M=",                      // /static/css/site.css
          "Lk9mN2hLcTJ3WnQ4", "YWJjZGVmZ2hpams", "Zz4mK1pQLzk0dmFzZGY"}) {
      c.value = v;
      EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
    }
  }
}

// A file's unnamed NTFS data stream: IIS returns the file's bytes (a
// script's source) instead of running it.
TEST(PathTraversalTest, NtfsDataStream) {
  for (const char* v : {"default.aspx::$DATA", "/app/login.asp::$data", "web.config::$Data?x=1"}) {
    Case c;
    c.value = v;
    Match m;
    ASSERT_TRUE(Detects(PathTraversalDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "path_traversal.ntfs_stream") << v;
  }
  for (const char* v : {"::$DATA", "price: $5", "return self::$data;", "x.y static::$dataStore",
                        ".::$DATA", "a::b"}) {
    Case c;
    c.value = v;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
  }
}

// Invalid UTF-8 that a lenient decoder (IIS's) reads as '.' or '/': the
// low six bits of the last byte, whatever that byte is. Valid text and
// sequences that read as other characters stay clean.
TEST(PathTraversalTest, InvalidUtf8ReadLeniently) {
  for (const char* v : {"..%c1%af..%c1%afsrv%c1%afapp%c1%af.env",
                        "%c0%6e%c0%6e%c1%af%c0%6e%c0%6e%c1%afconf%c1%afkeys",
                        "%C0%EE%C0%EE/%C0%EE%C0%EE/%C0%EE%C0%EE/data",
                        "%25c0%25ae%25c0%25ae%c1%af%25c0%25ae%25c0%25ae%c1%afhome",
                        "%fc%80%80%80%80%ae%fc%80%80%80%80%ae%c1%af%fc%80%80%80%80%ae"
                        "%fc%80%80%80%80%ae%c1%afx"}) {
    for (event::Location loc : {event::Location::kQuery, event::Location::kBody,
                                event::Location::kHeader}) {
      // Normalized as the engine does: the strict reading is not a climb.
      Match m;
      ASSERT_TRUE(Detects(PathTraversalDetector(), v, &m, loc)) << v;
      EXPECT_EQ(m.rule_id, "path_traversal.lenient_utf8") << v;
    }
  }
  for (const char* v : {"caf%C3%A9/%C3%A0 la carte", "%C0 la carte/menu", "%C1rbol/ra%C3%ADz",
                        "%F0%9F%98%80/notes/today", "%c1%af%c1%afa", "%c0%6e/docs"}) {
    Match m;
    EXPECT_FALSE(Detects(PathTraversalDetector(), v, &m, event::Location::kBody)) << v;
  }
}

// A web server hands out a backup copy of a script as text: a request path
// that names one probes for source code and secrets.
TEST(PathTraversalTest, RequestPathNamingBackupOfScript) {
  Case c;
  c.location = event::Location::kPath;
  c.path = "path";
  for (const char* v : {"/shop/cart/add.jsp.BAK", "/admin/config.php~", "/.index.php.swp",
                        "/app/settings.yml.old", "/includes/db.inc.orig", "/web.config.save",
                        "/cgi-bin/test.cgi.1"}) {
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(PathTraversalDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "path_traversal.backup_file") << v;
  }
  for (const char* v : {"/photos/cat.jpg.bak", "/files/notes.txt.old", "/api/v1/orders/old",
                        "/index.php", "/docs/php.bak", "/reports/2024.1", "/a/b~"}) {
    c.value = v;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
  }
  // Only the request path: a file name in a value is data.
  c.location = event::Location::kBody;
  c.path = "body.name";
  c.value = "index.php.bak";
  EXPECT_FALSE(Detects(PathTraversalDetector(), c));
}

// In the request path every '/' starts a segment, so a route that ends by
// naming a system file reads it wherever it stands; in a data value the same
// text inside a longer URL is a link.
TEST(PathTraversalTest, RequestPathNamingSystemFile) {
  Case c;
  c.location = event::Location::kPath;
  c.path = "path";
  for (const std::string v : {"/@fs/etc/passwd", "/files/.env", "/static/x/.aws/credentials",
                              "/download/proc/self/environ"}) {
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(PathTraversalDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "path_traversal.sensitive_file") << v;
  }
  for (const std::string v : {"/api/etc/hostsfile", "/docs/etc/", "/api/environment",
                              "/shop/envelopes/.envelope"}) {
    c.value = v;
    Match m;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
  c.location = event::Location::kBody;
  c.path = "body.link";
  c.value = "https://x/etc/passwd-docs";
  EXPECT_FALSE(Detects(PathTraversalDetector(), c));
}

// A whole value naming a key file under a home directory's .ssh.
TEST(PathTraversalTest, SshKeyFileRelativeToHome) {
  Case c;
  for (const std::string v : {".ssh/id_rsa", "~/.ssh/id_ed25519", "~/.ssh/authorized_keys",
                              ".SSH/ID_ECDSA", "~/.netrc"}) {
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(PathTraversalDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "path_traversal.sensitive_file") << v;
  }
  // A Windows profile, and the root written with two slashes.
  for (const std::string v : {"C:\\Users\\Administrator\\.ssh\\id_rsa",
                              "d:/users/bob/.aws/credentials", "//etc//passwd"}) {
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(PathTraversalDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "path_traversal.sensitive_file") << v;
  }
  for (const std::string v :
       {".ssh/", "my .ssh/id_rsa key", "~/.ssh/notes.txt", "~/docs",
        "C:\\Users\\bob\\Documents\\notes.txt", "Chrome blocks file:// links from web pages"}) {
    c.value = v;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
  }
}

// "%c" before a word is read both as a dropped escape plus letter ("%cs") and
// as an escape alone; only the second reading spells the target here.
TEST(PathTraversalTest, ObfuscatedTraversalNeedsTheShortEscapeReading) {
  Case c;
  c.value = "....%cwindows%csystem32";
  Match m;
  ASSERT_TRUE(Detects(PathTraversalDetector(), c, &m));
  EXPECT_EQ(m.rule_id, "path_traversal.obfuscated_traversal");
  // Without noise around it, the same letters are just a word.
  c.value = "windows system32";
  EXPECT_FALSE(Detects(PathTraversalDetector(), c));
  // Noise but no target.
  c.value = "....%cwindows%cfonts";
  EXPECT_FALSE(Detects(PathTraversalDetector(), c));
}

// A dot inside a name (a host, a file name, a version) is no traversal
// noise: a link or a note that names a system file is not obfuscated
// traversal, while dots in runs, '?' and escapes still are.
TEST(PathTraversalTest, ObfuscatedTraversalIgnoresDotsInNames) {
  Case c;
  c.location = event::Location::kBody;
  for (const std::string v : {"..%zz%qfetc%zz%qfshadow", "%u2216..%u2216..%u2216etc%u2216shadow",
                              ".?.^.?.boot.ini", ".%c1%9c.%c1%9cwinnt%c1%9cwin.ini"}) {
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(PathTraversalDetector(), c, &m)) << v;
  }
  for (const std::string v : {"see https://docs.example.com/guide/etc/passwd-format",
                              "Docs v2.1: the etc passwd file explained. Read on.",
                              "notes.txt mentions etc.passwd and boot.ini"}) {
    c.value = v;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
  }
}

// A target's letters may be split by bytes the skeleton drops, in any
// case, but not by whitespace.
TEST(PathTraversalTest, ObfuscatedTargetsSpanDroppedBytesButNotSpaces) {
  Case c;
  c.location = event::Location::kBody;
  for (const std::string v : {"..?..?etc^passwd", "..?..?windows^system32", "..?..?webinf^webxml",
                              "one two ..?..? wePRocSELF-environ"}) {
    c.value = v;
    EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << v;
  }
  for (const std::string v : {"..?..?etc passwd", "..?..?windows^system 32",
                              "..?..?web inf^webxml", "..?..?proc^self\tenviron"}) {
    c.value = v;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c)) << v;
  }
}

TEST(PathTraversalTest, WrappersAndAbsolutePathsInMixedCase) {
  Case c;
  c.value = "PHP://Filter/resource=config";
  Match m;
  ASSERT_TRUE(Detects(PathTraversalDetector(), c, &m));
  EXPECT_EQ(m.rule_id, "path_traversal.stream_wrapper");
  c.value = "x=/ETC/PASSWD";
  ASSERT_TRUE(Detects(PathTraversalDetector(), c, &m));
  EXPECT_EQ(m.rule_id, "path_traversal.sensitive_file");
  c.value = "..0x2E/..0x2e/x";
  EXPECT_TRUE(Detects(PathTraversalDetector(), c));
}

// An absolute path in a data field is ordinary data unless it names something
// worth reading: documents, media and archives anywhere, and bare standard
// directories, are not file-inclusion targets.
TEST(PathTraversalTest, IgnoresAbsolutePathsToDataFiles) {
  const std::vector<std::string> benign = {
      "/tmp/upload-4821.pdf",
      "/var/tmp/report_2024.xlsx",
      "/srv/media/holiday.jpeg",
      "/opt/vendor/lib/archive.zip",
      "/usr/share/backgrounds/sunset.png",
      "/usr/local/bin/installer.exe",
      "/etc/skel/welcome.mp4",
      "/etc/fonts/custom/serif.woff2",
      "/var/log/exports/chart.svg",
      "/private/tmp",
      "/var/log",
      "/usr/src",
      "/etc/defaults",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    c.location = event::Location::kBody;
    c.path = "body.path";
    Match m;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kQuery;
    c.path = "query.file";
    EXPECT_FALSE(Detects(PathTraversalDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(PathTraversalTest, DetectsSensitiveAbsoluteTargets) {
  const std::vector<std::string> attacks = {
      "/etc/nginx/nginx.conf",
      "/etc/ssh/sshd_config",
      "/etc/mysql/my.cnf",
      "/etc/ssl/private/server.key",
      "/etc/timezone",
      "/var/log/auth.log",
      "/var/log/apache2/access.log",
      "/var/log/syslog.3.gz",
      "/var/log/kern.1",
      "/proc/net/tcp",
      "/proc/1/cmdline",
      "/sys/kernel/hostname",
      "/root/.bash_history",
      "/usr/local/etc/php.ini",
      "/var/www/html/config.php",
      "/opt/app/conf/server.xml",
      "C:/xampp/apache/logs/error.log",
      "\\input{/etc/passwd}",  // LaTeX reads the file into the document
      "\\lstinputlisting{/etc/shadow}",
      // A Java web application's private directory: its code and libraries.
      "/WEB-INF/lib/app.jar",
      "/WEB-INF/classes/application.properties",
      "WEB-INF/classes/db.properties",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    c.location = event::Location::kBody;
    c.path = "body.path";
    EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << a;
    c.location = event::Location::kQuery;
    c.path = "query.file";
    EXPECT_TRUE(Detects(PathTraversalDetector(), c)) << a;
  }
  for (const std::string b : {"/WEB-INF/", "put the jar in /WEB-INF/lib/ and restart",
                              "See /WEB-INF/ in the servlet spec"}) {
    Case c;
    c.value = b;
    c.location = event::Location::kBody;
    c.path = "body.text";
    Match m;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(PathTraversalTest, PathParameterClimbsAndAliasedDirectories) {
  for (const std::string v : {"/app/static/..;/admin/env", "/a/b/..;/c", "x/..;/WEB-INF/web.xml",
                              "/assets../config/app.yml", "/static../.env"}) {
    Case c{v};
    Match m;
    EXPECT_TRUE(Detects(PathTraversalDetector(), c, &m)) << v;
  }
  for (const std::string v :
       {"Wait../ what", "see /docs/intro..", "/img/logo..png", "x..;y", "/a/b..c/d",
        "/v1/users../"}) {
    Case c{v};
    Match m;
    EXPECT_FALSE(Detects(PathTraversalDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
}

// The function's own code and layers, and Windows 8.3 short names.
TEST(PathTraversalTest, FunctionCodeAndShortNames) {
  for (const std::string a :
       {"/var/task/index.js", "/var/runtime/bootstrap", "/opt/nodejs/node_modules/x/package.json",
        "/opt/python/settings.py", "C:\\PROGRA~1\\app\\app.config", "d:/INETPU~1/wwwroot/x.aspx"}) {
    EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), a), "path_traversal.system_path") << a;
  }
  for (const std::string b :
       {"/opt/", "C:\\Users\\Ana\\cv~final.docx", "D:\\Photos\\beach~day.jpg",
        "see /var/task/ in the docs", "~1 hour ago"}) {
    EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), b), "") << b;
  }
}

// Docker's and Compose's secrets, one file each under /run/secrets.
TEST(PathTraversalTest, ContainerSecrets) {
  for (const std::string a : {"/run/secrets/db_password", "../../run/secrets/api_key"}) {
    EXPECT_NE(testing::RuleOf(PathTraversalDetector(), a), "") << a;
  }
  EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), "Mount it under /run/secrets in compose"), "");
}

// An Azure function's code, settings and host keys.
TEST(PathTraversalTest, AzureAppPaths) {
  for (const std::string a : {"/home/site/wwwroot/local.settings.json",
                              "D:\\home\\data\\Functions\\secrets\\host.json",
                              "d:/home/site/wwwroot/appsettings.json"}) {
    EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), a), "path_traversal.system_path") << a;
  }
  for (const std::string b : {"/home/site/wwwroot/", "C:\\home\\docs\\readme.txt",
                              "Deploy to /home/site/wwwroot in the portal"}) {
    EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), b), "") << b;
  }
}

TEST(PathTraversalTest, SystemFilesWrittenAbout) {
  EXPECT_EQ(testing::RuleOf(PathTraversalDetector(),
                            "Our auditor asked why /etc/passwd is world-readable here."),
            "");
  EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), "/etc/passwd"),
            "path_traversal.sensitive_file");
  EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), "please cat /etc/shadow now"),
            "path_traversal.sensitive_file");
  EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), "file=/etc/passwd and more"),
            "path_traversal.sensitive_file");
}

TEST(PathTraversalTest, Win32DevicePaths) {
  EXPECT_EQ(testing::RuleOf(PathTraversalDetector(),
                            "\\\\.\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3\\Windows\\System32"
                            "\\config\\SYSTEM"),
            "path_traversal.sensitive_file");
  EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), "\\\\?\\Volume{x}\\Windows\\win.ini"),
            "path_traversal.sensitive_file");
  EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), "https://x.example/docs/windows/win.ini"), "");
}

TEST(PathTraversalTest, SystemFilesWrittenAboutInAnyScript) {
  EXPECT_EQ(testing::RuleOf(PathTraversalDetector(),
                            "Mac \xE3\x81\xAE /etc/hosts \xE3\x82\x92 edit"),
            "");
}

TEST(PathTraversalTest, GlobsNameNoFile) {
  for (const char* v : {"/var/log/nginx/*.log", "/etc/nginx/conf.d/*.conf",
                        "C:/xampp/apache/logs/*.log"}) {
    EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), v), "") << v;
  }
  EXPECT_EQ(testing::RuleOf(PathTraversalDetector(), "/var/log/nginx/access.log"),
            "path_traversal.sensitive_file");
  EXPECT_NE(testing::RuleOf(PathTraversalDetector(), "../../var/log/*.log"), "");
}

}  // namespace
}  // namespace fnguard::detect
