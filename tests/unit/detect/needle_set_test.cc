#include "runtime/detect/needle_set.h"

#include <string>

#include "gtest/gtest.h"
#include "runtime/detect/ascii_scan.h"

namespace fnguard::detect {
namespace {

TEST(NeedleSetTest, FindsAnyNeedleCaseInsensitively) {
  const NeedleSet set{"etc/passwd", "win.ini", "Li4v"};
  EXPECT_TRUE(set.AnyIn("../../etc/passwd"));
  EXPECT_TRUE(set.AnyIn("C:\\WINDOWS\\WIN.INI"));
  EXPECT_TRUE(set.AnyIn("li4vli4v"));
  EXPECT_TRUE(set.AnyIn("etc/passwd"));  // whole value
  EXPECT_TRUE(set.AnyIn("xx win.ini"));  // at the very end
}

TEST(NeedleSetTest, RejectsValuesWithoutNeedles) {
  const NeedleSet set{"etc/passwd", "win.ini"};
  EXPECT_FALSE(set.AnyIn(""));
  EXPECT_FALSE(set.AnyIn("etc/passw"));        // truncated needle
  EXPECT_FALSE(set.AnyIn("etc-passwd"));       // one byte differs
  EXPECT_FALSE(set.AnyIn("win.in"));
  EXPECT_FALSE(set.AnyIn("see the winter inn"));
}

TEST(NeedleSetTest, SharedPrefixesAndShortNeedles) {
  const NeedleSet set{"abc", "abd", "x"};
  EXPECT_TRUE(set.AnyIn("zzabd"));
  EXPECT_TRUE(set.AnyIn("aabc"));
  EXPECT_TRUE(set.AnyIn("X"));
  EXPECT_FALSE(set.AnyIn("ab"));
  EXPECT_FALSE(set.AnyIn("abe abf"));
}

TEST(NeedleSetTest, BytesOutsideAsciiAndControlBytes) {
  const NeedleSet set{"cos\nsystem", "\xc0\xae"};
  EXPECT_TRUE(set.AnyIn("(cOS\nSYSTEM"));
  EXPECT_TRUE(set.AnyIn("a\xc0\xae"));
  EXPECT_FALSE(set.AnyIn("cos system"));
  EXPECT_FALSE(set.AnyIn("\xc0"));
}

TEST(NeedleSetTest, TwoByteLiteralsNextToLongerOnes) {
  const NeedleSet set{"ab", "abc", "xyz"};
  EXPECT_TRUE(set.AnyIn("ab"));      // the whole value
  EXPECT_TRUE(set.AnyIn("zzAB"));    // at the very end
  EXPECT_TRUE(set.AnyIn("zzxYz"));
  EXPECT_FALSE(set.AnyIn("xy"));     // too short for "xyz"
  EXPECT_FALSE(set.AnyIn("a b xz"));
}

// The set agrees with one case-insensitive search per needle on every
// window of a mixed text.
TEST(NeedleSetTest, AgreesWithPerNeedleSearch) {
  static constexpr std::string_view kNeedles[] = {"select", "union", "../", "%2e", "<scr", "jo"};
  const NeedleSet set(kNeedles);
  const std::string text =
      "Please SELECT a size; the UNION jack mug ships ../later at 20%2E off <SCRipt> JO";
  for (size_t b = 0; b < text.size(); ++b) {
    for (size_t e = b; e <= text.size(); ++e) {
      std::string_view w = std::string_view(text).substr(b, e - b);
      bool expected = false;
      for (std::string_view n : kNeedles) expected = expected || scan::IContains(w, n);
      ASSERT_EQ(set.AnyIn(w), expected) << w;
    }
  }
}

}  // namespace
}  // namespace fnguard::detect
