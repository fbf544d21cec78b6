#include "runtime/core/json.h"

#include <simdjson.h>

#include <gtest/gtest.h>

namespace fnguard::json {
namespace {

TEST(JsonTest, EscapesSpecialAndControlCharacters) {
  EXPECT_EQ(Quote("a\"b\\c\n\t\x01"), R"("a\"b\\c\n\t\u0001")");
}

TEST(JsonTest, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(Quote("ok\xff\xc0\xae"), R"("ok\ufffd\ufffd\ufffd")");
  EXPECT_EQ(Quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(JsonTest, WriterProducesValidJson) {
  Writer w;
  w.BeginObject().Field("a", 1).Key("b").BeginArray().String("x").Int(-2).Bool(true).Null().EndArray();
  w.Key("c").BeginObject().Field("d", "e\xff").EndObject().Key("f").Double(0.5).EndObject();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",-2,true,null],"c":{"d":"e\ufffd"},"f":0.5})");
  simdjson::dom::parser p;
  simdjson::dom::element el;
  EXPECT_EQ(p.parse(w.str()).get(el), simdjson::SUCCESS);
}

TEST(JsonTest, NonFiniteDoublesAreNull) {
  Writer w;
  w.BeginArray().Double(1.0 / 0.0).EndArray();
  EXPECT_EQ(w.str(), "[null]");
}

}  // namespace
}  // namespace fnguard::json
