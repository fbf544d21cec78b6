#include "runtime/event/json_surrogates.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace fnguard::event {
namespace {

TEST(ReplaceLoneSurrogatesTest, LoneHalvesBecomeReplacementEscapes) {
  std::string out;
  EXPECT_TRUE(ReplaceLoneSurrogates(R"(["\ud83d", "\uDE00x", "a\uD800\u0041"])", &out));
  EXPECT_EQ(out, R"(["\ufffd", "\ufffdx", "a\ufffd\u0041"])");
  // Two high halves in a row: both are lone.
  EXPECT_TRUE(ReplaceLoneSurrogates(R"("\ud800\ud800")", &out));
  EXPECT_EQ(out, R"("\ufffd\ufffd")");
  // A low half before a high one is not a pair.
  EXPECT_TRUE(ReplaceLoneSurrogates(R"("\udc00\ud800")", &out));
  EXPECT_EQ(out, R"("\ufffd\ufffd")");
}

TEST(ReplaceLoneSurrogatesTest, PairsEscapedBackslashesAndOtherEscapesAreKept) {
  std::string out = "stale";
  const std::string_view json = R"({"p":"\ud83d\ude00","b":"\\ud800","t":"\t\"\u00e9\/"})";
  EXPECT_FALSE(ReplaceLoneSurrogates(json, &out));
  EXPECT_EQ(out, json);
  // An escape cut short at the end of the text is left for the parser.
  EXPECT_FALSE(ReplaceLoneSurrogates(R"("\ud8)", &out));
  EXPECT_EQ(out, R"("\ud8)");
  EXPECT_FALSE(ReplaceLoneSurrogates("", &out));
  EXPECT_EQ(out, "");
}

TEST(ReplaceLoneSurrogatesTest, AHighHalfBeforeAnEscapedBackslashIsLone) {
  std::string out;
  EXPECT_TRUE(ReplaceLoneSurrogates(R"("\ud800\\udc00")", &out));
  EXPECT_EQ(out, R"("\ufffd\\udc00")");
}

TEST(ReplaceLoneSurrogatesTest, EveryHalfOfALongRunIsReplaced) {
  std::string json = "\"";
  for (int i = 0; i < 200000; ++i) json += "\\ud800";
  json += "\"";
  std::string out;
  EXPECT_TRUE(ReplaceLoneSurrogates(json, &out));
  EXPECT_EQ(out.size(), json.size());
  EXPECT_EQ(out.find("d800"), std::string::npos);
}

}  // namespace
}  // namespace fnguard::event
