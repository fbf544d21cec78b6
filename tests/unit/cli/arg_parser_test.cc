#include <gtest/gtest.h>

#include "wrappers/cli/cli.h"

namespace fnguard::cli {
namespace {

TEST(ArgParserTest, FlagsValuesAndPositionals) {
  ArgParser ap({"--policy", "--format"}, {"--help"});
  ASSERT_TRUE(ap.Parse({"a.json", "--policy", "p.yaml", "--format=json", "b.json"}));
  EXPECT_EQ(ap.Get("--policy"), "p.yaml");
  EXPECT_EQ(ap.Get("--format"), "json");
  EXPECT_FALSE(ap.Has("--help"));
  EXPECT_EQ(ap.positionals(), (std::vector<std::string>{"a.json", "b.json"}));
}

TEST(ArgParserTest, RepeatedFlagsAndDoubleDash) {
  ArgParser ap({"--event"}, {});
  ASSERT_TRUE(ap.Parse({"--event", "1", "--event", "2", "--", "--event"}));
  EXPECT_EQ(ap.GetAll("--event"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(ap.Get("--event"), "2");
  EXPECT_EQ(ap.positionals(), (std::vector<std::string>{"--event"}));
}

TEST(ArgParserTest, Errors) {
  ArgParser a({"--policy"}, {"--help"});
  EXPECT_FALSE(a.Parse({"--bogus"}));
  EXPECT_NE(a.error().find("--bogus"), std::string::npos);
  ArgParser b({"--policy"}, {"--help"});
  EXPECT_FALSE(b.Parse({"--policy"}));
  EXPECT_NE(b.error().find("needs a value"), std::string::npos);
  ArgParser c({"--policy"}, {"--help"});
  EXPECT_FALSE(c.Parse({"--help=yes"}));
}

}  // namespace
}  // namespace fnguard::cli
