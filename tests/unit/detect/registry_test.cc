// CharMask::Of() against a byte-by-byte reference: which printable ASCII
// bytes occur, control bytes (< 0x20 and 0x7f) and non-ASCII bytes, for
// values of every length (odd ones end outside the two-byte steps).
#include <random>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {

CharMask ReferenceMask(std::string_view s) {
  CharMask m;
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 32 && u < 96) m.bits |= uint64_t{1} << (u - 32);
    if (u >= 96 && u < 127) m.high |= uint64_t{1} << (u - 96);
    if (u < 32 || u == 127) m.has_control = true;
    if (u >= 128) m.has_non_ascii = true;
  }
  return m;
}

void ExpectSameMask(std::string_view s) {
  const CharMask got = CharMask::Of(s);
  const CharMask want = ReferenceMask(s);
  EXPECT_EQ(got.bits, want.bits) << s;
  EXPECT_EQ(got.high, want.high) << s;
  EXPECT_EQ(got.has_control, want.has_control) << s;
  EXPECT_EQ(got.has_non_ascii, want.has_non_ascii) << s;
}

TEST(CharMaskTest, MatchesTheByteLoopOnRandomBytes) {
  std::mt19937 rng(5);
  for (int round = 0; round < 5000; ++round) {
    std::string s(rng() % 40, ' ');
    // Mostly a few bytes, so that many masks miss some; sometimes any byte.
    const bool any = round % 4 == 0;
    for (char& ch : s) ch = static_cast<char>(any ? rng() % 256 : 32 + rng() % 8);
    ExpectSameMask(s);
  }
}

TEST(CharMaskTest, EveryByteAloneAndLast) {
  for (int c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    ExpectSameMask(one);
    ExpectSameMask("ab" + one);   // odd length: the last byte after the pairs
    ExpectSameMask("abc" + one);  // even length
  }
  const CharMask m = CharMask::Of("a\x7f");
  EXPECT_TRUE(m.has_control);
  EXPECT_FALSE(m.Has('\x7f'));
  EXPECT_TRUE(CharMask::Of("x\xc3\xa9").has_non_ascii);
  EXPECT_FALSE(CharMask::Of("").has_control);
}

}  // namespace
}  // namespace fnguard::detect
