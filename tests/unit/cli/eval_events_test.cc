#include "wrappers/cli/eval_events.h"

#include <simdjson.h>

#include <gtest/gtest.h>

namespace fnguard::cli {
namespace {

simdjson::dom::element Parse(simdjson::dom::parser& p, const std::string& s) {
  simdjson::dom::element el;
  EXPECT_EQ(p.parse(s).get(el), simdjson::SUCCESS) << s;
  return el;
}

TEST(UrlEncodeTest, EncodesEverythingButUnreserved) {
  EXPECT_EQ(UrlEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(UrlEncode("1' or '1'='1"), "1%27%20or%20%271%27%3D%271");
  EXPECT_EQ(UrlEncode(std::string("\0\xff", 2)), "%00%FF");
}

TEST(BuildEmbeddedEventTest, QueryEmbedding) {
  simdjson::dom::parser p;
  std::string ev = BuildEmbeddedEvent(Embed::kQuery, "<b>&\"x\"");
  auto el = Parse(p, ev);
  EXPECT_EQ(std::string_view(el["version"]), "2.0");
  EXPECT_EQ(std::string_view(el["rawQueryString"]), "q=%3Cb%3E%26%22x%22");
  EXPECT_EQ(std::string_view(el["queryStringParameters"]["q"]), "<b>&\"x\"");
}

TEST(BuildEmbeddedEventTest, JsonBodyAndHeaderEmbedding) {
  simdjson::dom::parser p;
  auto el = Parse(p, BuildEmbeddedEvent(Embed::kJsonBody, "a\"b"));
  EXPECT_EQ(std::string_view(el["body"]), R"({"q":"a\"b"})");
  EXPECT_EQ(std::string_view(el["headers"]["content-type"]), "application/json");
  simdjson::dom::parser p2;
  auto h = Parse(p2, BuildEmbeddedEvent(Embed::kHeader, "x${y}"));
  EXPECT_EQ(std::string_view(h["headers"]["x-input"]), "x${y}");
}

TEST(JsonUnicodeEscapedTest, EscapesEveryCharacter) {
  EXPECT_EQ(JsonUnicodeEscaped("a' <"), R"("\u0061\u0027\u0020\u003c")");
  EXPECT_EQ(JsonUnicodeEscaped(""), R"("")");
  // U+00E9, U+20AC, U+1F600 (a surrogate pair).
  EXPECT_EQ(JsonUnicodeEscaped("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
            R"("\u00e9\u20ac\ud83d\ude00")");
  // Invalid UTF-8: a lone continuation byte, an overlong '/', a truncated sequence.
  EXPECT_EQ(JsonUnicodeEscaped("\x80"), R"("\ufffd")");
  EXPECT_EQ(JsonUnicodeEscaped("\xc0\xaf"), R"("\ufffd\ufffd")");
  EXPECT_EQ(JsonUnicodeEscaped("x\xe2\x82"), R"("\u0078\ufffd\ufffd")");
}

TEST(BuildEmbeddedEventTest, EscapedJsonBodyDecodesToThePayload) {
  const std::string payload = "1' UNION SELECT \"x\" -- \xc3\xa9\\";
  simdjson::dom::parser p;
  auto el = Parse(p, BuildEmbeddedEvent(Embed::kJsonBodyEscaped, payload));
  const std::string body{std::string_view(el["body"])};
  EXPECT_EQ(body.find("UNION"), std::string::npos) << body;
  EXPECT_EQ(body.rfind(R"({"q":"\u0031\u0027)", 0), 0u) << body;
  EXPECT_EQ(std::string_view(el["headers"]["content-type"]), "application/json");
  EXPECT_EQ(std::string_view(el["requestContext"]["http"]["method"]), "POST");
  simdjson::dom::parser p2;
  auto decoded = Parse(p2, body);
  EXPECT_EQ(std::string_view(decoded["q"]), payload);
}

TEST(BuildRequestEventTest, SplitsUriQueryAndCookies) {
  RequestLine r;
  r.method = "POST";
  r.uri = "http://localhost:8080/tienda1/publico/anadir.jsp?id=3&nombre=Vino+Rioja&x=%27";
  r.headers = {{"Cookie", "JSESSIONID=ABC; lang=es"}, {"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "a=1&b=2";
  simdjson::dom::parser p;
  auto el = Parse(p, BuildRequestEvent(r));
  EXPECT_EQ(std::string_view(el["rawPath"]), "/tienda1/publico/anadir.jsp");
  EXPECT_EQ(std::string_view(el["rawQueryString"]), "id=3&nombre=Vino+Rioja&x=%27");
  EXPECT_EQ(std::string_view(el["queryStringParameters"]["nombre"]), "Vino Rioja");
  EXPECT_EQ(std::string_view(el["queryStringParameters"]["x"]), "'");
  EXPECT_EQ(std::string_view(el["cookies"].at(1)), "lang=es");
  EXPECT_EQ(std::string_view(el["headers"]["content-type"]), "application/x-www-form-urlencoded");
  EXPECT_EQ(std::string_view(el["requestContext"]["http"]["method"]), "POST");
  EXPECT_EQ(std::string_view(el["body"]), "a=1&b=2");
}

}  // namespace
}  // namespace fnguard::cli
