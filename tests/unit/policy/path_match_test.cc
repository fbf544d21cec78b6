#include <string>

#include "gtest/gtest.h"
#include "policy/path_pattern.h"
#include "policy/policy.h"

namespace fnguard::policy {
namespace {

TEST(PathMatchesTest, Exact) {
  EXPECT_TRUE(PathMatches("body.comment", "body.comment"));
  EXPECT_FALSE(PathMatches("body.comment", "body.comments"));
  EXPECT_FALSE(PathMatches("body.comment", "body.comment.x"));
  EXPECT_FALSE(PathMatches("body.comment", "body"));
  EXPECT_TRUE(PathMatches("path", "path"));
  EXPECT_FALSE(PathMatches("query.q", "query.q[0]"));
}

TEST(PathMatchesTest, TrailingStarMatchesAnyDescendant) {
  EXPECT_TRUE(PathMatches("body.*", "body.a"));
  EXPECT_TRUE(PathMatches("body.*", "body.a[3].b"));
  EXPECT_TRUE(PathMatches("body.*", "body[0]"));
  EXPECT_FALSE(PathMatches("body.*", "body"));
  EXPECT_FALSE(PathMatches("body.*", "bodyx.a"));
  EXPECT_FALSE(PathMatches("body.*", "query.a"));
  EXPECT_TRUE(PathMatches("body.article.*", "body.article.title"));
  EXPECT_FALSE(PathMatches("body.article.*", "body.articles.title"));
  EXPECT_TRUE(PathMatches("records[*].*", "records[2].body.x"));
}

TEST(PathMatchesTest, IndexWildcard) {
  EXPECT_TRUE(PathMatches("body.items[*].note", "body.items[0].note"));
  EXPECT_TRUE(PathMatches("body.items[*].note", "body.items[12].note"));
  EXPECT_FALSE(PathMatches("body.items[*].note", "body.items.note"));
  EXPECT_FALSE(PathMatches("body.items[*].note", "body.items[1].other"));
  EXPECT_FALSE(PathMatches("body.items[*].note", "body.items[1][2].note"));
  EXPECT_TRUE(PathMatches("body.items[1].note", "body.items[1].note"));
  EXPECT_FALSE(PathMatches("body.items[1].note", "body.items[2].note"));
  EXPECT_TRUE(PathMatches("[*].a", "[4].a"));
}

TEST(PathMatchesTest, StarSegmentMatchesOneName) {
  EXPECT_TRUE(PathMatches("headers.*", "headers.user-agent"));
  EXPECT_TRUE(PathMatches("body.*.name", "body.user.name"));
  EXPECT_FALSE(PathMatches("body.*.name", "body.user.x.name"));
  EXPECT_FALSE(PathMatches("body.*.name", "body[0].name"));
  EXPECT_TRUE(PathMatches("*", "body"));
  EXPECT_FALSE(PathMatches("*", "body.a"));
  EXPECT_TRUE(PathMatches("*.id", "query.id"));
}

TEST(PathMatchesTest, LongInputsAreLinear) {
  std::string path = "body";
  for (int i = 0; i < 100000; ++i) path += ".a";
  std::string pattern = "body";
  for (int i = 0; i < 100000; ++i) pattern += ".*";
  EXPECT_TRUE(PathMatches(pattern, path));
  EXPECT_TRUE(PathMatches("body.*", path));
  EXPECT_FALSE(PathMatches(pattern + ".x", path));
  EXPECT_TRUE(PathMatches("[", "["));  // malformed patterns never crash
  EXPECT_FALSE(PathMatches("a[", "a"));
  EXPECT_TRUE(PathMatches("a[", "a["));
}

TEST(ValidatePathPatternTest, AcceptsDocumentedForms) {
  for (std::string_view ok :
       {"body.comment", "body.article.*", "body.items[*].note", "records[0].body", "*", "headers.*",
        "[*].a", "cookies.session-id", "body.a[1][2]"}) {
    EXPECT_TRUE(ValidatePathPattern(ok).ok()) << ok << ": " << ValidatePathPattern(ok).message();
  }
}

TEST(ValidatePathPatternTest, RejectsMalformed) {
  for (std::string_view bad : {"", "body.", ".body", "body..a", "body.a*", "body[", "body[]",
                               "body[x]", "body]", "body[0]x", "a*b", "**", "body.\x01"}) {
    EXPECT_FALSE(ValidatePathPattern(bad).ok()) << bad;
  }
  EXPECT_FALSE(ValidatePathPattern(std::string(kMaxPathPatternLength + 1, 'a')).ok());
}

}  // namespace
}  // namespace fnguard::policy
