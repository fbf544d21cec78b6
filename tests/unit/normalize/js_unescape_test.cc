#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "runtime/normalize/normalize.h"
#include "tests/unit/normalize/transform_cases.h"

namespace fnguard::normalize {
namespace {

using testing::Case;
using testing::kMegabyte;
using testing::Repeat;
using testing::RunCases;

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

// Legacy octal escapes of spaces, digits and punctuation (\040..\077) are
// read in the generic chain too; letters, control bytes and paths are not.
TEST(JsUnescapeTest, NumericOnlyReadsPunctuationOctal) {
  RunCases(JsUnescapeNumeric, {
      {"\\074img src\\075x onerror\\075alert\\0501\\051\\076", "<img src=x onerror=alert(1)>",
       true},
      {"a\\040b", "a b", true},
      {"C:\\2024\\reports", "", false},
      {"\\0141lert", "", false},   // a letter: "\0141" is not read
      {"\\012x", "", false},       // a line break
      {"\\07", "", false},         // cut short
      {"..\\\\074", "", false},    // an escaped backslash before the digits
  });
}

// An escaped backslash is one unit: the escape after it is text, as a
// JavaScript or JSON parser reads it.
TEST(JsUnescapeTest, EscapedBackslashIsNotTheStartOfAnEscape) {
  RunCases(JsUnescapeNumeric, {
      {"\\\\u0041", "", false},
      {"a\\\\x3cb", "", false},
      {"\\\\\\u0041", "\\\\A", true},
      {"\\\\\\\\u0041", "", false},
      {"C:\\\\new\\u0041", "C:\\\\newA", true},
  });
  RunCases(JsUnescape, {
      {"\\\\u0041", "\\u0041", true},
      {"\\\\\\u0041", "\\A", true},
  });
}

TEST(JsUnescapeTest, TruncatedEscapesAtTheEndOfInput) {
  for (auto transform : {JsUnescape, JsUnescapeNumeric}) {
    RunCases(transform, {
        {"alert\\", "", false},
        {"alert\\u", "", false},
        {"alert\\u004", "", false},
        {"alert\\u{41", "", false},
        {"alert\\u{", "", false},
        {"alert\\x", "", false},
        // The same escapes complete, ending exactly at the last byte.
        {"alert\\u0028", "alert(", true},
        {"alert\\u{28}", "alert(", true},
        {"alert\\x28", "alert(", true},
        // Fixed-width escapes take exactly their digits.
        {"\\u00411", "A1", true},
        {"\\x411", "A1", true},
    });
  }
}

TEST(JsUnescapeTest, InvalidHexIsLeftAsWritten) {
  for (auto transform : {JsUnescape, JsUnescapeNumeric}) {
    RunCases(transform, {
        {"\\u00G1", "", false},
        {"\\uZZZZ", "", false},
        {"\\xG1", "", false},
        {"\\x-1", "", false},
        {"\\u{4G}", "", false},
        {"\\u{ 41}", "", false},
        // JavaScript has no upper-case \X or \U.
        {"\\X41", "", false},
        {"\\U0041", "", false},
        // A valid escape after a broken one is still decoded.
        {"\\u00G1\\u003c", "\\u00G1<", true},
    });
  }
}

TEST(JsUnescapeTest, BracedEscapeLimits) {
  RunCases(JsUnescapeNumeric, {
      {"\\u{00000041}", "A", true},          // eight digits: the most read
      {"\\u{000000041}", "", false},         // nine: not an escape
      {"\\u{10FFFF}", "\xF4\x8F\xBF\xBF", true},
      {"\\u{110000}", "\xEF\xBF\xBD", true},  // past Unicode
      {"\\u{FFFFFFFF}", "\xEF\xBF\xBD", true},
      {"\\u{D800}", "\xEF\xBF\xBD", true},   // a lone surrogate
  });
}

TEST(JsUnescapeTest, UnpairedSurrogatesBecomeReplacementCharacters) {
  RunCases(JsUnescapeNumeric, {
      {"\\ud83d", "\xEF\xBF\xBD", true},
      {"\\ud83dx", "\xEF\xBF\xBDx", true},
      {"\\ud83d\\u0041", "\xEF\xBF\xBD" "A", true},
      {"\\ude00\\ud83d", "\xEF\xBF\xBD\xEF\xBF\xBD", true},
      // A pair written in upper case is still a pair.
      {"\\uD83D\\uDE00", "\xF0\x9F\x98\x80", true},
  });
}

TEST(JsUnescapeTest, OctalEscapesStopAt0377) {
  RunCases(JsUnescape, {
      {std::string_view("a\\0b", 4), std::string_view("a\0b", 3), true},
      {"\\101\\102", "AB", true},
      // "\400" is "\40" then '0': the value may not pass 0377.
      {"\\400", " 0", true},
      {"\\777", "?7", true},
      // At most three digits.
      {"\\1014", "A4", true},
      // 8 and 9 are not octal digits, and not escapes either.
      {"\\8\\9", "", false},
  });
  // Octal is not a numeric escape of the generic chain.
  RunCases(JsUnescapeNumeric, {{"\\101", "", false}});
}

TEST(JsUnescapeTest, EscapedBackslashIsNotReadAgain) {
  // "\\u0041" in JavaScript source is a backslash and "u0041", not 'A'.
  RunCases(JsUnescape, {
      {"\\\\u0041", "\\u0041", true},
      {"\\\\x41", "\\x41", true},
  });
}

TEST(JsUnescapeTest, SimpleEscapes) {
  RunCases(JsUnescape, {
      {"\\r\\b\\f\\v", "\r\b\f\v", true},
      {"\\/\\`", "/`", true},
  });
  RunCases(JsUnescapeNumeric, {
      {"\\r\\b\\f\\v\\/\\`\\n\\t\\'\\\"", "", false},
  });
}

TEST(JsUnescapeTest, MegabyteInputs) {
  std::string escapes = Repeat("\\u0041", kMegabyte);
  std::string out;
  ASSERT_TRUE(JsUnescapeNumeric(escapes, &out));
  EXPECT_EQ(out, std::string(escapes.size() / 6, 'A'));

  // Every backslash opens a braced escape that never closes.
  std::string open = Repeat("\\u{1234567", kMegabyte);
  EXPECT_FALSE(JsUnescape(open, &out));
  EXPECT_FALSE(JsUnescapeNumeric(open, &out));

  std::string backslashes(kMegabyte, '\\');
  ASSERT_TRUE(JsUnescape(backslashes, &out));
  EXPECT_EQ(out, std::string(kMegabyte / 2, '\\'));
  EXPECT_FALSE(JsUnescapeNumeric(backslashes, &out));
}

}  // namespace
}  // namespace fnguard::normalize
