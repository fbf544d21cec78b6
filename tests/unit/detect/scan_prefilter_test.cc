// Edge cases of the cheap scans that let path_traversal, rfi and
// deserialization skip work on text: the letter search, the skeleton filter
// (values read unfolded, targets split by dropped bytes, near the end of the
// value, '%' that escapes nothing), and the anchors of the rfi and gadget
// rules in either case.
#include <random>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"

namespace fnguard::detect {
namespace {

using testing::Detects;
using testing::RuleOf;

size_t ReferenceFindLetter(std::string_view s, char letter, size_t from) {
  for (size_t i = from; i < s.size(); ++i) {
    if (scan::Lower(s[i]) == letter) return i;
  }
  return std::string_view::npos;
}

TEST(FindLetterTest, MatchesTheByteLoopOnRandomText) {
  std::mt19937 rng(7);
  // Bytes that differ from a letter only in bit 0x20 ('F' ^ 0x20 is 'f', but
  // '&' | 0x20 is '&') must not be taken for it.
  const std::string alphabet = "fFyY&\x06\x46\x66 .-_xz\x80\xe6\xc6";
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 70, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    for (char letter : {'f', 'y'}) {
      for (size_t from = 0; from <= s.size(); from += 1 + rng() % 5) {
        ASSERT_EQ(scan::FindLetter(s, letter, from), ReferenceFindLetter(s, letter, from))
            << s << " " << letter << " from " << from;
      }
    }
  }
}

TEST(SkeletonFilterTest, TargetsSplitByDroppedBytesInAnyCase) {
  const Detector& d = PathTraversalDetector();
  const std::string want = "path_traversal.obfuscated_traversal";
  EXPECT_EQ(RuleOf(d, "a.b. e?t-c_p(a)s!s*w^d"), want);
  EXPECT_EQ(RuleOf(d, "A.B. E?T-C_P(A)S!S*W^D"), want);
  EXPECT_EQ(RuleOf(d, "note: 100% sure.. ETC;PASSWD"), want);  // '%' escapes nothing
  EXPECT_EQ(RuleOf(d, "?.etcpasswd"), want);                   // shorter than one block
  EXPECT_EQ(RuleOf(d, "plain words, more plain words..?WinNT*System32"), want);  // the tail
  EXPECT_EQ(RuleOf(d, "Boot,Ini?."), want);
  // A space ends a skeleton run; without two noise bytes there is no match.
  EXPECT_NE(RuleOf(d, "a.b. etc passwd"), want);
  EXPECT_NE(RuleOf(d, "a. etc-passwd"), want);
}

TEST(SkeletonFilterTest, LongProseStillFindsTheTarget) {
  const Detector& d = PathTraversalDetector();
  std::string prose;
  while (prose.size() < 3000) prose += "Wipe clean with a damp cloth - don't use bleach. ";
  EXPECT_EQ(RuleOf(d, prose), "");
  EXPECT_EQ(RuleOf(d, prose + "SYSTEM-INI"), "path_traversal.obfuscated_traversal");
  // Past the skeleton limit the value is read by the full builder.
  std::string longer = prose + prose;
  EXPECT_EQ(RuleOf(d, longer), "");
  EXPECT_EQ(RuleOf(d, "..etc.passwd " + longer), "path_traversal.obfuscated_traversal");
}

TEST(RfiAnchorTest, UpperCaseExtensionsAndSchemes) {
  const Detector& d = RfiDetector();
  EXPECT_EQ(RuleOf(d, "HTTP://203.0.113.9/shell.PHP"), "rfi.remote_script");
  EXPECT_EQ(RuleOf(d, "http://evil.example/shell.TXT?"), "rfi.truncated_url");
  EXPECT_EQ(RuleOf(d, "see https://shop.example.com/items for details"), "");

  normalize::Normalizer n;
  Input in;
  in.raw = "FTP://files.example.net/pub/x";
  in.norm = n.Normalize(in.raw);
  in.mask = CharMask::Of(in.norm);
  in.path = "query.file";
  in.location = event::Location::kQuery;
  Match m;
  ASSERT_TRUE(d.Inspect(in, &m));
  EXPECT_EQ(m.rule_id, "rfi.remote_script");
}

TEST(GadgetAnchorTest, UndottedNamesInAnyCase) {
  const Detector& d = DeserializationDetector();
  EXPECT_EQ(RuleOf(d, "x.INVOKERTRANSFORMER", event::Location::kBody),
            "deserialization.java_gadget");
  EXPECT_EQ(RuleOf(d, "payload by YsoSerial.", event::Location::kBody),
            "deserialization.java_gadget");
  EXPECT_EQ(RuleOf(d, "a transformer. nothing else", event::Location::kBody), "");
}

}  // namespace
}  // namespace fnguard::detect
