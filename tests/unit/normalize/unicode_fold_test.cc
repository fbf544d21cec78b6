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

TEST(FoldUnicodeTest, OverlongAndFullWidth) {
  RunCases(FoldUnicode, {
      {"\xC0\xAE\xC0\xAE\xC0\xAF", "../", true},
      {"\xC1\x9C", "\\", true},
      {"\xE0\x80\xAE\xE0\x80\xAF", "./", true},
      {"\xF0\x80\x80\xBC", "<", true},
      {"\xEF\xBC\x9Cscript\xEF\xBC\x9E", "<script>", true},
      {"\xEF\xBD\x93\xEF\xBD\x85\xEF\xBD\x8C", "sel", true},
      {"a\xE3\x80\x80" "b", "a b", true},
      {"1'\xC2\xA0" "union\xC2\xA0" "select", "1' union select", true},  // no-break spaces
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

// Typographic and angle quotes fold as best-fit code-page conversion folds
// them; other punctuation of the block (dashes, ellipsis) stays.
TEST(FoldUnicodeTest, TypographicAndAngleQuotes) {
  RunCases(FoldUnicode, {
      {"\xE2\x80\x98 OR \xE2\x80\x98" "1\xE2\x80\x99=\xE2\x80\x99" "1", "' OR '1'='1", true},
      {"\xE2\x80\x9Cx\xE2\x80\x9D \xE2\x80\xB2\xE2\x80\xB3", "\"x\" '\"", true},
      {"\xE2\x80\xB9script\xE2\x80\xBA", "<script>", true},
  });
  RunCases(FoldUnicode, {
      {"a\xE2\x80\x94" "b\xE2\x80\xA6", "", false},  // an em dash, an ellipsis
  });
}

// The compatibility characters NFKC maps to one ASCII character: circled
// and mathematical letters and digits, small form variants, the long s, the
// script l, one-letter Roman numerals. Others of their blocks stay.
TEST(FoldUnicodeTest, CompatibilityCharactersNfkcMakesAscii) {
  RunCases(FoldUnicode, {
      // "ⓤⓝⓘⓞⓝ Ⓢ", "𝐔𝐍" (bold), "𝟏𝟐𝟕" (bold digits)
      {"\xE2\x93\xA4\xE2\x93\x9D\xE2\x93\x98\xE2\x93\x9E\xE2\x93\x9D \xE2\x93\x88",
       "union S", true},
      {"\xF0\x9D\x90\x94\xF0\x9D\x90\x8D", "UN", true},
      {"\xF0\x9D\x9F\x8F\xF0\x9D\x9F\x90\xF0\x9D\x9F\x95", "127", true},
      // "﹛﹛ x ﹜﹜", "﹤a﹥"
      {"\xEF\xB9\x9B\xEF\xB9\x9B x \xEF\xB9\x9C\xEF\xB9\x9C", "{{ x }}", true},
      {"\xEF\xB9\xA4" "a\xEF\xB9\xA5", "<a>", true},
      // "ſcript", "ℓocalhost", "ⅼocalhost", "Ⅿ"
      {"\xC5\xBF" "cript", "script", true},
      {"\xE2\x84\x93ocalhost", "localhost", true},
      {"\xE2\x85\xBCocalhost", "localhost", true},
      {"\xE2\x85\xAF", "M", true},
  });
  RunCases(FoldUnicode, {
      // "Ⅱ" (two letters under NFKC), "﹑" (an ideographic comma), a bold
      // Greek alpha, "①"
      {"\xE2\x85\xA1 \xEF\xB9\x91 \xF0\x9D\x9B\x82 \xE2\x91\xA0", "", false},
  });
}

TEST(FoldUnicodeTest, OverlongThreeByteTraversal) {
  RunCases(FoldUnicode, {
      // "..\" and "../" with every byte spelled as a three-byte sequence.
      {"\xE0\x80\xAE\xE0\x80\xAE\xE0\x81\x9C", "..\\", true},
      {"\xE0\x80\xAE\xE0\x80\xAE\xE0\x80\xAF" "etc", "../etc", true},
      // The upper half of ASCII needs the low bit of the second byte.
      {"\xE0\x81\xBC", "|", true},
      {"\xE0\x81\x81", "A", true},
      {"\xE0\x80\xBC", "<", true},
  });
  RunCases(FoldUnicode, {
      // E0 82..9F would be overlong forms of non-ASCII characters: left.
      {"\xE0\x82\x80", "", false},
      {"\xE0\x9F\xBF", "", false},
      // E0 A0 80 is the valid U+0800.
      {"\xE0\xA0\x80", "", false},
      // Not continuation bytes.
      {"\xE0\x80" "A", "", false},
      {"\xE0" "AA", "", false},
  });
}

TEST(FoldUnicodeTest, OverlongTwoAndFourByteForms) {
  RunCases(FoldUnicode, {
      {"\xC0\x80", std::string_view("\0", 1), true},  // the "modified UTF-8" NUL
      {"\xC1\xBF", "\x7F", true},
      {"\xC0\xBC" "script\xC0\xBE", "<script>", true},
      {"\xF0\x80\x80\xAF", "/", true},
      {"\xF0\x80\x81\x81", "A", true},
      {"\xF0\x80\x81\x9C", "\\", true},
  });
  RunCases(FoldUnicode, {
      {"\xC0" "A", "", false},
      {"\xC1", "", false},
      {"\xF0\x80\x80", "", false},
      {"\xF0\x80\x82\x80", "", false},  // beyond ASCII
      {"\xF0\x9F\x98\x80", "", false},  // a valid emoji
  });
}

TEST(FoldUnicodeTest, TruncatedSequencesAtTheEndOfInput) {
  RunCases(FoldUnicode, {
      // A complete sequence followed by a cut one: only the first folds.
      {"\xC0\xAE\xC0", ".\xC0", true},
      {"\xE0\x80\xAE\xE0\x80", ".\xE0\x80", true},
      {"\xF0\x80\x80\xBC\xF0\x80\x80", "<\xF0\x80\x80", true},
      {"\xEF\xBC\x9C\xEF\xBC", "<\xEF\xBC", true},
  });
}

TEST(FoldUnicodeTest, FullWidthFormsRange) {
  RunCases(FoldUnicode, {
      {"\xEF\xBC\x81", "!", true},          // U+FF01, the first
      {"\xEF\xBD\x9E", "~", true},          // U+FF5E, the last
      {"\xEF\xBC\xBF", "_", true},          // U+FF3F, end of the EF BC row
      {"\xEF\xBD\x80", "`", true},          // U+FF40, start of the EF BD row
      {"\xEF\xBC\x8E\xEF\xBC\x8E\xEF\xBC\x8F", "../", true},
      {"\xEF\xBC\xBC", "\\", true},          // full-width reverse solidus
      {"\xEF\xBC\xB3\xEF\xBC\xA5\xEF\xBC\xAC\xEF\xBC\xA5\xEF\xBC\xA3\xEF\xBC\xB4", "SELECT",
       true},
  });
  RunCases(FoldUnicode, {
      {"\xEF\xBC\x80", "", false},  // U+FF00: unassigned, below the range
      {"\xEF\xBD\x9F", "", false},  // U+FF5F: past the range
      {"\xEF\xBF\xBD", "", false},  // U+FFFD
  });
}

TEST(FoldUnicodeTest, LookAlikesBackEndsFold) {
  RunCases(FoldUnicode, {
      {"\xE2\x80\xA4\xE2\x80\xA4\xE2\x88\x95", "../", true},  // U+2024 U+2024 U+2215
      {"a\xE3\x80\x80" "or\xE3\x80\x80" "1", "a or 1", true},
  });
  RunCases(FoldUnicode, {
      {"\xE2\x80\xA5", "", false},  // U+2025, two dot leader: not folded
      {"\xE2\x88\x96", "", false},  // U+2216, set minus
  });
}

TEST(FoldUnicodeTest, OtherTextIsCopiedAsItIs) {
  RunCases(FoldUnicode, {
      {"caf\xC3\xA9\xEF\xBC\x9C\xE6\x97\xA5", "caf\xC3\xA9<\xE6\x97\xA5", true},
      {"\xFF\xC0\xAE\xFE", "\xFF.\xFE", true},
  });
}

TEST(FoldUnicodeTest, MegabyteInputs) {
  std::string overlong = Repeat("\xE0\x80\xAE", kMegabyte);
  std::string out;
  ASSERT_TRUE(FoldUnicode(overlong, &out));
  EXPECT_EQ(out, std::string(overlong.size() / 3, '.'));

  std::string full_width = Repeat("\xEF\xBC\x9C", kMegabyte);
  ASSERT_TRUE(FoldUnicode(full_width, &out));
  EXPECT_EQ(out, std::string(full_width.size() / 3, '<'));

  // Lead bytes everywhere and nothing to fold.
  EXPECT_FALSE(FoldUnicode(std::string(kMegabyte, '\xC0'), &out));
  EXPECT_FALSE(FoldUnicode(Repeat("\xE6\x97\xA5", kMegabyte), &out));
}

// IIS's lenient decoding: only the last byte's low six bits, and only when
// they give '.' or '/'.
TEST(LenientUtf8SeparatorsTest, InvalidSequencesReadAsSeparators) {
  RunCases(LenientUtf8Separators, {
      {"\xC0\xEE\xC0\xEE\xC1\xAF", "../", true},      // last byte not a continuation
      {"\xC0n\xC0n\xC0o" "srv", "../srv", true},          // ... nor even non-ASCII
      {"\xC1\xAF", "/", true},                           // strictly 'o'
      {"\xF8\x80\x80\x80\xAE\xFC\x80\x80\x80\x80\xAF", "./", true},  // five and six bytes
      {"\xE0\x80\xEE\xF0\x80\x80\xAF", "./", true},  // overlong three and four bytes
      {"a\xC0\xAE\xC1\x9C" "b", "a.\\b", true},       // the strict folds stay
  });
  RunCases(LenientUtf8Separators, {
      {"caf\xC3\xA9", "", false},
      {"\xF0\x9F\x98\x80 \xE0\xA4\x85", "", false},  // an emoji, a Devanagari letter
      {"\xC0 la carte", "", false},                      // Latin-1 "A grave" before a space
      {"\xC1rbol", "", false},                           // low bits of 'r': not a separator
      {"\xF8\x80\x80", "", false},                      // cut short
      {"\xF8\x80n\x80\xAE", "", false},                // a middle byte not a continuation
      {"ascii ../", "", false},
  });
}

TEST(HasCompatibilityAlnumTest, LettersAndDigitsNfkcMakesAsciiOf) {
  for (const char* yes : {"http://\xE2\x93\x94x.com",   // circled e
                          "\xF0\x9D\x90\x9A",            // mathematical bold a
                          "\xF0\x9D\x9F\x8F",            // mathematical bold 1
                          "po\xC5\xBFt",                 // long s
                          "\xE2\x84\x93ocalhost",        // script l
                          "\xE2\x85\xAC"}) {             // Roman numeral fifty
    EXPECT_TRUE(HasCompatibilityAlnum(yes)) << yes;
  }
  for (const char* no : {"", "plain ascii", "caf\xC3\xA9",
                         "\xEF\xBD\x81",       // full-width a: folded, but not by NFKC's table here
                         "\xEF\xB9\x92",       // small full stop: punctuation
                         "\xE2\x85\xA1",       // Roman numeral two: two letters, not folded
                         "\xF0\x9F\x98\x80",   // an emoji
                         "\xE2\x80\x99"}) {    // a typographic quote
    EXPECT_FALSE(HasCompatibilityAlnum(no)) << no;
  }
}

TEST(LenientUtf8SeparatorsTest, MegabyteInputs) {
  std::string out;
  const std::string lenient = Repeat("\xC0\xEE", kMegabyte);
  ASSERT_TRUE(LenientUtf8Separators(lenient, &out));
  EXPECT_TRUE(out == std::string(lenient.size() / 2, '.'));
  EXPECT_FALSE(LenientUtf8Separators(std::string(kMegabyte, '\xC0'), &out));
  EXPECT_FALSE(LenientUtf8Separators(Repeat("\xF0\x9F\x98\x80", kMegabyte), &out));
}

}  // namespace
}  // namespace fnguard::normalize
