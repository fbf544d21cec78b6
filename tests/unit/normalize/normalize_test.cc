#include "runtime/normalize/normalize.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace fnguard::normalize {
namespace {

using Transform = bool (*)(std::string_view, std::string*);

struct Case {
  std::string_view in;
  std::string_view want;  // ignored when !changes
  bool changes;
};

void RunCases(Transform t, std::initializer_list<Case> cases) {
  for (const Case& c : cases) {
    std::string out = "sentinel";
    bool changed = t(c.in, &out);
    EXPECT_EQ(changed, c.changes) << "input: " << c.in;
    if (c.changes) {
      EXPECT_EQ(out, c.want) << "input: " << c.in;
    } else {
      EXPECT_EQ(out, "sentinel") << "output touched for: " << c.in;
    }
  }
}

bool UrlDecodeDefault(std::string_view in, std::string* out) { return UrlDecode(in, out); }
bool UrlDecodePlus(std::string_view in, std::string* out) { return UrlDecode(in, out, true); }
bool UrlDecodeRepeatedDefault(std::string_view in, std::string* out) {
  return UrlDecodeRepeated(in, out);
}

TEST(UrlDecodeTest, DecodesEscapes) {
  RunCases(UrlDecodeDefault, {
      {"a%20b", "a b", true},
      {"%3Cscript%3e", "<script>", true},
      {"%u003cimg%u003E", "<img>", true},
      {"%uFF1C", "\xEF\xBC\x9C", true},
      {"%uD83D%uDE00", "\xF0\x9F\x98\x80", true},
      {"%c0%ae%c0%ae/", "\xC0\xAE\xC0\xAE/", true},
      {"100%25", "100%", true},
      {"a+b%21", "a+b!", true},
  });
}

TEST(UrlDecodeTest, LeavesInvalidAndTruncatedEscapes) {
  RunCases(UrlDecodeDefault, {
      {"plain text", "", false},
      {"50% off", "", false},
      {"%4", "", false},
      {"%", "", false},
      {"%zz%u12", "", false},
      {"%u12G4", "", false},
      {"a+b", "", false},
  });
}

TEST(UrlDecodeTest, PlusAsSpaceIsOptional) {
  RunCases(UrlDecodePlus, {{"a+b", "a b", true}, {"a%2Bb", "a+b", true}});
}

TEST(UrlDecodeTest, RepeatedReachesFixpoint) {
  RunCases(UrlDecodeRepeatedDefault, {
      {"%253Cscript%253E", "<script>", true},
      {"%25252527", "'", true},
      {"nothing", "", false},
  });
  std::string out;
  ASSERT_TRUE(UrlDecodeRepeated("%2525252527", &out, 2));
  EXPECT_EQ(out, "%252527");
}

TEST(HtmlEntityDecodeTest, NamedNumericAndLegacy) {
  RunCases(HtmlEntityDecode, {
      {"&lt;b&gt;", "<b>", true},
      {"&#60;&#x3C;&#X3c;", "<<<", true},
      {"&#0000060;", "<", true},
      {"&#x000003c", "<", true},
      {"java&#x09;script&colon;", "java\tscript:", true},
      {"&lpar;1&rpar;&Tab;&NewLine;", "(1)\t\n", true},
      {"&quot;&apos;&amp;&sol;&bsol;", "\"'&/\\", true},
      {"&ltscript", "<script", true},
      {"a&nbsp;b", "a\xC2\xA0" "b", true},
      {"&#0;", "\xEF\xBF\xBD", true},
      {"&#99999999999;", "\xEF\xBF\xBD", true},
  });
}

TEST(HtmlEntityDecodeTest, LeavesNonReferences) {
  RunCases(HtmlEntityDecode, {
      {"Tom & Jerry", "", false},
      {"&", "", false},
      {"&#", "", false},
      {"&#x", "", false},
      {"&#;", "", false},
      {"&unknownname;", "", false},
      {"&colon", "", false},  // non-legacy names need ';'
      {"a=1&b=2", "", false},
  });
}

TEST(JsUnescapeTest, AllEscapeForms) {
  RunCases(JsUnescape, {
      {"\\u003cscript\\u003e", "<script>", true},
      {"\\u{3c}\\u{00003C}", "<<", true},
      {"\\x3c\\x3E", "<>", true},
      {"\\74\\076", "<>", true},
      {"a\\nb\\tc", "a\nb\tc", true},
      {"\\'\\\"\\\\", "'\"\\", true},
      {"\\ud83d\\ude00", "\xF0\x9F\x98\x80", true},
  });
  RunCases(JsUnescape, {
      {"no escapes", "", false},
      {"\\u12", "", false},
      {"\\u{}", "", false},
      {"\\x4", "", false},
      {"\\q", "", false},
      {"\\", "", false},
  });
}

TEST(JsUnescapeTest, NumericOnlyKeepsWindowsPaths) {
  RunCases(JsUnescapeNumeric, {
      {"..\\boot.ini", "", false},
      {"C:\\new\\table", "", false},
      {"al\\u0065rt", "alert", true},
      {"\\x27", "'", true},
  });
}

TEST(FoldUnicodeTest, OverlongAndFullWidth) {
  RunCases(FoldUnicode, {
      {"\xC0\xAE\xC0\xAE\xC0\xAF", "../", true},
      {"\xC1\x9C", "\\", true},
      {"\xE0\x80\xAE\xE0\x80\xAF", "./", true},
      {"\xF0\x80\x80\xBC", "<", true},
      {"\xEF\xBC\x9Cscript\xEF\xBC\x9E", "<script>", true},
      {"\xEF\xBD\x93\xEF\xBD\x85\xEF\xBD\x8C", "sel", true},
      {"a\xE3\x80\x80" "b", "a b", true},
  });
  RunCases(FoldUnicode, {
      {"caf\xC3\xA9", "", false},
      {"\xE6\x97\xA5\xE6\x9C\xAC", "", false},
      {"\xC0", "", false},
      {"\xE0\x80", "", false},
      {"\xFF\xFE", "", false},
      {"ascii", "", false},
  });
}

TEST(TextTransformsTest, RemoveControl) {
  RunCases(RemoveControl, {
      {std::string_view("scr\0ipt", 7), "script", true},
      {"a\x01\x7f" "b", "ab", true},
      {"keep\ttab\nand\rcr", "", false},
  });
}

TEST(TextTransformsTest, CollapseWhitespace) {
  RunCases(CollapseWhitespace, {
      {"a  b", "a b", true},
      {"a\t\n\v\fb", "a b", true},
      {"a\tb", "a b", true},
      {"a b c", "", false},
      {"", "", false},
  });
}

TEST(TextTransformsTest, RemoveSqlComments) {
  RunCases(RemoveSqlComments, {
      {"union/**/select", "union select", true},
      {"/*!50000union*/ select", " union  select", true},
      {"admin'--", "admin'", true},
      {"a' #x\nb", "a' \nb", true},
      {"1/*unterminated", "1 ", true},
      {"no comments - here / there", "", false},
  });
}

TEST(TextTransformsTest, Lowercase) {
  RunCases(Lowercase, {{"SeLeCt", "select", true}, {"already lower 123", "", false}});
}

TEST(FoldPathTest, Folds) {
  RunCases(FoldPath, {
      {"a/./b", "a/b", true},
      {"a//b", "a/b", true},
      {"a\\b\\c", "a/b/c", true},
      {"x/../etc/passwd", "etc/passwd", true},
      {"../../etc/passwd", "", false},
      {"/var/www/../../etc", "/etc", true},
      {"..\\..\\windows\\win.ini", "../../windows/win.ini", true},
      {"a/b/", "", false},
      {"plain", "", false},
  });
}

TEST(NormalizerTest, ReturnsInputWhenNothingChanges) {
  Normalizer n;
  std::string_view in = "hello world";
  std::string_view out = n.Normalize(in);
  EXPECT_EQ(out.data(), in.data());
}

TEST(NormalizerTest, ChainsLayers) {
  Normalizer n;
  EXPECT_EQ(n.Normalize("%253Cscript%253E"), "<script>");
  // Entity hiding a percent escape: needs a second round of the chain.
  EXPECT_EQ(n.Normalize("&#37;3Cimg&#37;3E"), "<img>");
  EXPECT_EQ(n.Normalize("java&#x09;script&colon;alert&lpar;1&rpar;"), "java\tscript:alert(1)");
  EXPECT_EQ(n.Normalize("\\u0061lert(1)"), "alert(1)");
  EXPECT_EQ(n.Normalize("%C0%AE%C0%AE%2F"), "../");
  EXPECT_EQ(n.Normalize("%EF%BC%9Cscript%EF%BC%9E"), "<script>");
  EXPECT_EQ(n.Normalize("sel%00ect"), "select");
  // '+' stays: it is not a space outside form encoding.
  EXPECT_EQ(n.Normalize("a+b%21"), "a+b!");
  // Windows paths are not JavaScript.
  std::string_view path = "..\\..\\boot.ini";
  EXPECT_EQ(n.Normalize(path).data(), path.data());
}

TEST(NormalizerTest, SurvivesHostileInput) {
  Normalizer n;
  std::string big;
  for (int i = 0; i < 100000; ++i) big += "&#";
  for (int i = 0; i < 100000; ++i) big += "%u12%4\\u{";
  for (int i = 0; i < 100000; ++i) big += "&lt;\xC0";
  std::string_view out = n.Normalize(big);
  EXPECT_FALSE(out.empty());
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_FALSE(n.Normalize(bytes).empty());
}

}  // namespace
}  // namespace fnguard::normalize
