// CharMask (runtime/detect/registry.cc): which printable ASCII bytes occur,
// control bytes (< 0x20 and 0x7f) and non-ASCII bytes, checked against a
// byte-by-byte reference for values of every length (odd ones end outside
// the two-byte steps), and the HasAny/HasAlnumOf queries detectors gate on.
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

TEST(CharMaskTest, EveryByteValueLandsWhereHasLooksForIt) {
  for (int c = 0; c < 256; ++c) {
    const CharMask m = CharMask::Of(std::string(1, static_cast<char>(c)));
    if (c >= 32 && c < 127) {
      EXPECT_TRUE(m.Has(static_cast<char>(c))) << c;
    }
    EXPECT_EQ(m.has_control, c < 32 || c == 127) << c;
    EXPECT_EQ(m.has_non_ascii, c >= 128) << c;
  }
}

TEST(CharMaskTest, LongRandomValuesMatchTheReference) {
  std::mt19937 rng(7);
  for (int n = 0; n < 2000; ++n) {
    std::string s(rng() % 64, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    ExpectSameMask(s);
  }
}

// Values of 64 bytes and more are read 32 bytes at a time (where the CPU
// has AVX2): every byte value at every offset of a step, and at the end
// that the steps leave to the byte loop, must land as the reference says.
TEST(CharMaskTest, EveryByteAtEveryOffsetOfLongValues) {
  for (size_t len : {64, 65, 95, 96, 127, 200}) {
    for (int c = 0; c < 256; ++c) {
      for (size_t at = 0; at < len; at += (at < 40 || at + 40 > len) ? 1 : 13) {
        std::string s(len, 'a');
        s[at] = static_cast<char>(c);
        ExpectSameMask(s);
      }
    }
  }
}

TEST(CharMaskTest, LongValuesOfManyDifferentBytesMatchTheReference) {
  std::mt19937 rng(11);
  for (int round = 0; round < 3000; ++round) {
    std::string s(64 + rng() % 512, ' ');
    // A narrow range of bytes, so that masks differ in which they miss.
    const unsigned base = rng() % 256;
    const unsigned span = 1 + rng() % (round % 3 == 0 ? 256 : 12);
    for (char& ch : s) ch = static_cast<char>((base + rng() % span) % 256);
    ExpectSameMask(s);
  }
}

TEST(CharMaskTest, HasAnyAndAlnum) {
  const CharMask m = CharMask::Of("Meet at O'Neill's (2nd floor)");
  EXPECT_TRUE(m.HasAny("'\""));
  EXPECT_TRUE(m.HasAny(")"));
  EXPECT_FALSE(m.HasAny("<>{}$;|&`"));
  EXPECT_TRUE(m.HasAlnumOf(CharMask::AlnumOf("neil")));  // either case
  EXPECT_TRUE(m.HasAlnumOf(CharMask::AlnumOf("2nd")));
  EXPECT_FALSE(m.HasAlnumOf(CharMask::AlnumOf("passwd")));  // no 'p', 'w'
  EXPECT_FALSE(m.HasAlnumOf(CharMask::AlnumOf("x")));
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
