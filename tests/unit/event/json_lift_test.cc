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

// What LiftEventStrings() hands back, with each value as a string.
struct Lifted {
  std::vector<LiftedString> items;
  std::vector<std::string> values;
  std::string rest;
};

Lifted Lift(std::string_view json, size_t min_bytes) {
  Lifted out;
  std::string buffer;
  const size_t n = LiftEventStrings(json, min_bytes, &buffer, &out.items, &out.rest);
  EXPECT_EQ(n, out.items.size());
  for (const LiftedString& l : out.items)
    out.values.emplace_back(buffer.substr(l.offset, l.length));
  return out;
}

TEST(LiftEventStringsTest, LiftsTheTopLevelBody) {
  const std::string json =
      R"( {"version":"2.0","headers":{"body":"not this"},"list":[1,{"a":"]}"}],)"
      R"("n":-1.5e3,"t":true,"z":null,"body" : "{\"q\":\"1' OR 1=1\"}","x":"y"} )";
  Lifted l = Lift(json, 0);
  ASSERT_EQ(l.values, std::vector<std::string>{R"({"q":"1' OR 1=1"})"});
  EXPECT_EQ(l.items[0].record, LiftedString::kTopLevel);
  EXPECT_EQ(json.substr(l.items[0].quote_at, 3), R"("{\)");
  EXPECT_EQ(l.rest, R"( {"version":"2.0","headers":{"body":"not this"},"list":[1,{"a":"]}"}],)"
                    R"("n":-1.5e3,"t":true,"z":null,"body" : "","x":"y"} )");
  // At least min_bytes as written (escapes counted as written).
  l = Lift(R"({"body":"ab\"c"})", 5);
  EXPECT_EQ(l.values, std::vector<std::string>{"ab\"c"});
  EXPECT_TRUE(Lift(R"({"body":"ab\"c"})", 6).values.empty());
  l = Lift(R"({"body":""})", 0);
  EXPECT_EQ(l.values, std::vector<std::string>{""});
  EXPECT_EQ(l.rest, R"({"body":""})");
}

// SQS record bodies and SNS messages in a top-level "Records" array, each
// lifted when long enough; the record's index says where each came from.
TEST(LiftEventStringsTest, LiftsRecordBodiesAndMessages) {
  const std::string json =
      R"({"Records":[{"messageId":"1","body":"{\"a\":\"x\\\"y\"}","attributes":{"body":"no"}},)"
      R"( 7, {"body":"short"},)"
      R"({"EventSource":"aws:sns","Sns":{"Subject":"s","Message":"<b>\u00e9</b>"}},)"
      R"({"Sns":{"Message":{"not":"a string"}},"body":null}],"body":"top level"})";
  Lifted l = Lift(json, 6);
  ASSERT_EQ(l.values.size(), 3u);
  EXPECT_EQ(l.values[0], R"({"a":"x\"y"})");
  EXPECT_EQ(l.items[0].record, 0u);
  EXPECT_FALSE(l.items[0].sns_message);
  EXPECT_EQ(l.values[1], "<b>\xC3\xA9</b>");
  EXPECT_EQ(l.items[1].record, 3u);
  EXPECT_TRUE(l.items[1].sns_message);
  EXPECT_EQ(l.values[2], "top level");
  EXPECT_EQ(l.items[2].record, LiftedString::kTopLevel);
  EXPECT_EQ(l.rest, R"({"Records":[{"messageId":"1","body":"","attributes":{"body":"no"}},)"
                    R"( 7, {"body":"short"},)"
                    R"({"EventSource":"aws:sns","Sns":{"Subject":"s","Message":""}},)"
                    R"({"Sns":{"Message":{"not":"a string"}},"body":null}],"body":""})");
}

TEST(LiftEventStringsTest, WhatItLeavesToTheParser) {
  for (std::string_view json : {
           R"({"body":"a","body":"b"})",  // twice: the parser decides which
           R"({"bo\u0064y":"a"})",        // a name with an escape
           R"({"body":"a","x\"":1})",     // any name with an escape
           R"({"Records":[],"Records":[{"body":"a"}]})",
           R"({"Records":[{"body":"a","body":"b"}]})",
           R"({"Records":[{"b\u006fdy":"a"}]})",
           R"({"Records":[{"Sns":{"Message":"a","Message":"b"}}]})",
           R"({"Records":[{"Sns":{"Message":"a"},"Sns":{}}]})",
           R"({"Records":[{"body":"a"} {"body":"b"}]})",  // no comma
           R"({"body":null})",                            // not a string
           R"({"body":{"a":"b"}})",                       // not a string
           R"({"a":"\"body\":\"x\""})",                   // only inside another string
           R"({"a":{"body":"x"}})",                       // not at the top level
           R"({"a":{"Records":[{"body":"x"}]}})",
           R"({"records":[{"body":"x"}]})",  // another array
           R"(["body","x"])",                // not an object
           R"({"body":"a"} trailing)",       // more after the object
           R"({"body":"a")",                 // cut short
           R"({"Records":[{"body":"a"})",
           R"({"body":"a\u12"})",                 // a bad escape
           R"({"Records":[{"body":"\ud800"}]})",  // a lone surrogate
           "{\"body\":\"\xC3\"}",                 // not UTF-8
           R"({})",
           R"()",
       }) {
    const Lifted l = Lift(json, 0);
    EXPECT_TRUE(l.items.empty()) << json;
  }
}

