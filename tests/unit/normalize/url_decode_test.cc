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

TEST(UrlDecodeTest, UnicodeEscapeWithInvalidHexIsLeftAsWritten) {
  RunCases(UrlDecodeDefault, {
      // A non-hex digit anywhere in the four: IIS would not decode it either.
      {"%u00G1", "", false},
      {"%uZZZZ", "", false},
      {"%u-041", "", false},
      {"%u 041", "", false},
      // Only the valid escape that follows an invalid %u is decoded, so a
      // payload cannot hide behind a broken escape in front of it.
      {"%u%3C", "%u<", true},
      {"%u00%3Cscript%3E", "%u00<script>", true},
  });
}

TEST(UrlDecodeTest, TruncatedEscapesAtTheEndOfInput) {
  RunCases(UrlDecodeDefault, {
      {"abc%4", "", false},
      {"abc%u", "", false},
      {"abc%u0", "", false},
      {"abc%u004", "", false},
      // The same escapes complete, ending exactly at the last byte.
      {"abc%41", "abcA", true},
      {"abc%u0041", "abcA", true},
      // A complete escape before a truncated one is still decoded.
      {"%3C%3", "<%3", true},
      {"%3C%u003", "<%u003", true},
  });
}

TEST(UrlDecodeTest, UnicodeEscapeSpellings) {
  RunCases(UrlDecodeDefault, {
      // Upper-case U, as IIS also accepts it.
      {"%U003Cscript%U003E", "<script>", true},
      // Escapes that decode to NUL keep it: control removal is a later step.
      {std::string_view("a%00b", 5), std::string_view("a\0b", 3), true},
      {std::string_view("a%u0000b", 8), std::string_view("a\0b", 3), true},
      {"%FF%fe", "\xFF\xFE", true},
  });
}

TEST(UrlDecodeTest, UnpairedSurrogatesBecomeReplacementCharacters) {
  RunCases(UrlDecodeDefault, {
      {"%uD83D", "\xEF\xBF\xBD", true},
      {"%uDE00", "\xEF\xBF\xBD", true},
      // A high surrogate followed by something other than a low one: both
      // are decoded on their own.
      {"%uD83D%u0041", "\xEF\xBF\xBD" "A", true},
      {"%uD83D%41", "\xEF\xBF\xBD" "A", true},
      {"%uD83Dx", "\xEF\xBF\xBDx", true},
      // Low then high is not a pair.
      {"%uDE00%uD83D", "\xEF\xBF\xBD\xEF\xBF\xBD", true},
  });
}

TEST(UrlDecodeTest, OnePassDoesNotDecodeWhatItProduced) {
  // "%25" gives a '%' that, with what follows, spells another escape: a
  // single pass must leave it, or UrlDecode and UrlDecodeRepeated would be
  // the same function.
  RunCases(UrlDecodeDefault, {
      {"%2541", "%41", true},
      {"%%41", "%A", true},
      {"%%", "", false},
  });
}

TEST(UrlDecodeTest, PlusAsSpaceWithEscapesAround) {
  RunCases(UrlDecodePlus, {
      {"a+%2B+b", "a + b", true},
      {"+%zz", " %zz", true},
      {"%zz+", "%zz ", true},
      {"no-plus", "", false},
  });
  // The repeated form is not form decoding: '+' stays.
  RunCases(UrlDecodeRepeatedDefault, {{"a+b%2B", "a+b+", true}});
}

TEST(UrlDecodeTest, RepeatedRoundLimits) {
  std::string out = "sentinel";
  EXPECT_FALSE(UrlDecodeRepeated("%41", &out, 0));
  EXPECT_FALSE(UrlDecodeRepeated("%41", &out, -1));
  EXPECT_EQ(out, "sentinel");
  ASSERT_TRUE(UrlDecodeRepeated("%2541", &out, 1));
  EXPECT_EQ(out, "%41");
  // The default is four rounds: a fifth level of encoding survives.
  ASSERT_TRUE(UrlDecodeRepeated("%2525252541", &out));
  EXPECT_EQ(out, "%41");
}

TEST(UrlDecodeTest, MegabyteInputsAreDecodedInOnePass) {
  std::string escapes = Repeat("%41", kMegabyte);
  std::string out;
  ASSERT_TRUE(UrlDecode(escapes, &out));
  EXPECT_EQ(out, std::string(escapes.size() / 3, 'A'));

  // Broken escapes everywhere: nothing to change, and the scan stays linear.
  std::string broken = Repeat("%u12%4", kMegabyte);
  EXPECT_FALSE(UrlDecode(broken, &out));
  EXPECT_FALSE(UrlDecode(broken, &out, true));
  EXPECT_FALSE(UrlDecodeRepeated(broken, &out));

  // Nested encoding of a whole megabyte, undone round by round.
  std::string nested = Repeat("%25253C", kMegabyte);
  ASSERT_TRUE(UrlDecodeRepeated(nested, &out));
  EXPECT_EQ(out, std::string(nested.size() / 7, '<'));
}

}  // namespace
}  // namespace fnguard::normalize
