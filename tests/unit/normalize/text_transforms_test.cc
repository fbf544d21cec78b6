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

TEST(TextTransformsTest, RemoveControl) {
  RunCases(RemoveControl, {
      {std::string_view("scr\0ipt", 7), "script", true},
      {"a\x01\x7f" "b", "ab", true},
      {"keep\ttab\nand\rcr", "", false},
      // Vertical tabs and form feeds separate words, as SQL and HTML read them.
      {"1'\vunion\vselect\f1", "1' union select 1", true},
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

TEST(TextTransformsTest, RemoveControlDropsEveryControlButTabNewlineReturn) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string in = std::string("a") + static_cast<char>(c) + "b";
    std::string out;
    const bool kept = c == '\t' || c == '\n' || c == '\r';
    const bool spaced = c == '\v' || c == '\f';
    EXPECT_EQ(RemoveControl(in, &out), !kept) << "byte " << c;
    if (!kept) {
      EXPECT_EQ(out, spaced ? "a b" : "ab") << "byte " << c;
    }
  }
  // Bytes above DEL are text (UTF-8), not control.
  RunCases(RemoveControl, {
      {"caf\xC3\xA9 \x80\xFF", "", false},
      {std::string_view("\0\0\0", 3), "", true},
      {std::string_view("sel\0\x7f\x1b" "ect", 9), "select", true},
  });
}

TEST(TextTransformsTest, CollapseWhitespaceRunsAtTheEdges) {
  RunCases(CollapseWhitespace, {
      {"  a", " a", true},
      {"a  ", "a ", true},
      {"\r\n", " ", true},
      {"\v", " ", true},
      {"union\r\n\tselect", "union select", true},
      // One space at either end is already collapsed.
      {" a ", "", false},
      {" ", "", false},
  });
}

TEST(TextTransformsTest, SqlCommentsDoNotNest) {
  // MySQL ends a comment at the first "*/": the rest is code again.
  RunCases(RemoveSqlComments, {
      {"a/* /* */ */b", "a  */b", true},
      {"/**/", " ", true},
      {"/*", " ", true},
      {"/*/", " ", true},
  });
  RunCases(RemoveSqlComments, {
      {"*/", "", false},
      {"-", "", false},
      {"/", "", false},
      {"a - b / c * d", "", false},
  });
}

TEST(TextTransformsTest, MySqlExecutableComments) {
  RunCases(RemoveSqlComments, {
      // Without a version, and with one glued to the keyword.
      {"/*!union*/", " union ", true},
      {"/*!12345select*/", " select ", true},
      // The version is at most five digits; what follows is code.
      {"/*!1234567x*/", " 67x ", true},
      // Unterminated: the body runs to the end and is kept.
      {"1 /*!50000union select", "1  union select ", true},
      // A line comment inside the body is removed with the rest of the line.
      {"/*!or*/--x", " or ", true},
  });
}

TEST(TextTransformsTest, LineCommentsRunToTheNewline) {
  RunCases(RemoveSqlComments, {
      {"a--b", "a", true},
      {"x--c\ny", "x\ny", true},
      {"x#c\ny#d\nz", "x\ny\nz", true},
      {"#", "", true},
      {"--", "", true},
      {"1;--\n--\nselect", "1;\n\nselect", true},
  });
}

TEST(TextTransformsTest, LowercaseIsAsciiOnly) {
  RunCases(Lowercase, {
      {"\xC3\x89T\xC3\x89", "\xC3\x89t\xC3\x89", true},  // only the ASCII T
      {"@[`{", "", false},                              // neighbours of A-Z and a-z
      {"\xC3\x89", "", false},
      {"AZ", "az", true},
  });
}

TEST(TextTransformsTest, MegabyteInputs) {
  std::string out;
  std::string comments = Repeat("/**/", kMegabyte);
  ASSERT_TRUE(RemoveSqlComments(comments, &out));
  EXPECT_EQ(out, std::string(comments.size() / 4, ' '));

  // Openers that are never closed: the first one's comment runs to the end.
  std::string open = "1" + Repeat("/* ", kMegabyte);
  ASSERT_TRUE(RemoveSqlComments(open, &out));
  EXPECT_EQ(out, "1 ");

  std::string lines = Repeat("#\n", kMegabyte);
  ASSERT_TRUE(RemoveSqlComments(lines, &out));
  EXPECT_EQ(out, std::string(lines.size() / 2, '\n'));

  std::string spaces = "a" + std::string(kMegabyte, ' ') + "b";
  ASSERT_TRUE(CollapseWhitespace(spaces, &out));
  EXPECT_EQ(out, "a b");

  std::string nuls = "a" + std::string(kMegabyte, '\0') + "b";
  ASSERT_TRUE(RemoveControl(nuls, &out));
  EXPECT_EQ(out, "ab");

  std::string upper(kMegabyte, 'Q');
  ASSERT_TRUE(Lowercase(upper, &out));
  EXPECT_EQ(out, std::string(kMegabyte, 'q'));
}

}  // namespace
}  // namespace fnguard::normalize