// Random events, mostly well-formed: when strings are lifted and the rest
// parses, the whole document parses too, with the same strings where they
// were lifted from; and a document that parses with payload members given
// once each, under names written plainly, has each of its strings lifted.
TEST(LiftEventStringsTest, TheRestParsesOnlyWhenTheDocumentDoes) {
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
  // An object of up to `most` members named from `names` (the first one
  // half the time); `plain` stays true while no name has an escape.
  const auto object = [&](const std::vector<std::string_view>& names, size_t most, bool* plain) {
    std::string json = rng() % 8 == 0 ? " {" : "{";
    const size_t members = rng() % (most + 1);
    for (size_t m = 0; m < members; ++m) {
      if (m > 0) json += kGlue[rng() % std::size(kGlue)];
      const size_t name = rng() % 8 < 4 ? 0 : rng() % names.size();
      const size_t v = rng() % std::size(kValues);
      json += names[name];
      json += rng() % 16 == 0 ? " " : ":";
      json += kValues[v];
      *plain = *plain && names[name].find('\\') == std::string_view::npos;
    }
    json += rng() % 16 == 0 ? "" : "}";
    return json;
  };
  simdjson::dom::parser parser;
  size_t lifted = 0, parsed = 0, from_records = 0;
  for (int round = 0; round < 30000; ++round) {
    bool plain = true;
    std::string json;
    if (rng() % 2 == 0) {
      json = object({std::begin(kNames), std::end(kNames)}, 3, &plain);
    } else {
      // {"Records":[record, ...]} with records of "body" and "Sns"
      // {"Message"} members, and maybe a top-level "body".
      json = "{\"Records\":[";
      const size_t records = rng() % 4;
      for (size_t r = 0; r < records; ++r) {
        if (r > 0) json += rng() % 16 == 0 ? "" : ",";
        if (rng() % 3 == 0) {
          json +=
              "{\"Sns\":" + object({"\"Message\"", "\"Subject\"", "\"Mess\\u0061ge\""}, 2, &plain);
          json += rng() % 16 == 0 ? "" : "}";
        } else {
          json += rng() % 8 == 0 ? "7" : object({std::begin(kNames), std::end(kNames)}, 2, &plain);
        }
      }
      json += rng() % 16 == 0 ? "" : "]";
      if (rng() % 2 == 0) {
        json += ",\"body\":";
        json += kValues[rng() % std::size(kValues)];
      }
      json += "}";
    }
    if (rng() % 16 == 0) json += " x";

    simdjson::dom::element root;
    const bool whole_parses = parser.parse(json).get(root) == simdjson::SUCCESS;
    const Lifted l = Lift(json, 0);
    if (whole_parses) {
      ++parsed;
      // With every payload member given once under a plain name, each of
      // them that is a string is lifted.
      size_t expected = 0;
      bool once = true;
      const auto count = [&](simdjson::dom::object o, std::string_view key, const auto& each) {
        size_t n = 0;
        for (auto kv : o) {
          if (kv.key != key) continue;
          ++n;
          each(kv.value);
        }
        once = once && n <= 1;
      };
      const auto payload = [&](simdjson::dom::element e) { expected += e.is_string(); };
      simdjson::dom::object top;
      if (root.get_object().get(top) == simdjson::SUCCESS) {
        count(top, "body", payload);
        count(top, "Records", [&](simdjson::dom::element records) {
          simdjson::dom::array list;
          if (records.get_array().get(list) != simdjson::SUCCESS) return;
          for (simdjson::dom::element r : list) {
            simdjson::dom::object record;
            if (r.get_object().get(record) != simdjson::SUCCESS) continue;
            count(record, "body", payload);
            count(record, "Sns", [&](simdjson::dom::element sns) {
              simdjson::dom::object o;
              if (sns.get_object().get(o) == simdjson::SUCCESS) count(o, "Message", payload);
            });
          }
        });
      }
      if (plain && once) {
        EXPECT_EQ(l.items.size(), expected) << json;
      }
    }
    if (l.items.empty()) continue;
    if (parser.parse(l.rest).get(root) != simdjson::SUCCESS) continue;
    ++lifted;
    ASSERT_TRUE(whole_parses) << json;
    ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS);
    for (size_t k = 0; k < l.items.size(); ++k) {
      const LiftedString& item = l.items[k];
      simdjson::dom::element e;
      if (item.record == LiftedString::kTopLevel) {
        ASSERT_EQ(root["body"].get(e), simdjson::SUCCESS) << json;
      } else {
        from_records += 1;
        simdjson::dom::element record;
        ASSERT_EQ(root["Records"].at(item.record).get(record), simdjson::SUCCESS) << json;
        ASSERT_EQ((item.sns_message ? record["Sns"]["Message"] : record["body"]).get(e),
                  simdjson::SUCCESS)
            << json;
      }
      std::string_view s;
      ASSERT_EQ(e.get_string().get(s), simdjson::SUCCESS) << json;
      EXPECT_EQ(s, l.values[k]) << json;
    }
  }
  EXPECT_GT(lifted, 1000u);
  EXPECT_GT(from_records, 200u);
  EXPECT_GT(parsed, 5000u);
}

}  // namespace
}  // namespace fnguard::event
