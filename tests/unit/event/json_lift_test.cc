#include "runtime/event/json_lift.h"

#include <simdjson.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace fnguard::event {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// The string the parser reads from "`content`", or nothing when it rejects
// the document.
std::optional<std::string> ParserReads(std::string_view content) {
  static simdjson::dom::parser parser;
  const std::string doc = "\"" + std::string(content) + "\"";
  std::string_view s;
  if (parser.parse(doc).get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return std::string(s);
}

// What UnescapeJsonString() reads of `content` as a whole string: nothing
// when it rejects it or stops before its end.
std::optional<std::string> LiftReads(std::string_view content) {
  // (A copy without spare bytes after it, so that reading past the end shows
  // under the sanitizers.)
  std::vector<char> in(content.begin(), content.end());
  in.push_back('"');
  std::string out(content.size() + 32, '\0');
  size_t consumed = 0;
  const size_t n =
      UnescapeJsonString(std::string_view(in.data(), in.size()), out.data(), &consumed);
  if (n == kNpos || consumed != content.size()) return std::nullopt;
  if (!simdjson::validate_utf8(content.data(), content.size())) return std::nullopt;
  out.resize(n);
  return out;
}

TEST(UnescapeJsonStringTest, EscapesOfEachKind) {
  EXPECT_EQ(LiftReads(R"(a\"b\\c\/d\be\ff\ng\rh\ti)"), "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(LiftReads(R"(\u0041\u00e9\u20AC\ud83d\ude00\u0000)"),
            std::string("A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\0", 11));
  for (std::string_view bad : {R"(\x41)", R"(\U0041)", R"(\u004)", R"(\ud800)", R"(\udc00)",
                               R"(\ud800\u0041)", R"(\ud800x)", "tab\there", R"(end\)"}) {
    EXPECT_EQ(LiftReads(bad), std::nullopt) << bad;
    EXPECT_EQ(ParserReads(bad), std::nullopt) << bad;
  }
  // The content ends at the first quote that no backslash escapes.
  const std::string text = std::string(40, 'a') + R"(\"b" and more)";
  std::string out(text.size() + 32, '\0');
  size_t consumed = 0;
  const size_t n = UnescapeJsonString(text, out.data(), &consumed);
  ASSERT_NE(n, kNpos);
  EXPECT_EQ(consumed, 43u);
  EXPECT_EQ(out.substr(0, n), std::string(40, 'a') + "\"b");
  out.resize(100 + 32);
  EXPECT_EQ(UnescapeJsonString(std::string(100, 'a'), out.data(), &consumed), kNpos);
}

// Random texts of escapes, quotes, controls and UTF-8 at every offset of the
// sixteen-byte blocks: read exactly as the parser reads them.
TEST(UnescapeJsonStringTest, ReadsWhatTheParserReads) {
  static constexpr std::string_view kPieces[] = {"a",
                                                 "bc",
                                                 "\\\"",
                                                 "\\\\",
                                                 "\\/",
                                                 "\\n",
                                                 "\\t",
                                                 "\\b",
                                                 "\\u00e9",
                                                 "\\u0000",
                                                 "\\ud83d\\ude00",
                                                 "\\uDBFF\\uDFFF",
                                                 "\\ud800",
                                                 "\\udc00",
                                                 "\\x",
                                                 "\\",
                                                 "\"",
                                                 "\x01",
                                                 "\x1f",
                                                 "\x7f",
                                                 "\xC3\xA9",
                                                 "\xE2\x82",
                                                 "\xF0\x9F\x98\x80",
                                                 "\\u12",
                                                 "\\uZZZZ",
                                                 "0123456789abcdef"};
  std::mt19937 rng(20261201);
  size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string content;
    const size_t pieces = rng() % 40;
    for (size_t i = 0; i < pieces; ++i) {
      // Mostly the valid kinds, so that long texts get through.
      const size_t k = rng() % 4 == 0 ? rng() % std::size(kPieces) : rng() % 12;
      content += kPieces[k];
    }
    const std::optional<std::string> want = ParserReads(content);
    ASSERT_EQ(LiftReads(content), want) << round;
    accepted += want.has_value();
  }
  EXPECT_GT(accepted, 2000u);  // both sides of the comparison were exercised
}

TEST(LiftTopLevelStringTest, LiftsTheOneTopLevelMember) {
  std::string value, rest;
  const std::string json =
      R"( {"version":"2.0","headers":{"body":"not this"},"list":[1,{"a":"]}"}],)"
      R"("n":-1.5e3,"t":true,"z":null,"body" : "{\"q\":\"1' OR 1=1\"}","x":"y"} )";
  ASSERT_TRUE(LiftTopLevelString(json, "body", 0, &value, &rest));
  EXPECT_EQ(value, R"({"q":"1' OR 1=1"})");
  EXPECT_EQ(rest, R"( {"version":"2.0","headers":{"body":"not this"},"list":[1,{"a":"]}"}],)"
                  R"("n":-1.5e3,"t":true,"z":null,"body" : "","x":"y"} )");
  // At least min_bytes as written (escapes counted as written).
  EXPECT_TRUE(LiftTopLevelString(R"({"body":"ab\"c"})", "body", 5, &value, &rest));
  EXPECT_EQ(value, "ab\"c");
  EXPECT_FALSE(LiftTopLevelString(R"({"body":"ab\"c"})", "body", 6, &value, &rest));
  ASSERT_TRUE(LiftTopLevelString(R"({"body":""})", "body", 0, &value, &rest));
  EXPECT_EQ(value, "");
  EXPECT_EQ(rest, R"({"body":""})");
}

