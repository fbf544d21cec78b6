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

TEST(FoldPathTest, BackslashTraversal) {
  RunCases(FoldPath, {
      {"..\\..\\..\\etc\\passwd", "../../../etc/passwd", true},
      // Mixed and doubled separators are one separator.
      {"..\\/..//etc", "../../etc", true},
      {"..\\\\..\\\\boot.ini", "../../boot.ini", true},
      // A directory that is entered and left again hides nothing: the climb
      // that remains is what the detector sees.
      {"a\\..\\..\\b", "../b", true},
      {"static\\..\\..\\..\\etc\\passwd", "../../etc/passwd", true},
      {"dir\\", "dir/", true},
  });
}

TEST(FoldPathTest, ClimbsAboveTheStartAreKept) {
  RunCases(FoldPath, {
      {"a/b/../../../c", "../c", true},
      {"./../etc", "../etc", true},
      {"a/./../../etc/./passwd", "../etc/passwd", true},
  });
  RunCases(FoldPath, {
      // Already folded: a leading climb, also from the root.
      {"../etc", "", false},
      {"/../etc/passwd", "", false},
      {"/../../etc", "", false},
  });
}

TEST(FoldPathTest, DotNamesThatAreNotDotSegments) {
  // Only "." and ".." are special; "..." and hidden files are names.
  RunCases(FoldPath, {
      {"a/.../b", "", false},
      {".hidden", "", false},
      {"a/.b/c", "", false},
      {"a/b..", "", false},
      {"a/..b/c", "", false},
      {"....//etc", "..../etc", true},
  });
}

TEST(FoldPathTest, TrailingSeparatorsAndDots) {
  RunCases(FoldPath, {
      {"a/b//", "a/b/", true},
      {"a/.", "a/", true},
      {"a/b/..", "a/", true},
      {"/a/b/../", "/a/", true},
      {"//etc//passwd", "/etc/passwd", true},
  });
}

TEST(FoldPathTest, EncodedDotsAreNotThisTransformsJob) {
  // URL and Unicode decoding happen before; FoldPath sees only ASCII.
  RunCases(FoldPath, {
      {"%2e%2e%2fetc", "", false},
      {"\xC0\xAE\xC0\xAE/etc", "", false},
  });
}

TEST(FoldPathTest, MegabyteInputs) {
  std::string out;
  // A megabyte of directories entered and left again.
  std::string inout = "x/" + Repeat("a/../", kMegabyte) + "y";
  ASSERT_TRUE(FoldPath(inout, &out));
  EXPECT_EQ(out, "x/y");

  // A megabyte of climbs is already folded.
  std::string climbs = Repeat("../", kMegabyte);
  EXPECT_FALSE(FoldPath(climbs, &out));

  std::string backslashes = Repeat("..\\", kMegabyte);
  ASSERT_TRUE(FoldPath(backslashes, &out));
  EXPECT_EQ(out, Repeat("../", backslashes.size()));

  std::string slashes = "a" + std::string(kMegabyte, '/') + "b";
  ASSERT_TRUE(FoldPath(slashes, &out));
  EXPECT_EQ(out, "a/b");
}

}  // namespace
}  // namespace fnguard::normalize
