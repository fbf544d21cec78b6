#include "runtime/event/json_numbers.h"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace fnguard::event {
namespace {

// What a replaced token of `length` bytes becomes.
std::string Zero(size_t length) { return "0" + std::string(length - 1, ' '); }

TEST(BlankOutNumbersTest, ReplacesNumbersOutsideStringsOnly) {
  std::string out;
  EXPECT_TRUE(BlankOutNumbers(R"({"a":1e999999,"b":"12345","c":[-0.5E+10]})", &out));
  EXPECT_EQ(out, R"({"a":0       ,"b":"12345","c":[0       ]})");
  EXPECT_TRUE(BlankOutNumbers(R"(["\"", 123456789012345678901234567890])", &out));
  EXPECT_EQ(out, std::string(R"(["\"", 0)") + std::string(29, ' ') + "]");
  // Malformed tokens are left alone.
  EXPECT_FALSE(BlankOutNumbers("[01, 1., -, 1e]", &out));
  EXPECT_EQ(out, "[01, 1., -, 1e]");
}

TEST(BlankOutNumbersTest, NothingToReplaceStillCopies) {
  // The caller parses `out` whatever the result, so it is always the input.
  std::string out = "stale";
  const std::string_view json = R"({"12":"34","t":true,"f":false,"n":null,"s":"-5e3"})";
  EXPECT_FALSE(BlankOutNumbers(json, &out));
  EXPECT_EQ(out, json);
  EXPECT_FALSE(BlankOutNumbers("", &out));
  EXPECT_EQ(out, "");
}

TEST(BlankOutNumbersTest, EveryNumberFormKeepsItsLength) {
  std::string out;
  ASSERT_TRUE(BlankOutNumbers("[0,-0,0.5,-12.75e-3,1E+2,9007199254740993]", &out));
  EXPECT_EQ(out, "[0," + Zero(2) + "," + Zero(3) + "," + Zero(9) + "," + Zero(4) + "," +
                     Zero(16) + "]");
  // Whitespace and structure around the numbers stay where they were.
  ASSERT_TRUE(BlankOutNumbers("{ \"a\" :\t-1.5e+300 ,\n\"b\":[ 7 ] }", &out));
  EXPECT_EQ(out, "{ \"a\" :\t" + Zero(9) + " ,\n\"b\":[ 0 ] }");
}

TEST(BlankOutNumbersTest, EscapedQuotesAndBackslashesInStrings) {
  std::string out;
  // A string ending in an escaped backslash closes at the next quote.
  ASSERT_TRUE(BlankOutNumbers(R"(["\\", 12])", &out));
  EXPECT_EQ(out, R"(["\\", 0 ])");
  // An escaped quote does not close it.
  ASSERT_TRUE(BlankOutNumbers(R"(["\\\" 99", 12, "7"])", &out));
  EXPECT_EQ(out, R"(["\\\" 99", 0 , "7"])");
  // Keys are strings too.
  ASSERT_TRUE(BlankOutNumbers(R"({"12":34})", &out));
  EXPECT_EQ(out, R"({"12":0 })");
}

TEST(BlankOutNumbersTest, MalformedDocumentsStayMalformed) {
  std::string out;
  for (std::string_view json :
       {"[1e5e5]", "[--1]", "[1.2.3]", "[-.5]", "[1e+]", "[.5]", "[+1]", "[+.5e3]"}) {
    EXPECT_FALSE(BlankOutNumbers(json, &out)) << json;
    EXPECT_EQ(out, json);
  }
  // Two valid numbers without a comma: each is blanked, the missing comma
  // still makes the document invalid.
  ASSERT_TRUE(BlankOutNumbers("[1 2]", &out));
  EXPECT_EQ(out, "[0 0]");
  // Beside a malformed token, a valid number is still blanked.
  ASSERT_TRUE(BlankOutNumbers("[1,.5]", &out));
  EXPECT_EQ(out, "[0,.5]");
}

TEST(BlankOutNumbersTest, UnterminatedStringsAreNotReadPastTheEnd) {
  std::string out;
  EXPECT_FALSE(BlankOutNumbers(R"(["abc 123)", &out));
  EXPECT_EQ(out, R"(["abc 123)");
  // A backslash as the last byte inside a string.
  EXPECT_FALSE(BlankOutNumbers("[\"\\", &out));
  EXPECT_EQ(out, "[\"\\");
}

TEST(BlankOutNumbersTest, DocumentsTheParserRejectsParseAfterBlanking) {
  const std::string json =
      R"({"a":1e999999,"b":[123456789012345678901234567890,-1e400],"c":"kept 1e999"})";
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_NE(parser.parse(json).get(root), simdjson::SUCCESS);
  std::string out;
  ASSERT_TRUE(BlankOutNumbers(json, &out));
  ASSERT_EQ(out.size(), json.size());
  ASSERT_EQ(parser.parse(out).get(root), simdjson::SUCCESS);
  std::string_view kept;
  ASSERT_EQ(root["c"].get(kept), simdjson::SUCCESS);
  EXPECT_EQ(kept, "kept 1e999");
  simdjson::dom::array b;
  ASSERT_EQ(root["b"].get(b), simdjson::SUCCESS);
  EXPECT_EQ(b.size(), 2u);
  int64_t a = -1;
  ASSERT_EQ(root["a"].get(a), simdjson::SUCCESS);
  EXPECT_EQ(a, 0);
}

TEST(BlankOutNumbersTest, MegabyteOfHugeNumbers) {
  const std::string token = "123456789012345678901234567890";
  std::string json = "[";
  while (json.size() < (size_t{1} << 20)) json += token + ",";
  json += "1]";
  std::string out;
  ASSERT_TRUE(BlankOutNumbers(json, &out));
  ASSERT_EQ(out.size(), json.size());
  EXPECT_EQ(out.find_first_of("123456789"), std::string::npos);
  EXPECT_EQ(out.substr(0, token.size() + 2), "[" + Zero(token.size()) + ",");
}

}  // namespace
}  // namespace fnguard::event