TEST(LiftTopLevelStringTest, WhatItLeavesToTheParser) {
  std::string value, rest;
  for (std::string_view json : {
           R"({"body":"a","body":"b"})",  // twice: the parser decides which
           R"({"body":null})",            // not a string
           R"({"body":{"a":"b"}})",       // not a string
           R"({"bo\u0064y":"a"})",        // a name with an escape
           R"({"a":"\"body\":\"x\""})",   // only inside another string
           R"({"a":{"body":"x"}})",       // not at the top level
           R"(["body","x"])",             // not an object
           R"({"body":"a"} trailing)",    // more after the object
           R"({"body":"a")",              // cut short
           R"({"body":"a\u12"})",         // a bad escape
           "{\"body\":\"\xC3\"}",         // not UTF-8
           R"({})",
           R"()",
       }) {
    EXPECT_FALSE(LiftTopLevelString(json, "body", 0, &value, &rest)) << json;
  }
}

// Random objects, mostly well-formed: when the member is lifted and the
// rest parses, the whole document parses too, with the same member; and a
// document with one such member that parses is lifted.
TEST(LiftTopLevelStringTest, TheRestParsesOnlyWhenTheDocumentDoes) {
  static constexpr std::string_view kNames[] = {"\"body\"",   "\"a\"",    "\"bo\\u0064y\"",
                                                "\"b\\\"c\"", "\"Body\"", "body"};
  static constexpr std::string_view kValues[] = {"\"v\"",
                                                 "\"v\\\"w\"",
                                                 "\"\\u00e9\\\\\"",
                                                 "\"\"",
                                                 "1",
                                                 "-2.5e3",
                                                 "true",
                                                 "null",
                                                 "{\"body\":\"x\"}",
                                                 "[\"]\",{\"a\":[1]}]",
                                                 "[",
                                                 "\"open",
                                                 "\"\\q\"",
                                                 "\"\x01\"",
                                                 "{}",
                                                 "\"a\\\\\"\"",
                                                 "nul"};
  static constexpr std::string_view kGlue[] = {",", ",", ",", " , ", "", ":", ",,"};
  std::mt19937 rng(7);
  simdjson::dom::parser parser;
  size_t lifted = 0, parsed = 0;
  std::string value, rest;
  for (int round = 0; round < 30000; ++round) {
    std::string json = rng() % 8 == 0 ? " {" : "{";
    const size_t members = rng() % 4;
    size_t body_strings = 0;
    bool plain_names = true;  // no member name written with an escape
    for (size_t m = 0; m < members; ++m) {
      if (m > 0) json += kGlue[rng() % std::size(kGlue)];
      const size_t name = rng() % 8 < 4 ? 0 : rng() % std::size(kNames);
      const size_t v = rng() % std::size(kValues);
      json += kNames[name];
      json += rng() % 16 == 0 ? " " : ":";
      json += kValues[v];
      body_strings += name == 0 && kValues[v][0] == '"';
      plain_names = plain_names && kNames[name].find('\\') == std::string_view::npos;
    }
    json += rng() % 16 == 0 ? "" : "}";
    if (rng() % 16 == 0) json += " x";

    simdjson::dom::element root;
    const bool whole_parses = parser.parse(json).get(root) == simdjson::SUCCESS;
    size_t bodies = 0;
    simdjson::dom::object top;
    if (whole_parses && root.get_object().get(top) == simdjson::SUCCESS) {
      for (auto kv : top) bodies += kv.key == "body";
    }
    const bool is_lifted = LiftTopLevelString(json, "body", 0, &value, &rest);
    if (whole_parses) {
      ++parsed;
      const bool expected = bodies == 1 && body_strings == 1 && plain_names;
      EXPECT_EQ(is_lifted, expected) << json;
    }
    if (!is_lifted) continue;
    const std::string lifted_value = value;
    if (parser.parse(rest).get(root) != simdjson::SUCCESS) continue;
    ++lifted;
    ASSERT_TRUE(whole_parses) << json;
    std::string_view body;
    ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS);
    ASSERT_EQ(root["body"].get_string().get(body), simdjson::SUCCESS) << json;
    EXPECT_EQ(body, lifted_value) << json;
  }
  EXPECT_GT(lifted, 500u);
  EXPECT_GT(parsed, 3000u);
}

}  // namespace
}  // namespace fnguard::event
