// The cheap checks that let detectors skip benign values (CharMask, CharSet,
// WordTable, NeedleSet's memchr path, and each detector's necessary
// conditions) must never hide an attack. Each case below sits on the edge of
// one of those conditions: a keyword glued to a number, a command name
// spelled with quotes, a separator spelled out, a scheme split by a tab, a
// marker past the candidate limit.
#include <random>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "tests/unit/detect/detect_test_support.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/needle_set.h"
#include "runtime/detect/word_table.h"

namespace fnguard::detect {
namespace {

using testing::Detects;

// --- WordTable --------------------------------------------------------------------

TEST(WordTableTest, FindsEveryWordAndNothingElse) {
  static constexpr WordEntry<int> kWords[] = {
      {"select", 1}, {"sleep", 2}, {"or", 3}, {"xp_cmdshell", 4}, {"a", 5}, {"union", 6}};
  static constexpr WordTable<int, 16> kTable(kWords);
  static_assert(kTable.size() == 6);
  for (const WordEntry<int>& e : kWords) EXPECT_EQ(kTable.Find(e.word, 0), e.value) << e.word;
  for (std::string_view miss : {"", "selec", "selects", "Select", "o", "ors", "unio", "b",
                                "xp_cmdshel", "sleepy", "union select"}) {
    EXPECT_EQ(kTable.Find(miss, 0), 0) << miss;
    EXPECT_FALSE(kTable.Contains(miss)) << miss;
  }
  EXPECT_TRUE(kTable.MayHave('s', 6));
  EXPECT_TRUE(kTable.MayHave('s', 5));
  EXPECT_FALSE(kTable.MayHave('s', 4));
  EXPECT_FALSE(kTable.MayHave('q', 2));
  EXPECT_FALSE(kTable.MayHave('s', 40));  // longer than any stored word
}

// --- NeedleSet --------------------------------------------------------------------

bool NaiveAnyIn(std::initializer_list<std::string_view> needles, std::string_view s) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(NeedleSet::kLower[static_cast<unsigned char>(c)]);
  for (std::string_view n : needles) {
    std::string ln(n);
    for (char& c : ln) c = static_cast<char>(NeedleSet::kLower[static_cast<unsigned char>(c)]);
    if (lower.find(ln) != std::string::npos) return true;
  }
  return false;
}

TEST(NeedleSetTest, OneNonLetterFirstByteJumpsWithMemchr) {
  // Every needle starts with '/': AnyIn jumps from '/' to '/'.
  const NeedleSet set{"/etc/passwd", "/proc/self/", "/.env"};
  EXPECT_TRUE(set.AnyIn("/etc/passwd"));
  EXPECT_TRUE(set.AnyIn("x/y/z/PROC/SELF/environ"));
  EXPECT_TRUE(set.AnyIn("//////.env"));
  EXPECT_FALSE(set.AnyIn("etc/passwd"));
  EXPECT_FALSE(set.AnyIn("/etc/passw"));
  EXPECT_FALSE(set.AnyIn("////"));
  std::mt19937 rng(11);
  const char kAlphabet[] = "/etcpasswdroflsenv.EPX";
  for (int n = 0; n < 3000; ++n) {
    std::string s(rng() % 24, ' ');
    for (char& c : s) c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
    EXPECT_EQ(set.AnyIn(s), NaiveAnyIn({"/etc/passwd", "/proc/self/", "/.env"}, s)) << s;
  }
}

TEST(NeedleSetTest, MixedFirstBytesMatchTheNaiveSearch) {
  const NeedleSet set{"rO0AB", "aced0005", "AAEAAAD/////"};
  std::mt19937 rng(5);
  const char kAlphabet[] = "rRoO0aAbBcCeEdD5/";
  for (int n = 0; n < 5000; ++n) {
    std::string s(rng() % 20, ' ');
    for (char& c : s) c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
    EXPECT_EQ(set.AnyIn(s), NaiveAnyIn({"rO0AB", "aced0005", "AAEAAAD/////"}, s)) << s;
  }
}

// --- Detectors on the edges of their necessary conditions -----------------------

struct EdgeCase {
  DetectorId detector;
  std::string value;
  const char* why;
};

class PrefilterEdgeTest : public ::testing::TestWithParam<EdgeCase> {};

TEST_P(PrefilterEdgeTest, StillDetected) {
  const EdgeCase& c = GetParam();
  Match m;
  EXPECT_TRUE(Detects(Get(c.detector), c.value, &m)) << c.why << ": " << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    Gates, PrefilterEdgeTest,
    ::testing::Values(
        // sqli: a keyword is a word token after a number or a MySQL version comment.
        EdgeCase{DetectorId::kSqli, "1union select 1,2,3--", "keyword glued to a number"},
        EdgeCase{DetectorId::kSqli, "0xunion select password from users",
                 "keyword after a hex prefix"},
        EdgeCase{DetectorId::kSqli, "/*!50000union*/ /*!50000select*/ 1,2",
                 "keywords in executable comments"},
        EdgeCase{DetectorId::kSqli, "-1 UnIoN SeLeCt 1,2", "mixed case"},
        // sqli: quoted-context rules look right after the closing quote.
        EdgeCase{DetectorId::kSqli, "admin'--", "comment right after the quote"},
        EdgeCase{DetectorId::kSqli, "admin')#", "')' then a comment"},
        EdgeCase{DetectorId::kSqli, "x' = 'x", "comparison after the quote"},
        EdgeCase{DetectorId::kSqli, "x'/**/or/**/'a'='a", "comment between quote and OR"},
        EdgeCase{DetectorId::kSqli, "1 AND 1=1 || 2=2", "boolean join"},
        EdgeCase{DetectorId::kSqli, "1;select @@version", "stacked query"},
        // sqli: clause words that count only beside their partner word.
        EdgeCase{DetectorId::kSqli, "order/**/by 3 --", "ORDER BY with a comment between"},
        EdgeCase{DetectorId::kSqli, "2 GROUP BY 1", "GROUP BY after a number"},
        EdgeCase{DetectorId::kSqli, "by x' GROUP BY x", "BY before its GROUP"},
        EdgeCase{DetectorId::kSqli, "a from information_schema.tables",
                 "FROM with a name that is not a keyword"},
        // cmdi: words that are spelled, not written, as command names.
        EdgeCase{DetectorId::kCmdi, "; c'a't /etc/passwd", "quotes inside the name"},
        EdgeCase{DetectorId::kCmdi, "; w\\hoami", "backslash inside the name"},
        EdgeCase{DetectorId::kCmdi, "; /usr/bin/ID", "binary path, upper case"},
        EdgeCase{DetectorId::kCmdi, "& ipconfig.exe /all", "extension stripped"},
        EdgeCase{DetectorId::kCmdi, "; /?\?\?/c?t /etc/passwd", "globbed binary path"},
        EdgeCase{DetectorId::kCmdi, "a;cat${IFS}/etc/passwd", "${IFS} as a blank"},
        // path_traversal: separators and dots spelled out or look-alike.
        EdgeCase{DetectorId::kPathTraversal, "0x2e0x2e0x2f0x2e0x2e0x2fetc0x2fpasswd",
                 "no literal '.' or '/'"},
        EdgeCase{DetectorId::kPathTraversal, "..\\..\\windows\\win.ini", "backslashes"},
        EdgeCase{DetectorId::kPathTraversal,
                 "\xEF\xBC\x8E\xEF\xBC\x8E/\xEF\xBC\x8E\xEF\xBC\x8E/etc/passwd", "full-width dots"},
        EdgeCase{DetectorId::kPathTraversal, "/etc/passwd", "absolute path alone"},
        EdgeCase{DetectorId::kPathTraversal, ".htpasswd", "short sensitive name"},
        EdgeCase{DetectorId::kPathTraversal, "..%c0%af..%c0%afetc%c0%afpasswd",
                 "overlong '/' left undecoded"},
        // xss: schemes with ignorable bytes, markers past many candidates.
        EdgeCase{DetectorId::kXss, "java\tscript:alert(document.cookie)", "tab inside the scheme"},
        EdgeCase{DetectorId::kXss, "javascript:alert(1)", "scheme at the start"},
        EdgeCase{DetectorId::kXss,
                 std::string(300, ':') + " javascript:alert(1)", "more colons than candidates"},
        EdgeCase{DetectorId::kXss, std::string(200, '.') + " x=document.cookie",
                 "more dots than candidates"},
        EdgeCase{DetectorId::kXss, "+ADw-script+AD4-alert(1)+ADw-/script+AD4-", "UTF-7 markup"},
        EdgeCase{DetectorId::kXss, "x</script><b>", "script end tag"},
        // nosqli: a sink right after a join, or db. at the start.
        EdgeCase{DetectorId::kNosqli, "'; return true; var x='", "after ';'"},
        EdgeCase{DetectorId::kNosqli, "' || this.password.match(/.*/)//", "after '||'"},
        EdgeCase{DetectorId::kNosqli, "db.users.drop()", "db. at the start"},
        // rfi / deserialization: wrappers and names in any case.
        EdgeCase{DetectorId::kRfi, "PHP://input", "wrapper in upper case"},
        EdgeCase{DetectorId::kRfi, "Data:text/plain;base64,PD9waHAgcGhwaW5mbygpOz8+",
                 "data: wrapper"},
        EdgeCase{DetectorId::kDeserialization, "!!python/object/apply:os.system ['id']",
                 "YAML tag"},
        EdgeCase{DetectorId::kDeserialization,
                 "{\"x\":\"ORG.APACHE.COMMONS.COLLECTIONS.FUNCTORS.InvokerTransformer\"}",
                 "dotted gadget in upper case"},
        EdgeCase{DetectorId::kDeserialization, "a.b InvokerTransformer", "gadget without a dot"},
        EdgeCase{DetectorId::kDeserialization, "ACED0005737200116A6176612E7574696C2E48617368",
                 "hex stream in upper case"},
        EdgeCase{DetectorId::kDeserialization, "rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA",
                 "base64 stream"}));

// Benign values with the punctuation of real traffic stay clean.
TEST(PrefilterTest, BenignValuesStayClean) {
  for (std::string_view v :
       {"Siobhán O'Brien", "gift wrap, please!", "gift wrap for order 12, please!", "AUTUMN-15%",
        "12 Grafton St.",
        "\"Chromium\";v=\"118\", \"Google Chrome\";v=\"118\", \"Not=A?Brand\";v=\"99\"",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)",
        "Wipe clean with a damp cloth - don't use bleach or abrasive pads! Ships within 2-3 "
        "working days; free returns within 30 days & 100% refund.",
        "https://shop.example.com/checkout?step=2"}) {
    for (int id = 0; id < static_cast<int>(kDetectorCount); ++id) {
      Match m;
      EXPECT_FALSE(Detects(Get(static_cast<DetectorId>(id)), v, &m, event::Location::kBody))
          << DetectorName(static_cast<DetectorId>(id)) << " on " << v << ": " << m.rule_id;
    }
  }
}

}  // namespace
}  // namespace fnguard::detect
