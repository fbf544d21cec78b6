#include "runtime/event/relaxed_json.h"

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace fnguard::event {
namespace {

std::optional<std::string> Strict(std::string_view in) {
  std::string out;
  if (!RelaxedJsonToStrict(in, &out)) return std::nullopt;
  return out;
}

// Whether `text` is strict JSON, as the decoder's parser reads it.
bool ParsesAsJson(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  return parser.parse(text.data(), text.size()).get(root) == simdjson::SUCCESS;
}

TEST(RelaxedJsonTest, StrictJsonIsLeftAsItIs) {
  for (std::string_view doc : {
           R"({"a":[1,2.5e3,-0,true,false,null],"b":{"c":"x\"y\\z\u0041\n"}})",
           " [ ] ", R"("a // not a comment /* nor this */ # nor this")", "{}", "[\"',\"]",
           "{\"é\":\"日本\"}"}) {
    EXPECT_EQ(Strict(doc), std::string(doc)) << doc;
  }
}

TEST(RelaxedJsonTest, LenientSpellingsBecomeStrict) {
  const struct {
    std::string_view in, out;
  } kCases[] = {
      // Comments of either kind, and Gson's '#'.
      {"{/* c */\"a\": 1 // end\n}", "{ \"a\": 1  \n}"},
      {"# note\n[1]", " \n[1]"},
      // Trailing commas, across whitespace and comments.
      {"[1,2,]", "[1,2]"},
      {"{\"a\":1, /* x */ }", "{\"a\":1   }"},
      {"[1,,2]", "[1,,2]"},  // an elision stays an error
      // Single quotes, with the quotes of either kind inside.
      {R"({'a': 'it\'s "x"'})", R"({"a": "it's \"x\""})"},
      // Bare names and values.
      {"{a: 1, $b_2: NaN, c: -Infinity}", R"({"a": 1, "$b_2": "NaN", "c": "-Infinity"})"},
      // Numbers strict JSON spells stay; JSON5's others become strings.
      {"[0x1F, +1, .5, 5., -0.25e-3, 1E+2]", R"(["0x1F", "+1", ".5", "5.", -0.25e-3, 1E+2])"},
      {"[true,false,null]", "[true,false,null]"},
      // JSON5 escapes and line continuations.
      {R"(["\x3cscript\x3e", "a\v\0b"])", R"(["\u003cscript\u003e", "a\u000b\u0000b"])"},
      {"[\"one \\\ntwo \\\r\nthree\"]", "[\"one two three\"]"},
      {"[\"\\01\"]", "[\"\\01\"]"},  // not JSON5's \0: left for the parser to reject
      // A byte order mark.
      {"\xEF\xBB\xBF{\"a\":1}", "{\"a\":1}"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(Strict(c.in), std::string(c.out)) << c.in;
  }
}

TEST(RelaxedJsonTest, DocumentsOfTheLenientParsersParse) {
  for (std::string_view doc : {
           // Newtonsoft.Json's defaults.
           "{name: 'Siobhán', tags: ['a', 'b',], /* total */ n: 2}",
           // JSON5's own example.
           "{\n  // comments\n  unquoted: 'and you can quote me on that',\n"
           "  singleQuotes: 'I can use \"double quotes\" here',\n"
           "  lineBreaks: \"Look, Mom! \\\nNo \\\\n's!\",\n  hexEscape: '\\x41',\n}\n",
           // Gson, lenient.
           "{q: <script>, # why not\n r: 1}",
       }) {
    const std::optional<std::string> strict = Strict(doc);
    ASSERT_TRUE(strict.has_value()) << doc;
    EXPECT_EQ(ParsesAsJson(*strict), doc.find('<') == std::string_view::npos) << *strict;
  }
}

TEST(RelaxedJsonTest, UnclosedStringsAndCommentsFail) {
  for (std::string_view doc : {"{\"a", "{'a", "[1 /* no end", "[\"a\\", "['a\\"}) {
    EXPECT_FALSE(Strict(doc).has_value()) << doc;
  }
  // An unclosed line comment simply ends the document.
  EXPECT_EQ(Strict("[1] // end"), std::string("[1]  "));
}

TEST(RelaxedJsonTest, OutputStaysWithinItsBound) {
  for (std::string_view doc : {"'\"\"\"\"'", "[a,b,c,d]", "'\\0\\0\\0'", "'\\v'", "x"}) {
    const std::optional<std::string> strict = Strict(doc);
    ASSERT_TRUE(strict.has_value()) << doc;
    EXPECT_LE(strict->size(), RelaxedJsonMaxOutput(doc.size())) << doc;
  }
}

}  // namespace
}  // namespace fnguard::event
