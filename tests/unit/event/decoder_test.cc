#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/event/event.h"
#include "runtime/event/json_lift.h"
#include "runtime/event/text_codecs.h"
#include "runtime/report/gzip.h"
#include "tests/support/brotli_compress.h"
#include "tests/support/read_file.h"
#include "tests/support/zstd_compress.h"
#include "zlib.h"

namespace fnguard::event {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

using test_support::ReadFile;

std::string DataFile(std::string_view name) {
  return ReadFile(std::filesystem::path(FNGUARD_SOURCE_DIR) / "tests/data/events" /
                  std::string(name));
}

// All values emitted at `path` (value fields only, in order).
std::vector<std::string> Values(const DecodedEvent& ev, std::string_view path) {
  std::vector<std::string> out;
  for (const Field& f : ev.fields) {
    if (f.path == path && !f.is_key) out.emplace_back(f.value);
  }
  return out;
}

const Field* FindField(const DecodedEvent& ev, std::string_view path, bool is_key = false) {
  for (const Field& f : ev.fields) {
    if (f.path == path && f.is_key == is_key) return &f;
  }
  return nullptr;
}

bool AnyPathStartsWith(const DecodedEvent& ev, std::string_view prefix) {
  return std::any_of(ev.fields.begin(), ev.fields.end(),
                     [&](const Field& f) { return f.path.rfind(prefix, 0) == 0; });
}

std::vector<std::string> LimitNames(const DecodedEvent& ev) {
  std::vector<std::string> out;
  for (const LimitFinding& f : ev.limit_findings) out.push_back(f.limit);
  return out;
}

// An HTTP API v2 POST event. `escaped_body` goes inside a JSON string as is.
std::string V2Post(std::string_view content_type, std::string_view escaped_body,
                   std::string_view raw_query = "") {
  std::string json = R"({"version":"2.0","rawPath":"/x","rawQueryString":")";
  json.append(raw_query);
  json.append(R"(","headers":{"content-type":")");
  json.append(content_type);
  json.append(R"("},"requestContext":{"http":{"method":"POST"}},"body":")");
  json.append(escaped_body);
  json.append(R"("})");
  return json;
}

// A REST API v1 POST event with a base64-flagged body.
std::string V1Base64Post(std::string_view escaped_body) {
  std::string json =
      R"({"httpMethod":"POST","path":"/","resource":"/","headers":{},"isBase64Encoded":true,)";
  json.append(R"("body":")");
  json.append(escaped_body);
  json.append(R"("})");
  return json;
}

class DecoderTest : public ::testing::Test {
 protected:
  DecodedEvent DecodeOk(std::string_view json, Decoder* decoder = nullptr) {
    DecodedEvent ev;
    absl::Status st = (decoder ? decoder : &decoder_)->Decode(json, &ev);
    EXPECT_TRUE(st.ok()) << st;
    return ev;
  }

  Decoder decoder_;
  std::string text_;  // keeps the decoded event alive for the test body
};

// --- the real AWS samples ---------------------------------------------------

TEST_F(DecoderTest, EveryCorpusSampleDecodesWithTheRightKind) {
  std::filesystem::path dir = std::filesystem::path(FNGUARD_SOURCE_DIR) / "../shared/corpus/events";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no corpus at " << dir;

  const std::map<std::string, Kind> expected = {
      {"awslambdago__apigw-request.json", Kind::kApiGatewayV1},
      {"awslambdago__apigw-restapi-openapi-request.json", Kind::kApiGatewayV1},
      {"awslambdago__apigw-custom-auth-request-type-request.json", Kind::kApiGatewayV1},
      {"powertools__apiGatewayProxyEvent.json", Kind::kApiGatewayV1},
      {"powertools__apiGatewayProxyOtherEvent.json", Kind::kApiGatewayV1},
      {"awslambdago__apigw-v2-request-no-authorizer.json", Kind::kApiGatewayV2},
      {"awslambdago__apigw-v2-request-iam.json", Kind::kApiGatewayV2},
      {"awslambdago__apigw-v2-request-jwt-authorizer.json", Kind::kApiGatewayV2},
      {"awslambdago__apigw-v2-custom-authorizer-v2-request.json", Kind::kApiGatewayV2},
      {"powertools__apiGatewayProxyV2Event.json", Kind::kApiGatewayV2},
      {"awslambdago__function-url-domain-only-get-request.json", Kind::kFunctionUrl},
      {"awslambdago__function-url-request-with-headers-and-cookies-and-text-body.json",
       Kind::kFunctionUrl},
      {"awslambdago__lambda-urls-request.json", Kind::kFunctionUrl},
      {"powertools__lambdaFunctionUrlEvent.json", Kind::kFunctionUrl},
      {"powertools__lambdaFunctionUrlIAMEvent.json", Kind::kFunctionUrl},
      {"awslambdago__alb-lambda-target-request-headers-only.json", Kind::kAlb},
      {"awslambdago__alb-lambda-target-request-multivalue-headers.json", Kind::kAlb},
      {"powertools__albEvent.json", Kind::kAlb},
      {"powertools__albMultiValueQueryStringEvent.json", Kind::kAlb},
      {"awslambdago__apigw-websocket-request.json", Kind::kWebSocket},
      {"awslambdago__apigw-websocket-request-send-message.json", Kind::kWebSocket},
      {"awslambdago__sqs-event.json", Kind::kSqs},
      {"powertools__sqsEvent.json", Kind::kSqs},
      {"powertools__snsSqsEvent.json", Kind::kSqs},
      {"awslambdago__sns-event.json", Kind::kSns},
      {"powertools__snsEvent.json", Kind::kSns},
      {"powertools__eventBridgeEvent.json", Kind::kEventBridge},
      {"awslambdago__codebuild-state-change.json", Kind::kEventBridge},
      {"awslambdago__kinesis-event.json", Kind::kKinesis},
      {"powertools__kinesisStreamEvent.json", Kind::kKinesis},
      {"awslambdago__kinesis-firehose-event.json", Kind::kKinesis},
      {"awslambdago__s3-event.json", Kind::kS3},
      {"powertools__s3EventDecodedKey.json", Kind::kS3},
      {"awslambdago__kafka-event.json", Kind::kKafka},
      {"powertools__kafkaEventSelfManaged.json", Kind::kKafka},
      {"awslambdago__cloudwatch-logs-event.json", Kind::kCloudWatchLogs},
      {"powertools__cloudWatchLogEventWithPolicyLevel.json", Kind::kCloudWatchLogs},
      {"awslambdago__dynamodb-event.json", Kind::kGeneric},
      {"powertools__cognitoPreSignUpEvent.json", Kind::kGeneric},
      {"powertools__vpcLatticeV2Event.json", Kind::kGeneric},
      {"awslambdago__apigw-custom-auth-request.json", Kind::kGeneric},
  };
  const std::set<std::string> flagged_but_not_base64 = {
      "powertools__apiGatewayProxyEventAnotherPath.json",
      "powertools__apiGatewayProxyEventPathTrailingSlash.json",
      "powertools__apiGatewayProxyEvent_noVersionAuth.json",
  };
  size_t decoded = 0;
  size_t checked_kinds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::string name = entry.path().filename().string();
    std::string json = ReadFile(entry.path());
    DecodedEvent ev;
    absl::Status st = decoder_.Decode(json, &ev);
    ASSERT_TRUE(st.ok()) << name << ": " << st;
    if (flagged_but_not_base64.count(name)) {
      // These samples set isBase64Encoded with a plain-text body.
      EXPECT_THAT(LimitNames(ev), ElementsAre("body_encoding")) << name;
      EXPECT_THAT(Values(ev, "body"), ElementsAre("Hello from Lambda!")) << name;
    } else {
      EXPECT_THAT(ev.limit_findings, IsEmpty()) << name;
    }
    ++decoded;
    auto it = expected.find(name);
    if (it != expected.end()) {
      EXPECT_EQ(KindName(ev.kind), KindName(it->second)) << name;
      ++checked_kinds;
    }
    if (IsHttpKind(ev.kind)) {
      EXPECT_FALSE(AnyPathStartsWith(ev, "requestContext")) << name;
      EXPECT_FALSE(AnyPathStartsWith(ev, "stageVariables")) << name;
      EXPECT_FALSE(ev.method.empty()) << name;
    }
  }
  EXPECT_GE(decoded, 150u);
  EXPECT_EQ(checked_kinds, expected.size());
}

// Events of 16 KiB and more have their payload strings of 8 KiB and more
// (the top-level body, SQS record bodies, SNS messages) lifted out before
// the parse (runtime/event/json_lift.h). Each sample is decoded padded past
// those sizes with whitespace (after the event; at the end of each such
// string) twice: as it is, which lifts the strings, and with their member
// names written with an escape (`"bo\u0064y"`, `"Mess\u0061ge"`), which the
// parser reads as the same names and the lifting leaves to it. Both decode
// to the same fields. Samples without such strings decode padded as they do
// whole.
TEST_F(DecoderTest, CorpusSamplesDecodeAlikeWithTheirPayloadsLiftedOrNot) {
  std::filesystem::path dir = std::filesystem::path(FNGUARD_SOURCE_DIR) / "../shared/corpus/events";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no corpus at " << dir;
  const auto fields = [](const DecodedEvent& ev) {
    std::vector<std::string> out;
    for (const Field& f : ev.fields) {
      out.push_back(std::string(f.path) + (f.is_key ? " (key) " : " = ") + std::string(f.value));
    }
    for (const LimitFinding& f : ev.limit_findings) out.push_back("limit " + f.limit);
    out.push_back(std::string(KindName(ev.kind)));
    return out;
  };
  const auto lift = [](std::string_view json, size_t min_bytes) {
    std::string buffer, rest;
    std::vector<LiftedString> items;
    LiftEventStrings(json, min_bytes, &buffer, &items, &rest);
    return items;
  };
  const std::string pad(16 * 1024, ' ');
  Decoder lifting, whole;
  size_t lifted = 0, compared = 0, from_records = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().filename().string();
    const std::string json = ReadFile(entry.path());
    DecodedEvent want, got;
    if (!whole.Decode(json, &want).ok()) continue;
    const std::vector<LiftedString> items = lift(json, 0);
    if (items.empty()) {
      ASSERT_TRUE(lifting.Decode(json + pad, &got).ok()) << name;
      EXPECT_EQ(fields(got), fields(want)) << name;
      ++compared;
      continue;
    }
    // Each lifted string padded at its end; in `b` its member's name escaped.
    std::string a, b;
    size_t from = 0;
    for (const LiftedString& l : items) {
      const size_t close = l.quote_at + 1 + l.written;
      std::string before = json.substr(from, close - from);
      a += before;
      const std::string_view member = l.sns_message ? R"("Message")" : R"("body")";
      const size_t name_at = before.rfind(member);
      ASSERT_NE(name_at, std::string::npos) << name;
      before.replace(name_at, member.size(),
                     l.sns_message ? R"("Mess\u0061ge")" : R"("bo\u0064y")");
      b += before;
      a += pad.substr(0, 8192);
      b += pad.substr(0, 8192);
      from = close;
      from_records += l.record != LiftedString::kTopLevel;
    }
    a += json.substr(from) + pad;
    b += json.substr(from) + pad;
    ASSERT_EQ(lift(a, 8192).size(), items.size()) << name;
    ASSERT_TRUE(lift(b, 0).empty()) << name;
    ASSERT_TRUE(whole.Decode(b, &want).ok()) << name;
    ASSERT_TRUE(lifting.Decode(a, &got).ok()) << name;
    EXPECT_EQ(got.lifted_strings, items.size()) << name;
    EXPECT_EQ(want.lifted_strings, 0u) << name;
    EXPECT_EQ(fields(got), fields(want)) << name;
    ++lifted;
  }
  EXPECT_GE(compared + lifted, 190u);
  EXPECT_GE(lifted, 35u);       // samples with a top-level string body, SQS and SNS
  EXPECT_GE(from_records, 5u);  // SQS bodies and SNS messages among them
}

// A large event whose body is not valid string content is rejected as
// before, and a large event of no known shape still has its body inspected.
TEST_F(DecoderTest, LargeEventsWithALiftedBody) {
  // `text` written inside a JSON string.
  const auto escaped = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out;
  };
  // Bodies of 12 KiB and more in events of 16 KiB and more are lifted.
  const std::string filler(12 * 1024, 'x');
  text_ = V2Post(
      "application/json",
      escaped(R"({"q":"caf\u00e9 \ud83d\ude00 \"quoted\" \\ back","pad":")" + filler + R"("})"),
      "f=" + filler);
  {
    std::string buffer, rest;
    std::vector<LiftedString> items;
    ASSERT_EQ(LiftEventStrings(text_, 8192, &buffer, &items, &rest), 1u);
  }
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.lifted_strings, 1u);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("caf\xC3\xA9 \xF0\x9F\x98\x80 \"quoted\" \\ back"));
  EXPECT_TRUE(Values(ev, "body.pad") == std::vector<std::string>{filler});
  EXPECT_TRUE(Values(ev, "query.f") == std::vector<std::string>{filler});

  DecodedEvent bad;
  for (std::string_view body : {"a \x01 control", R"(\q)"}) {
    text_ = V2Post("text/plain", filler + std::string(body), "f=" + filler);
    EXPECT_FALSE(decoder_.Decode(text_, &bad).ok()) << body;
  }
  // A lone surrogate is read as U+FFFD, lifted or not.
  text_ = V2Post("text/plain", filler + R"(lone \ud800 surrogate)", "f=" + filler);
  ev = DecodeOk(text_);
  EXPECT_TRUE(Values(ev, "body") ==
              std::vector<std::string>{filler + "lone \xEF\xBF\xBD surrogate"});

  text_ = R"({"note":"a note","body":"<script>alert(1)<\/script>)" + filler + R"("})";
  ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kGeneric);
  ASSERT_EQ(Values(ev, "body").size(), 1u);
  EXPECT_TRUE(Values(ev, "body")[0] == "<script>alert(1)</script>" + filler);
  EXPECT_THAT(Values(ev, "note"), ElementsAre("a note"));
}

// A batch of large SQS bodies and SNS messages, lifted out record by
// record: each is read at its own record's path, small ones are left to the
// parser, and a record of no known kind still has its body walked.
TEST_F(DecoderTest, LargeRecordBodiesAreLiftedRecordByRecord) {
  // Strings of 8 KiB and more are lifted from events of 16 KiB and more.
  const std::string filler(9 * 1024, 'x');
  const std::string long_filler(17 * 1024, 'y');
  const auto sqs = [&](int i, const std::string& body) {
    return absl::StrCat(R"({"messageId":"m-)", i, R"(","eventSource":"aws:sqs","body":)", body,
                        R"(,"messageAttributes":{}})");
  };
  text_ = absl::StrCat(
      R"({"Records":[)", sqs(0, R"("{\"q\":\"1' OR 1=1\",\"pad\":\")" + filler + R"(\"}")"), ",",
      sqs(1, R"("short \"one\"")"), ",", sqs(2, R"("plain \"text\" )" + filler + R"(")"), "]}");
  {
    std::string buffer, rest;
    std::vector<LiftedString> items;
    ASSERT_EQ(LiftEventStrings(text_, 8192, &buffer, &items, &rest), 2u);
  }
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.lifted_strings, 2u);
  EXPECT_EQ(ev.kind, Kind::kSqs);
  EXPECT_THAT(Values(ev, "records[0].body.q"), ElementsAre("1' OR 1=1"));
  EXPECT_TRUE(Values(ev, "records[0].body.pad") == std::vector<std::string>{filler});
  EXPECT_THAT(Values(ev, "records[1].body"), ElementsAre("short \"one\""));
  EXPECT_TRUE(Values(ev, "records[2].body") ==
              std::vector<std::string>{"plain \"text\" " + filler});

  text_ = absl::StrCat(
      R"({"Records":[{"EventSource":"aws:sns","Sns":{"Subject":"hi","Message":"{\"user\":\"<svg onload=x>\",\"pad\":\")",
      long_filler, R"(\"}"}}]})");
  ev = DecodeOk(text_);
  EXPECT_EQ(ev.lifted_strings, 1u);
  EXPECT_EQ(ev.kind, Kind::kSns);
  EXPECT_THAT(Values(ev, "records[0].message.user"), ElementsAre("<svg onload=x>"));
  EXPECT_THAT(Values(ev, "records[0].subject"), ElementsAre("hi"));

  // Records of no known kind are walked by their JSON paths.
  text_ = absl::StrCat(R"({"Records":[{"kind":"custom","body":"$(id) )", long_filler, R"("}]})");
  ev = DecodeOk(text_);
  EXPECT_EQ(ev.lifted_strings, 1u);
  EXPECT_EQ(ev.kind, Kind::kGeneric);
  ASSERT_EQ(Values(ev, "Records[0].body").size(), 1u);
  EXPECT_TRUE(Values(ev, "Records[0].body")[0] == "$(id) " + long_filler);

  // An invalid record body in a large event is rejected as before.
  DecodedEvent bad;
  text_ = absl::StrCat(R"({"Records":[)", sqs(0, "\"" + filler + R"( \q ")"), "]}");
  EXPECT_FALSE(decoder_.Decode(text_, &bad).ok());
  // A lone surrogate in one is read as U+FFFD.
  text_ = absl::StrCat(R"({"Records":[)", sqs(0, "\"" + filler + R"( \ud800 ")"), "]}");
  ev = DecodeOk(text_);
  EXPECT_TRUE(Values(ev, "records[0].body") ==
              std::vector<std::string>{filler + " \xEF\xBF\xBD "});
}

TEST_F(DecoderTest, CorpusFunctionUrlCookiesComeFromTheArrayOnly) {
  std::filesystem::path file =
      std::filesystem::path(FNGUARD_SOURCE_DIR) / "../shared/corpus/events" /
      "awslambdago__function-url-request-with-headers-and-cookies-and-text-body.json";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "no corpus";
  text_ = ReadFile(file);
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "cookies.foo"), ElementsAre("bar"));
  EXPECT_THAT(Values(ev, "cookies.hello"), ElementsAre("hello"));
  EXPECT_EQ(FindField(ev, "headers.cookie"), nullptr);
  EXPECT_THAT(Values(ev, "body.hello"), ElementsAre("world"));
  EXPECT_EQ(ev.content_type, "application/json");
}

// --- hand-written events of each shape ----------------------------------------

// One Decoder and one DecodedEvent reused across different events (as the
// engine does): every decode yields the same fields as a fresh decoder.
TEST_F(DecoderTest, ReusedOutputMatchesFreshDecodes) {
  const std::string a = DataFile("apigw-v1-get.json");
  const std::string b = DataFile("apigw-v2-post-json.json");
  const auto fields = [](const DecodedEvent& ev) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const Field& f : ev.fields) out.emplace_back(f.path, std::string(f.value));
    return out;
  };
  Decoder fresh_a, fresh_b;
  const auto want_a = fields(DecodeOk(a, &fresh_a));
  const auto want_b = fields(DecodeOk(b, &fresh_b));
  ASSERT_FALSE(want_a.empty());
  ASSERT_FALSE(want_b.empty());
  Decoder reused;
  DecodedEvent ev;
  for (int round = 0; round < 3; ++round) {
    for (const std::string* json : {&a, &b, &b, &a}) {
      ASSERT_TRUE(reused.Decode(*json, &ev).ok());
      EXPECT_EQ(fields(ev), json == &a ? want_a : want_b) << round;
    }
  }
}

TEST_F(DecoderTest, ApiGatewayV1Get) {
  text_ = DataFile("apigw-v1-get.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kApiGatewayV1);
  EXPECT_EQ(KindName(ev.kind), "apigw-v1");
  EXPECT_TRUE(IsHttpKind(ev.kind));
  EXPECT_EQ(ev.method, "GET");
  EXPECT_EQ(ev.content_type, "");
  EXPECT_THAT(Values(ev, "path"), ElementsAre("/orders/42"));
  EXPECT_EQ(FindField(ev, "path")->location, Location::kPath);
  // multiValue maps win; no duplicates from the single-value maps.
  EXPECT_THAT(Values(ev, "query.status"), ElementsAre("open", "closed"));
  EXPECT_THAT(Values(ev, "query.page"), ElementsAre("2"));
  EXPECT_EQ(FindField(ev, "query.page")->location, Location::kQuery);
  EXPECT_THAT(Values(ev, "headers.x-trace"), ElementsAre("a1", "b2"));
  EXPECT_THAT(Values(ev, "headers.user-agent"), ElementsAre("curl/8.5.0"));
  EXPECT_EQ(FindField(ev, "headers.user-agent")->location, Location::kHeader);
  EXPECT_THAT(Values(ev, "cookies.session"), ElementsAre("abc123"));
  EXPECT_THAT(Values(ev, "cookies.theme"), ElementsAre("dark"));
  EXPECT_EQ(FindField(ev, "cookies.theme")->location, Location::kCookie);
  EXPECT_EQ(FindField(ev, "headers.cookie"), nullptr);
  EXPECT_THAT(Values(ev, "params.id"), ElementsAre("42"));
  EXPECT_EQ(FindField(ev, "params.id")->location, Location::kParam);
  EXPECT_FALSE(AnyPathStartsWith(ev, "requestContext"));
  EXPECT_FALSE(AnyPathStartsWith(ev, "stageVariables"));
  EXPECT_FALSE(AnyPathStartsWith(ev, "body"));
  // path, 2 + 1 query, accept + user-agent + 2 x-trace, 2 cookies, 1 param.
  EXPECT_EQ(ev.fields.size(), 11u);
}

TEST_F(DecoderTest, ApiGatewayV2JsonBody) {
  text_ = DataFile("apigw-v2-post-json.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kApiGatewayV2);
  EXPECT_EQ(ev.method, "POST");
  EXPECT_EQ(ev.content_type, "application/json");
  EXPECT_THAT(Values(ev, "path"), ElementsAre("/users"));
  EXPECT_THAT(Values(ev, "query.lang"), ElementsAre("en"));
  EXPECT_THAT(Values(ev, "query.tag"), ElementsAre("a,b"));
  EXPECT_THAT(Values(ev, "cookies.sid"), ElementsAre("s1"));
  EXPECT_THAT(Values(ev, "cookies.pref"), ElementsAre("p2"));
  EXPECT_EQ(FindField(ev, "headers.cookie"), nullptr);
  EXPECT_THAT(Values(ev, "headers.x-request-id"), ElementsAre("r-77"));
  EXPECT_THAT(Values(ev, "body.user.name"), ElementsAre("Ada Lovelace"));
  EXPECT_EQ(FindField(ev, "body.user.name")->location, Location::kBody);
  EXPECT_THAT(Values(ev, "body.user.emails[0]"), ElementsAre("ada@example.com"));
  EXPECT_THAT(Values(ev, "body.user.emails[1]"), ElementsAre("ada@work.example"));
  EXPECT_EQ(FindField(ev, "body.user.age"), nullptr);    // numbers are not fields
  EXPECT_EQ(FindField(ev, "body.user.admin"), nullptr);  // nor booleans
  const Field* where = FindField(ev, "body.$where", /*is_key=*/true);
  ASSERT_NE(where, nullptr);
  EXPECT_EQ(where->value, "$where");
  EXPECT_THAT(Values(ev, "body.$where"), ElementsAre("x"));
  const Field* proto = FindField(ev, "body.__proto__", /*is_key=*/true);
  ASSERT_NE(proto, nullptr);
  EXPECT_EQ(proto->value, "__proto__");
  EXPECT_THAT(Values(ev, "body.__proto__.polluted"), ElementsAre("yes"));
  EXPECT_EQ(FindField(ev, "body.user", /*is_key=*/true), nullptr);  // plain keys are not fields
  EXPECT_FALSE(AnyPathStartsWith(ev, "requestContext"));
}

TEST_F(DecoderTest, AlbQueryValuesAreDecodedOnce) {
  text_ = DataFile("alb-query-encoded.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kAlb);
  EXPECT_EQ(ev.method, "GET");
  EXPECT_THAT(Values(ev, "query.q"), ElementsAre("caf\xC3\xA9 au lait"));
  EXPECT_THAT(Values(ev, "query[\"sort[by]\"]"), ElementsAre("price,asc"));
  EXPECT_EQ(ev.content_type, "text/plain");
  EXPECT_FALSE(AnyPathStartsWith(ev, "body"));
}

TEST_F(DecoderTest, FunctionUrlFormBodyAndRawQuery) {
  text_ = DataFile("function-url-form.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kFunctionUrl);
  EXPECT_EQ(KindName(ev.kind), "function-url");
  EXPECT_EQ(ev.content_type, "application/x-www-form-urlencoded");
  EXPECT_THAT(Values(ev, "query.ref"), ElementsAre("newsletter footer"));
  EXPECT_THAT(Values(ev, "body.email"), ElementsAre("ada@example.com"));
  EXPECT_THAT(Values(ev, "body.name"), ElementsAre("Ada Lovelace"));
  EXPECT_THAT(Values(ev, "body.topics"), ElementsAre("news", "events"));
  EXPECT_EQ(FindField(ev, "body"), nullptr);
}

TEST_F(DecoderTest, SqsJsonAndTextBodies) {
  text_ = DataFile("sqs-json-body.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kSqs);
  EXPECT_FALSE(IsHttpKind(ev.kind));
  EXPECT_EQ(ev.method, "");
  EXPECT_THAT(Values(ev, "records[0].body.order.id"), ElementsAre("o-1"));
  EXPECT_THAT(Values(ev, "records[0].body.order.items[0].sku"), ElementsAre("BOOK-1"));
  EXPECT_EQ(FindField(ev, "records[0].body.order.id")->location, Location::kMessage);
  EXPECT_THAT(Values(ev, "records[1].body"), ElementsAre("plain text message"));
  EXPECT_THAT(Values(ev, "records[0].attributes.tenant"), ElementsAre("acme"));
  EXPECT_EQ(FindField(ev, "records[0].attributes.blob"), nullptr);
  EXPECT_FALSE(AnyPathStartsWith(ev, "Records"));  // AWS-set record metadata is skipped
}

TEST_F(DecoderTest, SnsMessageSubjectAndAttributes) {
  text_ = DataFile("sns.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kSns);
  EXPECT_THAT(Values(ev, "records[0].message.event"), ElementsAre("signup"));
  EXPECT_THAT(Values(ev, "records[0].message.user.email"), ElementsAre("ada@example.com"));
  EXPECT_THAT(Values(ev, "records[0].subject"), ElementsAre("New signup"));
  EXPECT_THAT(Values(ev, "records[0].attributes.origin"), ElementsAre("web"));
  EXPECT_EQ(FindField(ev, "records[0].attributes.raw"), nullptr);
  EXPECT_EQ(ev.fields.size(), 4u);
}

TEST_F(DecoderTest, EventBridgeDetailOnly) {
  text_ = DataFile("eventbridge.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kEventBridge);
  EXPECT_THAT(Values(ev, "detail.invoice.id"), ElementsAre("inv-9"));
  EXPECT_THAT(Values(ev, "detail.invoice.lines[0]"), ElementsAre("setup fee"));
  EXPECT_THAT(Values(ev, "detail.invoice.lines[1]"), ElementsAre("monthly plan"));
  EXPECT_EQ(ev.fields.size(), 3u);
}

TEST_F(DecoderTest, KinesisDataIsBase64Decoded) {
  text_ = DataFile("kinesis.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kKinesis);
  EXPECT_THAT(Values(ev, "records[0].data.click.page"), ElementsAre("/pricing"));
  EXPECT_THAT(Values(ev, "records[0].data.click.ref"), ElementsAre("ad"));
  EXPECT_THAT(Values(ev, "records[1].data"), ElementsAre("plain log line"));
  EXPECT_THAT(ev.limit_findings, IsEmpty());
}

TEST_F(DecoderTest, KafkaValuesKeysAndHeadersAreDecoded) {
  text_ = DataFile("kafka.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kKafka);
  EXPECT_THAT(Values(ev, "records.orders-0[0].value.order"), ElementsAre("A-1001"));
  EXPECT_THAT(Values(ev, "records.orders-0[0].value.note"), ElementsAre("gift wrap"));
  EXPECT_THAT(Values(ev, "records.orders-0[0].key"), ElementsAre("A-1001"));
  EXPECT_THAT(Values(ev, "records.orders-0[0].headers.trace-id"), ElementsAre("abc-1"));
  // Java sends header bytes signed: -1 is 0xff.
  EXPECT_THAT(Values(ev, "records.orders-0[0].headers.raw"), ElementsAre(std::string("hi\xff")));
  // Topic names, offsets and the broker list are the platform's, not the sender's.
  EXPECT_FALSE(AnyPathStartsWith(ev, "bootstrapServers"));
  EXPECT_THAT(Values(ev, "records.orders-0[0].topic"), IsEmpty());
  EXPECT_THAT(ev.limit_findings, IsEmpty());
}

TEST_F(DecoderTest, CloudWatchLogsLinesAreDecompressed) {
  text_ = DataFile("cloudwatch-logs.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kCloudWatchLogs);
  EXPECT_THAT(Values(ev, "awslogs.data.logEvents[0].message"),
              ElementsAre("START RequestId: 5c1d Version: $LATEST"));
  EXPECT_THAT(Values(ev, "awslogs.data.logEvents[1].message"),
              ElementsAre(R"({"level":"info","msg":"order placed","order":"A-1001"})"));
  EXPECT_THAT(Values(ev, "awslogs.data.logGroup"), ElementsAre("/aws/lambda/orders"));
  EXPECT_THAT(ev.limit_findings, IsEmpty());
}

TEST_F(DecoderTest, S3ObjectKeyIsUrlDecodedOnce) {
  text_ = DataFile("s3-key.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kS3);
  // The key as the application reads it, and only that one.
  EXPECT_THAT(Values(ev, "Records[0].s3.object.key"),
              ElementsAre("reports/Q3 summary (final).pdf"));
  EXPECT_THAT(Values(ev, "Records[0].s3.bucket.name"), ElementsAre("uploads-example"));
  EXPECT_THAT(Values(ev, "Records[0].requestParameters.sourceIPAddress"),
              ElementsAre("203.0.113.7"));
}

// An HTTP API v2 POST whose body is `body_bytes` in base64, with the given
// Content-Encoding.
std::string V2Compressed(std::string_view content_encoding, std::string_view body_bytes,
                         std::string_view content_type = "application/json") {
  const std::string b64 = Base64Encode(body_bytes);
  return absl::StrCat(R"({"version":"2.0","rawPath":"/x","headers":{"content-type":")",
                      std::string(content_type), R"(","Content-Encoding":")",
                      std::string(content_encoding),
                      R"("},"requestContext":{"http":{"method":"POST"}},"isBase64Encoded":true,)",
                      R"("body":")", b64, R"("})");
}

TEST_F(DecoderTest, CompressedBodiesAreInspectedDecompressed) {
  const std::string body = R"({"comment":"1' UNION SELECT password FROM users--"})";
  for (const auto& [coding, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"gzip", report::GzipCompress(body)},
           {"x-gzip", report::GzipCompress(body)},
           {"GZIP, identity", report::GzipCompress(body)},
           {"gzip, gzip", report::GzipCompress(report::GzipCompress(body))},
           {"br", test_support::BrotliCompress(body)},
           {"gzip, br", test_support::BrotliCompress(report::GzipCompress(body))},
           {"zstd", test_support::ZstdCompress(body)},
           {"Zstd, gzip", report::GzipCompress(test_support::ZstdCompress(body, 19, 20))}}) {
    text_ = V2Compressed(coding, bytes);
    DecodedEvent ev = DecodeOk(text_);
    EXPECT_THAT(Values(ev, "body.comment"),
                ElementsAre("1' UNION SELECT password FROM users--"))
        << coding;
    EXPECT_THAT(ev.limit_findings, IsEmpty()) << coding;
  }
  // A form body compressed with deflate (a zlib stream), then gzip.
  const std::string form_body = "a=1&b=%3Cscript%3E";
  std::string zlib_data(compressBound(form_body.size()), '\0');
  uLongf zlib_size = zlib_data.size();
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(zlib_data.data()), &zlib_size,
                      reinterpret_cast<const Bytef*>(form_body.data()), form_body.size(), 6),
            Z_OK);
  zlib_data.resize(zlib_size);
  text_ = V2Compressed("deflate, gzip", report::GzipCompress(zlib_data),
                       "application/x-www-form-urlencoded");
  DecodedEvent form = DecodeOk(text_);
  EXPECT_THAT(Values(form, "body.b"), ElementsAre("<script>"));
}

TEST_F(DecoderTest, MultiValueContentEncodingHeader) {
  const std::string gz = report::GzipCompress(R"({"name":"x"})");
  std::string b64 = V2Compressed("gzip", gz);
  // Take the base64 body from the v2 event and send it as REST v1.
  const size_t at = b64.find(R"("body":")") + 8;
  const std::string body = b64.substr(at, b64.size() - at - 2);
  text_ = absl::StrCat(
      R"({"httpMethod":"POST","path":"/","resource":"/","isBase64Encoded":true,)",
      R"("multiValueHeaders":{"Content-Type":["application/json"],"Content-Encoding":["gzip"]},)",
      R"("body":")", body, R"("})");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kApiGatewayV1);
  EXPECT_THAT(Values(ev, "body.name"), ElementsAre("x"));
}

// A REST v1 POST with the given headers (JSON members) and base64 body.
std::string V1WithHeaders(std::string_view header_members, std::string_view body_bytes) {
  return absl::StrCat(R"({"httpMethod":"POST","path":"/","resource":"/","isBase64Encoded":true,)",
                      std::string(header_members), R"(,"body":")", Base64Encode(body_bytes),
                      R"("})");
}

// Repeated Content-Type and Content-Encoding headers: REST v1 keeps the last
// line in `headers` and all of them in `multiValueHeaders`, header names can
// differ in case, and frameworks take the first, the last or (for
// Content-Encoding) the joined list. The body is decoded under each reading.
TEST_F(DecoderTest, RepeatedContentTypeAndEncodingHeaders) {
  const std::string gz = report::GzipCompress(R"({"q":"1' OR '1'='1"})");
  // A first "identity" line, then "gzip": the application that reads the
  // last line (or the joined list) decompresses.
  text_ = V1WithHeaders(
      R"("headers":{"Content-Type":"application/json","Content-Encoding":"gzip"},)"
      R"("multiValueHeaders":{"Content-Type":["application/json"],)"
      R"("Content-Encoding":["identity","gzip"]})",
      gz);
  DecodedEvent ev = DecodeOk(text_);
  // "gzip" and "identity, gzip" undo the same: the body is read once so,
  // and not as compressed bytes ("identity"), since it decompresses.
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("1' OR '1'='1"));
  EXPECT_THAT(Values(ev, "body"), IsEmpty());
  // A body that does not decompress is read as it is.
  text_ = V1WithHeaders(
      R"("headers":{"Content-Type":"application/json","Content-Encoding":"gzip"},)"
      R"("multiValueHeaders":{"Content-Type":["application/json"],)"
      R"("Content-Encoding":["identity","gzip"]})",
      R"({"q":"<svg onload=alert(1)>"})");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("<svg onload=alert(1)>"));

  // Names that differ in case, no multi-value map.
  text_ = V1WithHeaders(
      R"("headers":{"Content-Encoding":"identity","content-encoding":"gzip",)"
      R"("Content-Type":"application/json"})",
      gz);
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("1' OR '1'='1"));

  // Two Content-Types: the body is a binary blob to one reader and a
  // multipart form (with a base64 part) to the other.
  const std::string form = absl::StrCat(
      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n",
      "Content-Transfer-Encoding: base64\r\n\r\n", Base64Encode("<script>alert(1)</script>"),
      "\r\n--XyZ--\r\n");
  for (const std::string& headers : {
           std::string(R"("headers":{"Content-Type":"application/octet-stream",)"
                       R"("content-type":"multipart/form-data; boundary=XyZ"})"),
           std::string(R"("headers":{"Content-Type":"multipart/form-data; boundary=XyZ"},)"
                       R"("multiValueHeaders":{"Content-Type":["application/octet-stream",)"
                       R"("multipart/form-data; boundary=XyZ"]})"),
       }) {
    text_ = V1WithHeaders(headers, form);
    ev = DecodeOk(text_);
    EXPECT_THAT(Values(ev, "body.f"), ElementsAre("<script>alert(1)</script>")) << headers;
    EXPECT_EQ(ev.content_type, "application/octet-stream") << headers;  // the first
  }

  // One Content-Type and one Content-Encoding, in both maps: one reading.
  text_ = V1WithHeaders(
      R"("headers":{"Content-Type":"application/json","Content-Encoding":"gzip"},)"
      R"("multiValueHeaders":{"Content-Type":["application/json"],"Content-Encoding":["gzip"]})",
      gz);
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("1' OR '1'='1"));
  EXPECT_THAT(Values(ev, "body"), IsEmpty());
  EXPECT_THAT(ev.limit_findings, IsEmpty());
}

// A body that is not strict JSON but that the lenient parsers read
// (Newtonsoft.Json, Jackson's ALLOW_* features, Gson, JSON5) is walked as
// they read it.
TEST_F(DecoderTest, LenientJsonBodiesAreReadAsTheLenientParsersReadThem) {
  const std::string doc =
      "\xEF\xBB\xBF{/* note */ q: '1\\' OR \\'1\\'=\\'1', "
      "items: [{n: \"\\x3csvg onload=alert(1)\\x3e\"},],}";
  text_ = V2Compressed("identity", doc);
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("1' OR '1'='1"));
  EXPECT_THAT(Values(ev, "body.items[0].n"), ElementsAre("<svg onload=alert(1)>"));
  EXPECT_THAT(Values(ev, "body"), IsEmpty());
  // Sniffed as JSON without a Content-Type, byte order mark and all.
  text_ = V2Compressed("identity", "\xEF\xBB\xBF{\"q\":\"x\"}", "");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("x"));
  // What no parser reads stays text only.
  text_ = V2Compressed("identity", "{q: 'unclosed");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body"), ElementsAre("{q: 'unclosed"));
  EXPECT_EQ(ev.fields.size(), 4u);  // path, two headers, the body
}

// Handlers that parse any body as JSON (JSON.parse(event.body)) read a JSON
// document sent with a form Content-Type as JSON; frameworks that honour the
// header read it as a form. Both readings are inspected.
TEST_F(DecoderTest, JsonBodyLabelledAsFormIsReadBothWays) {
  text_ = V2Compressed("identity", R"( {"q":"1' OR '1'='1","n":[{"m":"a+b"}]})",
                       "application/x-www-form-urlencoded");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("1' OR '1'='1"));
  EXPECT_THAT(Values(ev, "body.n[0].m"), ElementsAre("a+b"));
  // The form reading: the text up to the first '=' is a name.
  EXPECT_THAT(Values(ev, R"(body[" {\"q\":\"1' OR '1'"])"),
              ElementsAre(R"('1","n":[{"m":"a b"}]})"));
  // A form body stays a form, and a JSON-looking form that does not parse
  // stays its form reading.
  text_ = V2Compressed("identity", "q=1&r=%7B", "application/x-www-form-urlencoded");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("1"));
  EXPECT_THAT(Values(ev, "body.r"), ElementsAre("{"));
  text_ = V2Compressed("identity", "{q=1", "application/x-www-form-urlencoded");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.{q"), ElementsAre("1"));
  EXPECT_EQ(ev.fields.size(), 5u);  // path, two headers, the name and its value
  // Lenient JSON sent as a form is read as the lenient parsers read it.
  text_ = V2Compressed("identity", "{q: '1\\' OR 1=1', /* c */ n: [1,],}",
                       "application/x-www-form-urlencoded");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("1' OR 1=1"));
}

TEST_F(DecoderTest, CompressionThatCannotBeUndoneIsALimitFinding) {
  text_ = V2Compressed("compress", "\x1f\x9d\x90 some LZW bytes");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_THAT(LimitNames(ev), ElementsAre("content_encoding"));
  EXPECT_THAT(ev.limit_findings[0].detail, HasSubstr("'compress'"));
  EXPECT_EQ(Values(ev, "body").size(), 1u);  // still inspected, as it is
  // Not a compression at all: the body is read as it is, without a finding.
  text_ = V2Compressed("utf-8", R"({"name":"plain"})");
  ev = DecodeOk(text_);
  EXPECT_THAT(ev.limit_findings, IsEmpty());
  EXPECT_THAT(Values(ev, "body.name"), ElementsAre("plain"));
}

TEST_F(DecoderTest, CorruptCompressedBodyIsInspectedAsItIs) {
  text_ = V2Compressed("gzip", R"({"name":"not compressed"})");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_THAT(LimitNames(ev), ElementsAre("body_encoding"));
  EXPECT_THAT(Values(ev, "body.name"), ElementsAre("not compressed"));
}

// Compressed base64 string values inflate to at most max_body_bytes
// between them: of four 3,000-byte texts under an 8,000-byte limit, two are
// read whole, the third up to the limit (as a body cut there is), the
// fourth not.
TEST_F(DecoderTest, CompressedStringValuesShareTheBodyLimit) {
  Limits limits;
  limits.max_body_bytes = 8000;
  Decoder small(limits);
  const std::string text = "' OR 1=1 -- " + std::string(2988, 'x');
  std::string b64;
  {
    const std::string gz = report::GzipCompress(text, 9);
    b64.resize(((gz.size() + 2) / 3) * 4 + 4);
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < gz.size(); i += 3) {
      uint32_t v = static_cast<uint8_t>(gz[i]) << 16;
      if (i + 1 < gz.size()) v |= static_cast<uint8_t>(gz[i + 1]) << 8;
      if (i + 2 < gz.size()) v |= static_cast<uint8_t>(gz[i + 2]);
      b64[o++] = kAlphabet[(v >> 18) & 63];
      b64[o++] = kAlphabet[(v >> 12) & 63];
      b64[o++] = i + 1 < gz.size() ? kAlphabet[(v >> 6) & 63] : '=';
      b64[o++] = i + 2 < gz.size() ? kAlphabet[v & 63] : '=';
    }
    b64.resize(o);
  }
  DecodedEvent ev = DecodeOk(
      V2Post("application/json",
             absl::StrCat(R"({\"a\": \")", b64, R"(\", \"b\": \")", b64, R"(\", \"c\": \")", b64,
                          R"(\", \"d\": \")", b64, R"(\"})")),
      &small);
  EXPECT_THAT(Values(ev, "body.a"), ElementsAre(b64, text));
  EXPECT_THAT(Values(ev, "body.b"), ElementsAre(b64, text));
  EXPECT_THAT(Values(ev, "body.c"), ElementsAre(b64, text.substr(0, 2000)));
  EXPECT_THAT(Values(ev, "body.d"), ElementsAre(b64));
}

TEST_F(DecoderTest, DecompressionBombIsCutAtTheBodyLimit) {
  Limits limits;
  limits.max_body_bytes = 4096;
  Decoder small(limits);
  text_ = V2Compressed("gzip", report::GzipCompress(std::string(16 << 20, 'A'), 9), "text/plain");
  ASSERT_LT(text_.size(), 64u * 1024);
  DecodedEvent ev = DecodeOk(text_, &small);
  EXPECT_THAT(LimitNames(ev), ElementsAre("max_body_bytes"));
  ASSERT_EQ(Values(ev, "body").size(), 1u);
  EXPECT_EQ(Values(ev, "body")[0], std::string(4096, 'A'));
}

TEST_F(DecoderTest, GzipRecordDataIsDecompressed) {
  // CloudWatch Logs delivered through Kinesis: each record is a gzip document.
  const std::string logs =
      R"({"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":"GET /health 200"}]})";
  text_ = absl::StrCat(
      R"({"Records":[{"eventSource":"aws:kinesis","kinesis":{"partitionKey":"p","data":")",
      Base64Encode(report::GzipCompress(logs)), R"("}}]})");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kKinesis);
  EXPECT_THAT(Values(ev, "records[0].data.logEvents[0].message"), ElementsAre("GET /health 200"));
  EXPECT_THAT(ev.limit_findings, IsEmpty());
  // An HTTP body is opened only when its Content-Encoding says so: a gzip
  // file uploaded as the body stays one value.
  text_ = V2Compressed("identity", report::GzipCompress(logs), "application/octet-stream");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.logEvents[0].message"), IsEmpty());
  EXPECT_EQ(Values(ev, "body").size(), 1u);
}

TEST_F(DecoderTest, MultipartTransferEncodingsAreDecoded) {
  const std::string body = absl::StrCat(
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n",
      "Content-Transfer-Encoding: base64\r\n\r\n", Base64Encode("1' OR '1'='1"),
      "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n",
      "Content-Transfer-Encoding: Quoted-Printable\r\n\r\n=3Cscript=3Ealert(1)=3C/script=3E",
      "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"c\"\r\n",
      "Content-Transfer-Encoding: base64\r\n\r\nnot base64!",
      "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"d\"\r\n\r\nplain",
      "\r\n--XyZ--\r\n");
  text_ = V2Compressed("identity", body, "multipart/form-data; boundary=XyZ");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.a"), ElementsAre("1' OR '1'='1"));
  EXPECT_THAT(Values(ev, "body.b"), ElementsAre("<script>alert(1)</script>"));
  EXPECT_THAT(Values(ev, "body.c"), ElementsAre("not base64!"));  // kept as sent
  EXPECT_THAT(Values(ev, "body.d"), ElementsAre("plain"));
}

TEST_F(DecoderTest, EbcdicBodyIsDecodedByItsCharset) {
  // "q=1' OR 1=1&n=x" in IBM037.
  const std::string form = "\x98\x7e\xf1\x7d\x40\xd6\xd9\x40\xf1\x7e\xf1\x50\x95\x7e\xa7";
  text_ = V2Compressed("identity", form, "application/x-www-form-urlencoded; charset=ibm037");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("1' OR 1=1"));
  EXPECT_THAT(Values(ev, "body.n"), ElementsAre("x"));
}

TEST_F(DecoderTest, Utf16BodyIsReadAsUtf8) {
  std::string utf16;
  for (char c : std::string_view(R"({"q":"<svg onload=alert(1)>"})")) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  text_ = V2Compressed("identity", utf16, "application/json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("<svg onload=alert(1)>"));
}

TEST_F(DecoderTest, MultipartFieldsAndFiles) {
  text_ = DataFile("multipart.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.content_type, "multipart/form-data");
  EXPECT_THAT(Values(ev, "body.title"), ElementsAre("Quarterly report"));
  EXPECT_THAT(Values(ev, "body.notes.filename"), ElementsAre("notes.txt"));
  EXPECT_THAT(Values(ev, "body.notes"), ElementsAre("hello file"));
  EXPECT_THAT(Values(ev, "body.image.filename"), ElementsAre("logo.png"));
  EXPECT_THAT(Values(ev, "body.image"), IsEmpty());  // binary content is skipped
}

// Names and file names as each parser reads them: RFC 2231's `name*=` (Go,
// Python, Werkzeug), RFC 2047's encoded words (Commons FileUpload, Tomcat),
// repeated parameters and headers, folded headers. A file name that only one of them decodes is inspected decoded,
// and a field whose name two parsers read differently is filed under both.
TEST_F(DecoderTest, MultipartExtendedAndEncodedNames) {
  const auto event = [](std::string_view disposition) {
    const std::string body = absl::StrCat("--XyZ\r\nContent-Disposition: form-data; ",
                                          std::string(disposition),
                                          "\r\n\r\nhello\r\n--XyZ--\r\n");
    return absl::StrCat(
        R"({"version":"2.0","rawPath":"/up","headers":{"content-type":"multipart/form-data; boundary=XyZ"},)",
        R"("requestContext":{"http":{"method":"POST"}},"isBase64Encoded":true,"body":")",
        Base64Encode(body), R"("})");
  };
  text_ = event("name=\"f\"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.f.filename"), ElementsAre("../../etc/passwd"));
  EXPECT_THAT(Values(ev, "body.f"), ElementsAre("hello"));

  text_ = event("name=\"f\"; filename=\"a.txt\"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.f.filename"), ElementsAre("../../etc/passwd", "a.txt"));

  text_ = event("name=\"f\"; filename=\"=?UTF-8?Q?=2E=2E=2Fetc=2Fpasswd?=\"");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.f.filename"),
              ElementsAre("=?UTF-8?Q?=2E=2E=2Fetc=2Fpasswd?=", "../etc/passwd"));

  text_ = event("name=\"a\"; name*=utf-8''comment");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.comment"), ElementsAre("hello"));
  EXPECT_THAT(Values(ev, "body.a"), ElementsAre("hello"));

  text_ = event("name=\"=?utf-8?B?Y29tbWVudA==?=\"");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.comment"), ElementsAre("hello"));

  // A repeated parameter (Commons FileUpload and Werkzeug take the last), a
  // second Content-Disposition header (Go and Python take the first), a
  // folded header: every reading.
  text_ = event("name=\"f\"; filename=\"a.txt\"; filename=\"../../etc/passwd\"");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.f.filename"), ElementsAre("a.txt", "../../etc/passwd"));
  text_ = event("name=\"a\"; name=\"b\"");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.a"), ElementsAre("hello"));
  EXPECT_THAT(Values(ev, "body.b"), ElementsAre("hello"));
  text_ = event("name=\"f\"; filename=\"../../etc/passwd\"\r\n"
                "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.f.filename"), ElementsAre("../../etc/passwd", "a.txt"));
  text_ = event("name=\"f\";\r\n filename=\"../../etc/passwd\"");
  ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.f.filename"), ElementsAre("../../etc/passwd"));
}

// A Content-Type with two boundary parameters: Commons FileUpload and
// Werkzeug split by the last, so the body is split by each; a field hidden
// inside what the first boundary makes a binary upload is read by the second.
TEST_F(DecoderTest, MultipartBodySplitByEachBoundaryGiven) {
  const std::string body =
      "--AAA\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n\r\n"
      "\x01\x02\x03\x04\r\n--BBB\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\nhidden\r\n"
      "--BBB--\r\n--AAA--\r\n";
  text_ = absl::StrCat(
      R"({"version":"2.0","rawPath":"/up","headers":{"content-type":"multipart/form-data; )",
      R"(boundary=AAA; Boundary=\"BBB\""},"requestContext":{"http":{"method":"POST"}},)",
      R"("isBase64Encoded":true,"body":")", Base64Encode(body), R"("})");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_THAT(Values(ev, "body.f.filename"), ElementsAre("x.bin"));
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("hidden"));
}

TEST_F(DecoderTest, Base64JsonBody) {
  text_ = DataFile("base64-body.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kApiGatewayV1);
  EXPECT_EQ(ev.method, "POST");
  EXPECT_THAT(Values(ev, "body.item.name"), ElementsAre("lamp"));
  EXPECT_THAT(Values(ev, "body.item.tags[1]"), ElementsAre("light"));
  EXPECT_THAT(ev.limit_findings, IsEmpty());
}

TEST_F(DecoderTest, WebSocketMessage) {
  text_ = DataFile("websocket-message.json");
  DecodedEvent ev = DecodeOk(text_);
  EXPECT_EQ(ev.kind, Kind::kWebSocket);
  EXPECT_EQ(KindName(ev.kind), "websocket");
  EXPECT_THAT(Values(ev, "body.text"), ElementsAre("hello room"));
  EXPECT_FALSE(AnyPathStartsWith(ev, "requestContext"));
}

TEST_F(DecoderTest, AttackEventsCarryTheirPayloadInTheExpectedField) {
  struct Case {
    const char* file;
    Kind kind;
    const char* path;
    const char* needle;
  };
  const Case cases[] = {
      {"attacks/apigw-v1-sqli.json", Kind::kApiGatewayV1, "query.id", "UNION ALL SELECT"},
      {"attacks/apigw-v2-xss.json", Kind::kApiGatewayV2, "body.comment.text", "<svg/onload="},
      {"attacks/alb-path_traversal.json", Kind::kAlb, "query.file", "../../../../etc/shadow"},
      {"attacks/function-url-cmdi.json", Kind::kFunctionUrl, "headers.x-image-name", "; wget"},
      {"attacks/sqs-jndi.json", Kind::kSqs, "records[0].body.user.agent", "${jndi:ldap://"},
      {"attacks/sns-nosqli.json", Kind::kSns, "records[0].message.login.password.$gt", "$gt"},
      {"attacks/eventbridge-ssti.json", Kind::kEventBridge, "detail.invoice.footer", "__globals__"},
      {"attacks/apigw-v1-form-xss.json", Kind::kApiGatewayV1, "body.message",
       "<iframe src=\"javascript:"},
      {"attacks/multipart-sqli.json", Kind::kApiGatewayV2, "body.username", "'/**/OR/**/1=1#"},
      {"attacks/base64-json-path_traversal.json", Kind::kApiGatewayV1, "body.report.template",
       "../../../../../proc/self/environ"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    std::string json = DataFile(c.file);
    ASSERT_FALSE(json.empty());
    DecodedEvent ev = DecodeOk(json);
    EXPECT_EQ(ev.kind, c.kind);
    bool found = false;
    for (const Field& f : ev.fields) {
      if (f.path == c.path && f.value.find(c.needle) != std::string_view::npos) found = true;
    }
    EXPECT_TRUE(found) << "no field " << c.path << " containing " << c.needle;
  }
}

// --- shapes and details ---------------------------------------------------------

TEST_F(DecoderTest, GenericEventUsesJsonPaths) {
  DecodedEvent ev = DecodeOk(
      R"({"Records":[{"eventSource":"aws:dynamodb","dynamodb":{"NewImage":{"note":{"S":"a b"}}}}]})");
  EXPECT_EQ(ev.kind, Kind::kGeneric);
  EXPECT_THAT(Values(ev, "Records[0].dynamodb.NewImage.note.S"), ElementsAre("a b"));
  EXPECT_THAT(Values(ev, "Records[0].eventSource"), ElementsAre("aws:dynamodb"));
  EXPECT_EQ(FindField(ev, "Records[0].dynamodb.NewImage.note.S")->location, Location::kOther);
  // S3 notifications keep JSON paths too; only the object key is decoded.
  ev = DecodeOk(
      R"({"Records":[{"eventSource":"aws:s3","s3":{"object":{"key":"a/b.txt","size":3}}}]})");
  EXPECT_EQ(ev.kind, Kind::kS3);
  EXPECT_THAT(Values(ev, "Records[0].s3.object.key"), ElementsAre("a/b.txt"));
  EXPECT_EQ(FindField(ev, "Records[0].s3.object.key")->location, Location::kOther);
}

TEST_F(DecoderTest, KeysWithPathPunctuationAreQuoted) {
  DecodedEvent ev = DecodeOk(R"({"a.b":{"c":"1"},"x":{"y[0]":"2"}})");
  EXPECT_THAT(Values(ev, "[\"a.b\"].c"), ElementsAre("1"));
  EXPECT_THAT(Values(ev, "x[\"y[0]\"]"), ElementsAre("2"));
  // Not plain identifiers: emitted as keys too.
  EXPECT_NE(FindField(ev, "x[\"y[0]\"]", true), nullptr);
}

TEST_F(DecoderTest, PathsEscapeQuotesAndStayWithinTheirLimits) {
  DecodedEvent ev = DecodeOk(R"({"a\"b\\c":{"i":["x","y"]}})");
  EXPECT_THAT(Values(ev, R"(["a\"b\\c"].i[1])"), ElementsAre("y"));

  // A key is cut to 128 bytes in the path.
  const std::string long_key(300, 'k');
  ev = DecodeOk(absl::StrCat(R"({")", long_key, R"(":"v"})"));
  EXPECT_THAT(Values(ev, std::string(128, 'k')), ElementsAre("v"));

  // Keys that are all quotes double in the path. The path stops growing
  // once it is 512 bytes long; the segment that crosses the mark is the
  // longest one there can be (a cut key with every byte escaped).
  std::string escaped_quotes;
  for (int i = 0; i < 200; ++i) escaped_quotes += "\\\"";
  const std::string plain(127, 'k');
  std::string doc = "\"deep\"";
  for (int i = 0; i < 3; ++i) doc = absl::StrCat("{\"", escaped_quotes, "\":", doc, "}");
  for (int i = 0; i < 3; ++i) doc = absl::StrCat("{\"", plain, "\":", doc, "}");
  ev = DecodeOk(doc);
  const Field* deep = nullptr;
  for (const Field& f : ev.fields) {
    if (!f.is_key) deep = &f;
  }
  ASSERT_NE(deep, nullptr);
  EXPECT_EQ(deep->value, "deep");
  const std::string expected_path =
      absl::StrCat(plain, ".", plain, ".", plain, "[\"", escaped_quotes.substr(0, 256), "\"]");
  EXPECT_EQ(deep->path, expected_path);
  EXPECT_EQ(deep->path.size(), 3 * 127u + 2 + 4 + 256);
}

TEST_F(DecoderTest, HeaderNamesAreLowerCased) {
  DecodedEvent ev =
      DecodeOk(R"({"httpMethod":"GET","path":"/","resource":"/","headers":{"X-Api-KEY":"k1",)"
               R"("Content-Type":"Text/HTML; charset=UTF-8"},"body":"<b>hi</b>"})");
  EXPECT_EQ(ev.kind, Kind::kApiGatewayV1);
  EXPECT_THAT(Values(ev, "headers.x-api-key"), ElementsAre("k1"));
  EXPECT_EQ(ev.content_type, "text/html");
  EXPECT_THAT(Values(ev, "body"), ElementsAre("<b>hi</b>"));
}

TEST_F(DecoderTest, XmlBodyIsReadIntoItsNodes) {
  std::string xml =
      "<?xml version=\\\"1.0\\\"?><!DOCTYPE r [<!ENTITY e SYSTEM "
      "\\\"file:///etc/hostname\\\">]><r><a id=\\\"7\\\" n='x'>one <!-- c -->two"
      "<![CDATA[<three>]]></a><b/>&e;</r>";
  DecodedEvent ev = DecodeOk(V2Post("application/xml", xml));
  // The whole document first, for custom rules only; then the prolog.
  const Field* whole = FindField(ev, "body");
  ASSERT_NE(whole, nullptr);
  EXPECT_TRUE(whole->xml_document);
  EXPECT_THAT(Values(ev, "body"),
              ElementsAre(HasSubstr("<r><a"), HasSubstr("<!ENTITY e SYSTEM")));
  EXPECT_THAT(Values(ev, "body")[1], Not(HasSubstr("<r>")));
  EXPECT_THAT(Values(ev, "body.r"), ElementsAre("<r>", "&e;"));
  EXPECT_THAT(Values(ev, "body.r.a"), ElementsAre("<a id=\"7\" n='x'>", "<!-- c -->",
                                                  "one two<three>"));
  EXPECT_THAT(Values(ev, "body.r.a.@id"), ElementsAre("7"));
  EXPECT_THAT(Values(ev, "body.r.a.@n"), ElementsAre("x"));
  EXPECT_THAT(Values(ev, "body.r.b"), ElementsAre("<b/>"));
  for (const Field& f : ev.fields) EXPECT_EQ(f.xml_document, &f == whole) << f.path;
}

// A body that is not well-formed XML, or has more nodes than the field limit
// leaves room for, is one text field, as any text body.
TEST_F(DecoderTest, XmlBodyThatCannotBeReadIsOneField) {
  for (std::string_view body : {"<r><a></r>", "<r>x</r><r/>", "<img src=x onerror=go()>",
                                "<r a=1/>", "text <r/>", "<r><!DOCTYPE x></r>", "<r>"}) {
    DecodedEvent ev = DecodeOk(V2Post("text/xml", body));
    EXPECT_THAT(Values(ev, "body"), ElementsAre(body)) << body;
    EXPECT_FALSE(AnyPathStartsWith(ev, "body.")) << body;
    EXPECT_FALSE(FindField(ev, "body")->xml_document) << body;
  }
  Limits limits;
  limits.max_fields = 7;  // the path, the Content-Type and 5 of the body
  Decoder small(limits);
  DecodedEvent ev;
  ASSERT_TRUE(small.Decode(V2Post("application/xml", "<r><a>1</a><b>2</b><c>3</c></r>"), &ev).ok());
  EXPECT_THAT(Values(ev, "body"), ElementsAre("<r><a>1</a><b>2</b><c>3</c></r>"));
  EXPECT_THAT(ev.limit_findings, IsEmpty());
  ASSERT_TRUE(small.Decode(V2Post("application/xml", "<r><a>1</a></r>"), &ev).ok());
  EXPECT_THAT(Values(ev, "body.r.a"), ElementsAre("<a>", "1"));
}

TEST_F(DecoderTest, BrokenJsonBodyIsInspectedAsText) {
  DecodedEvent ev = DecodeOk(V2Post("application/json", R"({\"a\": \"' OR 1=1 --\")"));
  EXPECT_THAT(Values(ev, "body"), ElementsAre("{\"a\": \"' OR 1=1 --\""));
  EXPECT_THAT(ev.limit_findings, IsEmpty());
}

TEST_F(DecoderTest, TextPlainBodyThatIsJsonIsWalked) {
  DecodedEvent ev = DecodeOk(V2Post("text/plain", R"( {\"q\":\"v\"})"));
  EXPECT_THAT(Values(ev, "body.q"), ElementsAre("v"));
}

TEST_F(DecoderTest, QueryAndFormNamesWithOperatorsAreKeyFields) {
  DecodedEvent ev = DecodeOk(V2Post("application/x-www-form-urlencoded", "pw[$gt]=&ok=1",
                                    "user%5B%24ne%5D=x&a[__proto__][p]=1"));
  const Field* ne = FindField(ev, "query[\"user[$ne]\"]", true);
  ASSERT_NE(ne, nullptr);
  EXPECT_EQ(ne->value, "user[$ne]");
  EXPECT_NE(FindField(ev, "query[\"a[__proto__][p]\"]", true), nullptr);
  EXPECT_NE(FindField(ev, "body[\"pw[$gt]\"]", true), nullptr);
  EXPECT_EQ(FindField(ev, "body.ok", true), nullptr);
  EXPECT_THAT(Values(ev, "body.ok"), ElementsAre("1"));
}

// Query, form, multipart and cookie names are marked as parameter names; JSON
// object keys are keys only.
TEST_F(DecoderTest, ParameterNamesAreMarkedAndObjectKeysAreNot) {
  DecodedEvent form = DecodeOk(V2Post("application/x-www-form-urlencoded",
                                      "%3Bcat+%2Fetc%2Fpasswd&ok=1", "..%2F..%2Fetc%2Fpasswd"));
  const Field* query_name = FindField(form, "query[\"../../etc/passwd\"]", true);
  ASSERT_NE(query_name, nullptr);
  EXPECT_TRUE(query_name->is_param_name);
  EXPECT_EQ(query_name->location, Location::kQuery);
  const Field* form_name = FindField(form, "body.;cat /etc/passwd", true);
  ASSERT_NE(form_name, nullptr);
  EXPECT_EQ(form_name->value, ";cat /etc/passwd");
  EXPECT_TRUE(form_name->is_param_name);
  DecodedEvent multipart = DecodeOk(V2Post(
      "multipart/form-data; boundary=XyZ",
      R"(--XyZ\r\nContent-Disposition: form-data; name=\"|id\"\r\n\r\nv\r\n--XyZ--\r\n)"));
  const Field* part = FindField(multipart, "body.|id", true);
  ASSERT_NE(part, nullptr);
  EXPECT_TRUE(part->is_param_name);
  DecodedEvent cookie = DecodeOk(
      R"({"version":"2.0","rawPath":"/","requestContext":{"http":{"method":"GET"}},)"
      R"("cookies":["$(id)=1"]})");
  const Field* cookie_name = FindField(cookie, "cookies.$(id)", true);
  ASSERT_NE(cookie_name, nullptr);
  EXPECT_TRUE(cookie_name->is_param_name);
  DecodedEvent json = DecodeOk(V2Post("application/json", R"({\"$where\":\"1\"})"));
  const Field* key = FindField(json, "body.$where", true);
  ASSERT_NE(key, nullptr);
  EXPECT_FALSE(key->is_param_name);
  for (const Field& f : json.fields) EXPECT_FALSE(f.is_param_name) << f.path;
}


// A name shaped like a qualified class name (two or more dotted parts) is a
// key field in JSON, form bodies and cookies; a name without a dot is plain.
TEST_F(DecoderTest, QualifiedClassNamesAreKeyFields) {
  DecodedEvent form = DecodeOk(V2Post("application/x-www-form-urlencoded",
                                      "java.lang.Runtime=x&runtime.InvokerTransformer=1&user=ada"));
  const Field* cls = FindField(form, "body[\"java.lang.Runtime\"]", true);
  ASSERT_NE(cls, nullptr);
  EXPECT_EQ(cls->value, "java.lang.Runtime");
  const Field* gadget = FindField(form, "body[\"runtime.InvokerTransformer\"]", true);
  ASSERT_NE(gadget, nullptr);
  EXPECT_EQ(gadget->value, "runtime.InvokerTransformer");
  EXPECT_EQ(FindField(form, "body.user", true), nullptr);
  DecodedEvent json = DecodeOk(V2Post("application/json",
                                      R"({\"com.example.Widget\":{\"id\":\"w1\"},\"v1.2\":\"x\",)"
                                      R"(\"name\":\"y\"})"));
  const Field* widget = FindField(json, "body[\"com.example.Widget\"]", true);
  ASSERT_NE(widget, nullptr);
  EXPECT_EQ(widget->value, "com.example.Widget");
  EXPECT_NE(FindField(json, "body[\"v1.2\"]", true), nullptr);
  EXPECT_EQ(FindField(json, "body.name", true), nullptr);
  DecodedEvent cookie = DecodeOk(
      R"({"version":"2.0","rawPath":"/","requestContext":{"http":{"method":"GET"}},)"
      R"("cookies":["java.Runtime=1","sid=2"]})");
  EXPECT_NE(FindField(cookie, "cookies[\"java.Runtime\"]", true), nullptr);
  EXPECT_EQ(FindField(cookie, "cookies.sid", true), nullptr);
}


TEST_F(DecoderTest, UnusualCookieNamesAreKeyFields) {
  // v2 `cookies` array.
  DecodedEvent ev = DecodeOk(
      R"({"version":"2.0","rawPath":"/","requestContext":{"http":{"method":"GET"}},)"
      R"("cookies":["sid=1","<script>alert(1)</script>=v","a[$ne]=2","_ga=GA1"]})");
  const Field* markup = FindField(ev, "cookies.<script>alert(1)</script>", true);
  ASSERT_NE(markup, nullptr);
  EXPECT_EQ(markup->value, "<script>alert(1)</script>");
  EXPECT_EQ(markup->location, Location::kCookie);
  EXPECT_THAT(Values(ev, "cookies.<script>alert(1)</script>"), ElementsAre("v"));
  EXPECT_NE(FindField(ev, "cookies[\"a[$ne]\"]", true), nullptr);
  EXPECT_EQ(FindField(ev, "cookies.sid", true), nullptr);  // plain names are not fields
  EXPECT_EQ(FindField(ev, "cookies._ga", true), nullptr);
  // Cookie header of a REST v1 event.
  text_ = R"({"httpMethod":"GET","path":"/","resource":"/",)"
          R"("headers":{"Cookie":"theme=dark; 1' or sleep(5)#=y"}})";
  DecodedEvent v1 = DecodeOk(text_);
  const Field* quoted = FindField(v1, "cookies.1' or sleep(5)#", true);
  ASSERT_NE(quoted, nullptr);
  EXPECT_EQ(quoted->location, Location::kCookie);
  EXPECT_EQ(FindField(v1, "cookies.theme", true), nullptr);
}
TEST_F(DecoderTest, UrlSafeBase64WithoutPadding) {
  // "{\"k\":\"?>~\"}" in the URL-safe alphabet, padding stripped.
  DecodedEvent ev = DecodeOk(V1Base64Post("eyJrIjoiPz5-In0"));
  EXPECT_THAT(Values(ev, "body.k"), ElementsAre("?>~"));
  EXPECT_THAT(ev.limit_findings, IsEmpty());
}

TEST_F(DecoderTest, ValuesStayValidUntilTheNextDecodeAcrossManyNestedDocuments) {
  // More JSON record bodies than pooled parsers: the rest are copied.
  std::string json = R"({"Records":[)";
  for (int i = 0; i < 12; ++i) {
    if (i) json += ",";
    json += R"({"eventSource":"aws:sqs","body":"{\"n\":\"value-)" + std::to_string(i) +
            R"(\",\"deep\":{\"k\":\"v)" + std::to_string(i) + R"(\"}}"})";
  }
  json += "]}";
  DecodedEvent ev = DecodeOk(json);
  for (int i = 0; i < 12; ++i) {
    std::string base = "records[" + std::to_string(i) + "].body";
    EXPECT_THAT(Values(ev, base + ".n"), ElementsAre("value-" + std::to_string(i)));
    EXPECT_THAT(Values(ev, base + ".deep.k"), ElementsAre("v" + std::to_string(i)));
  }
  // Reuse: a second decode on the same Decoder gives the right answer too.
  text_ = DataFile("sns.json");
  DecodedEvent again = DecodeOk(text_);
  EXPECT_THAT(Values(again, "records[0].message.event"), ElementsAre("signup"));
}

// A string value that is itself a JSON document is read as one too (the
// application parses it again): its members are fields below the string's
// path, which keeps its text as a field of its own. One level deep.
TEST_F(DecoderTest, JsonDocumentsInStringValuesAreWalked) {
  DecodedEvent ev = DecodeOk(V2Post(
      "application/json",
      R"({\"filter\": \"{\\\"owner\\\": {\\\"$ne\\\": \\\"me\\\"}, \\\"inner\\\": \\\"{\\\\\\\"k\\\\\\\": \\\\\\\"v\\\\\\\"}\\\"}\"})",
      "q=%5B%22a%22%2C%7B%22b%22%3A%22c%22%7D%5D&plain=%7Bnot%20json%7D"));
  EXPECT_THAT(Values(ev, "body.filter"), ElementsAre(HasSubstr("\"owner\"")));
  EXPECT_THAT(Values(ev, "body.filter.owner.$ne"), ElementsAre("me"));
  // The document's own string that holds JSON is text only.
  EXPECT_THAT(Values(ev, "body.filter.inner"), ElementsAre("{\"k\": \"v\"}"));
  EXPECT_FALSE(AnyPathStartsWith(ev, "body.filter.inner.k"));
  EXPECT_THAT(Values(ev, "query.q"), ElementsAre("[\"a\",{\"b\":\"c\"}]"));
  EXPECT_THAT(Values(ev, "query.q[0]"), ElementsAre("a"));
  EXPECT_THAT(Values(ev, "query.q[1].b"), ElementsAre("c"));
  EXPECT_THAT(Values(ev, "query.plain"), ElementsAre("{not json}"));
  EXPECT_FALSE(AnyPathStartsWith(ev, "query.plain."));
  EXPECT_THAT(ev.limit_findings, IsEmpty());
}

// A string value that is wholly base64 and decodes to text is a field too,
// at the same path, and read as JSON when it is a document; what decodes to
// binary, or is no base64 at all, is not.
TEST_F(DecoderTest, Base64TextInStringValuesIsReadToo) {
  // {"id":{"$gt":""}} and "status' OR '1'='1" (base64), a hex digest, a PNG's first bytes.
  DecodedEvent ev = DecodeOk(V2Post(
      "application/json",
      R"({\"t\": \"eyJpZCI6eyIkZ3QiOiIifX0=\", \"f\": \"{\\\"q\\\":\\\"c3RhdHVzJyBPUiAnMSc9JzE=\\\"}\", )"
      R"(\"h\": \"3f1c9a7e5b2d4c6e8a0b1c2d3e4f5a6b\", \"img\": \"iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB\"})",
      "s=c3RhdHVzJyBPUiAnMSc9JzE"));
  EXPECT_THAT(Values(ev, "body.t"), ElementsAre("eyJpZCI6eyIkZ3QiOiIifX0=", "{\"id\":{\"$gt\":\"\"}}"));
  EXPECT_THAT(Values(ev, "body.t.id.$gt"), IsEmpty());  // (an empty string is no field)
  EXPECT_NE(FindField(ev, "body.t.id.$gt", /*is_key=*/true), nullptr);
  EXPECT_THAT(Values(ev, "body.f.q"), ElementsAre("c3RhdHVzJyBPUiAnMSc9JzE=", "status' OR '1'='1"));
  EXPECT_THAT(Values(ev, "query.s"), ElementsAre("c3RhdHVzJyBPUiAnMSc9JzE", "status' OR '1'='1"));
  EXPECT_THAT(Values(ev, "body.h"), ElementsAre("3f1c9a7e5b2d4c6e8a0b1c2d3e4f5a6b"));
  EXPECT_THAT(Values(ev, "body.img"), ElementsAre("iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"));
}

// Base64 of UTF-16 text (with a byte order mark, or told by its zero
// bytes) is read as UTF-8; bytes that only look so are not.
TEST_F(DecoderTest, Base64OfUtf16TextInStringValuesIsReadToo) {
  const std::string le = "//48AGEAIAB4AD0AMQA+AGMAYQBmAOkAIAAmAGEAbQBwADsAIAB0AGUAYQA8AC8AYQA+AA==";
  const std::string be = "ADwAYQAgAHgAPQAxAD4AYwBhAGYA6QAgACYAYQBtAHAAOwAgAHQAZQBhADwALwBhAD4=";
  const std::string junk = "QQAATkKfM4wQeohhAZl3ZlVE";
  DecodedEvent ev = DecodeOk(V2Post("application/json", R"({\"le\": \")" + le +
                                                            R"(\", \"be\": \")" + be +
                                                            R"(\", \"junk\": \")" + junk + R"(\"})"));
  const std::string doc = "<a x=1>caf\u00e9 &amp; tea</a>";
  EXPECT_THAT(Values(ev, "body.le"), ElementsAre(le, doc));
  EXPECT_THAT(Values(ev, "body.be"), ElementsAre(be, doc));
  EXPECT_THAT(Values(ev, "body.junk"), ElementsAre(junk));
}

// Base64 whose '=' arrive percent-encoded, base64 of compressed text (a
// gzip member, zlib data, raw deflate as SAML's redirect binding sends
// it), base64 of a PHP object whose member names hold NULs, and hex of
// text are read as the text too; compressed binary and digests are not.
TEST_F(DecoderTest, EncodedAndCompressedTextInStringValuesIsReadToo) {
  const std::string gz =
      "H4sIAAAAAAACAzNUVwj18/T3Uwh29XF1DlEoSCwuLs8vSlFwC/L3VSgtTi0q1tVV0AUAsblR5ScAAAA=";
  const std::string raw =
      "s1F08XcOiQxwVShSiLZRdPUL8QyJVKhQCI4MDnH1VVBKy8xJtdLX108tSdYvSCwuLk9Rsou1symyU6uwttEvsgMA";
  const std::string zl =
      "eJyrrlZIrkzOSS3Si4/PzMssiY8HMtJz8pMSc4qB7PxivYL8gtQ8DfXMFHVNvaLUxBQNTYXaWgA8RhOG";
  const std::string pct = "JyBPUiAnMSc9JzEnIC0tIA%3D%3D";
  const std::string php = "Tzo0OiJUZXN0IjoxOntzOjY6IgAqAGNtZCI7czoyOiJpZCI7fQ==";
  const std::string gz_php = "H4sIAAAAAAACA/O3MrFSCkktLlGyMrSqLrYys1Ji0GJIzk1Rsi62MrJSygQyagHc84DwJQAAAA==";
  const std::string gz_binary =
      "H4sIAAAAAAACA2NgZGJmYWVj5+Dk4ubh5eMXEBQSFhEVE5eQlJKWkZWTV1BUUlZRVVPX0NTS1tHV0zcw";
  DecodedEvent ev = DecodeOk(V2Post(
      "application/json",
      absl::StrCat(R"({\"gz\": \")", gz, R"(\", \"raw\": \")", raw, R"(\", \"zl\": \")", zl,
                   R"(\", \"pct\": \")", pct, R"(\", \"php\": \")", php,
                   R"(\", \"gzphp\": \")", gz_php, R"(\", \"gzb\": \")", gz_binary, R"(\", \"hex\": \"3127204f5220313d312d2d202d\", )",
                   R"(\"tick\": \"60696460\", \"vt\": \"610b4f52\", )",
                   R"(\"sha\": \"3f1c9a7e5b2d4c6e8a0b1c2d3e4f5a6b\", \"n\": \"2226226735734653\"})")));
  EXPECT_THAT(Values(ev, "body.gz"), ElementsAre(gz, "1' UNION SELECT password FROM users-- -"));
  EXPECT_THAT(Values(ev, "body.raw"),
              ElementsAre(raw, "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>"));
  EXPECT_THAT(Values(ev, "body.zl"),
              ElementsAre(zl, "{{ cycler.__init__.__globals__.os.popen('id').read() }}"));
  EXPECT_THAT(Values(ev, "body.pct"), ElementsAre(pct, "' OR '1'='1' -- "));
  EXPECT_THAT(Values(ev, "body.php"),
              ElementsAre(php, std::string("O:4:\"Test\":1:{s:6:\"\0*\0cmd\";s:2:\"id\";}", 37)));
  EXPECT_THAT(Values(ev, "body.gzb"), ElementsAre(gz_binary));
  EXPECT_THAT(Values(ev, "body.gzphp"),
              ElementsAre(gz_php, std::string("O:4:\"Test\":1:{s:6:\"\0*\0cmd\";s:2:\"id\";}", 37)));
  EXPECT_THAT(Values(ev, "body.hex"), ElementsAre("3127204f5220313d312d2d202d", "1' OR 1=1-- -"));
  // Digits alone are a number, whatever they would decode to ("\"&\"g5sFS").
  EXPECT_THAT(Values(ev, "body.tick"), ElementsAre("60696460"));
  EXPECT_THAT(Values(ev, "body.vt"), ElementsAre("610b4f52", "a\vOR"));
  // (Base64 of a digest is binary too.)
  EXPECT_THAT(Values(ev, "body.sha"), ElementsAre("3f1c9a7e5b2d4c6e8a0b1c2d3e4f5a6b"));
  EXPECT_THAT(Values(ev, "body.n"), ElementsAre("2226226735734653"));
}

// --- limits and bad input ---------------------------------------------------------

TEST_F(DecoderTest, TenThousandDeepNestingIsALimitFindingNotACrash) {
  std::string deep = std::string(10000, '[') + "\"x\"" + std::string(10000, ']');
  DecodedEvent ev = DecodeOk(deep);
  EXPECT_THAT(LimitNames(ev), ElementsAre("max_depth"));
  EXPECT_THAT(ev.fields, IsEmpty());

  // The same inside a JSON body: the body is still inspected as text.
  std::string body_deep = std::string(10000, '[') + std::string(10000, ']');
  std::string json = V2Post("application/json", body_deep);
  DecodedEvent ev2 = DecodeOk(json);
  EXPECT_THAT(LimitNames(ev2), ElementsAre("max_depth"));
  EXPECT_EQ(ev2.limit_findings[0].path, "body");
  EXPECT_EQ(Values(ev2, "body").size(), 1u);
}

TEST_F(DecoderTest, ModerateNestingIsWalkedUpToTheLimit) {
  Decoder decoder(Limits{.max_depth = 4});
  DecodedEvent ev = DecodeOk(
      R"({"a":{"s":"1","b":{"s":"2","c":{"s":"3","d":{"s":"4","e":{"s":"5"}}}}}})", &decoder);
  EXPECT_THAT(Values(ev, "a.b.c.s"), ElementsAre("3"));
  EXPECT_THAT(Values(ev, "a.b.c.d.s"), IsEmpty());
  ASSERT_THAT(LimitNames(ev), ElementsAre("max_depth"));
  EXPECT_EQ(ev.limit_findings[0].path, "a.b.c.d");
  EXPECT_THAT(ev.limit_findings[0].detail, HasSubstr("4 levels"));
}

TEST_F(DecoderTest, OversizedEventIsNotParsed) {
  // A 100 MB "body" claim: far above Lambda's cap.
  std::string big =
      R"({"httpMethod":"POST","path":"/","body":")" + std::string(100 * 1024 * 1024, 'A') + "\"}";
  DecodedEvent ev = DecodeOk(big);
  EXPECT_THAT(LimitNames(ev), ElementsAre("max_event_bytes"));
  EXPECT_THAT(ev.fields, IsEmpty());
  big.clear();
  big.shrink_to_fit();

  Decoder small(Limits{.max_event_bytes = 64 * 1024});
  std::string medium = R"({"a":")" + std::string(100 * 1024, 'b') + "\"}";
  DecodedEvent ev2 = DecodeOk(medium, &small);
  EXPECT_THAT(LimitNames(ev2), ElementsAre("max_event_bytes"));
  EXPECT_THAT(ev2.limit_findings[0].detail, HasSubstr("65536"));
  EXPECT_THAT(ev2.fields, IsEmpty());
}

TEST_F(DecoderTest, OversizedBodyIsInspectedAsAPrefix) {
  Decoder decoder(Limits{.max_body_bytes = 1000});
  std::string body = "{\\\"k\\\":\\\"" + std::string(5000, 'z') + "\\\"}";
  std::string json = V2Post("application/json", body);
  DecodedEvent ev = DecodeOk(json, &decoder);
  EXPECT_THAT(LimitNames(ev), ElementsAre("max_body_bytes"));
  std::vector<std::string> values = Values(ev, "body");
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].size(), 1000u);
  EXPECT_EQ(values[0].substr(0, 6), "{\"k\":\"");
}

TEST_F(DecoderTest, FieldCountLimit) {
  Decoder decoder(Limits{.max_fields = 10});
  std::string json = "[";
  for (int i = 0; i < 100; ++i) json += (i ? ",\"v" : "\"v") + std::to_string(i) + "\"";
  json += "]";
  DecodedEvent ev = DecodeOk(json, &decoder);
  EXPECT_EQ(ev.fields.size(), 10u);
  ASSERT_THAT(LimitNames(ev), ElementsAre("max_fields"));
  EXPECT_EQ(ev.limit_findings[0].path, "[10]");
}

TEST_F(DecoderTest, BadBase64IsAFindingAndTheRawTextIsInspected) {
  DecodedEvent ev = DecodeOk(V1Base64Post("not*base64; DROP TABLE t"));
  EXPECT_THAT(LimitNames(ev), ElementsAre("body_encoding"));
  EXPECT_EQ(ev.limit_findings[0].path, "body");
  EXPECT_THAT(Values(ev, "body"), ElementsAre("not*base64; DROP TABLE t"));
}

TEST_F(DecoderTest, NotJsonIsInvalidArgument) {
  const std::string bad[] = {
      "", "   ", R"({"httpMethod":"GET","path":"/)", "{\"a\":\"\xff\xfe\"}", "{\"a\":1,}", "nul",
  };
  for (const std::string& json : bad) {
    DecodedEvent ev;
    ev.fields.push_back(Field{"stale", "x"});
    absl::Status st = decoder_.Decode(json, &ev);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(std::string(st.message()), HasSubstr("not a JSON document")) << json;
    EXPECT_THAT(ev.fields, IsEmpty()) << json;
  }
  DecodedEvent ev;
  absl::Status st = decoder_.Decode("{\"a\":\"\xc3\x28\"}", &ev);
  EXPECT_THAT(std::string(st.message()), HasSubstr("UTF-8"));
}

TEST_F(DecoderTest, HugeNumbersDoNotBreakDecoding) {
  DecodedEvent ev = DecodeOk(
      R"({"a":1e999999,"b":123456789012345678901234567890,"c":"kept","d":-1e400,)"
      R"("e":["x\"1e999",2]})");
  EXPECT_THAT(Values(ev, "c"), ElementsAre("kept"));
  EXPECT_THAT(Values(ev, "e[0]"), ElementsAre("x\"1e999"));
  EXPECT_EQ(ev.fields.size(), 2u);
  // And inside a JSON body.
  DecodedEvent ev2 =
      DecodeOk(V2Post("application/json", R"({\"n\":99999999999999999999999,\"s\":\"inside\"})"));
  EXPECT_THAT(Values(ev2, "body.s"), ElementsAre("inside"));
  // A malformed number stays an error.
  DecodedEvent ev3;
  EXPECT_FALSE(decoder_.Decode(R"({"a":01,"b":1e999999})", &ev3).ok());
}

TEST_F(DecoderTest, LoneSurrogateEscapesAreReadAsReplacementCharacters) {
  // JSON.parse and Python's json accept a string cut inside an emoji; the
  // event is read, not rejected, with U+FFFD where the half pair was.
  DecodedEvent ev = DecodeOk(R"({"a":"\ud83d' OR 1=1--","b":"\ude00x","c":"\ud83d\ude00"})");
  EXPECT_THAT(Values(ev, "a"), ElementsAre("\xEF\xBF\xBD' OR 1=1--"));
  EXPECT_THAT(Values(ev, "b"), ElementsAre("\xEF\xBF\xBDx"));
  EXPECT_THAT(Values(ev, "c"), ElementsAre("\xF0\x9F\x98\x80"));
  // Inside a JSON body the fields keep their paths.
  DecodedEvent ev2 = DecodeOk(
      V2Post("application/json", R"({\"q\":\"\\ud800<script>alert(1)</script>\",\"n\":1e999})"));
  EXPECT_THAT(Values(ev2, "body.q"), ElementsAre("\xEF\xBF\xBD<script>alert(1)</script>"));
  // Other string errors stay errors.
  DecodedEvent ev3;
  EXPECT_FALSE(decoder_.Decode(R"({"a":"\ud800","b":"\q"})", &ev3).ok());
}

TEST_F(DecoderTest, NonObjectTopLevel) {
  DecodedEvent ev = DecodeOk("42");
  EXPECT_THAT(ev.fields, IsEmpty());
  EXPECT_EQ(ev.kind, Kind::kGeneric);
  DecodedEvent ev2 = DecodeOk(R"("just a string")");
  ASSERT_EQ(ev2.fields.size(), 1u);
  EXPECT_EQ(ev2.fields[0].value, "just a string");
  DecodedEvent ev3 = DecodeOk(R"([1, "two", {"three": "3"}])");
  EXPECT_THAT(Values(ev3, "[1]"), ElementsAre("two"));
  EXPECT_THAT(Values(ev3, "[2].three"), ElementsAre("3"));
  DecodedEvent ev4 = DecodeOk("null");
  EXPECT_THAT(ev4.fields, IsEmpty());
}

TEST_F(DecoderTest, NullMembersOfHttpShapesAreIgnored) {
  DecodedEvent ev =
      DecodeOk(R"({"resource":"/","path":"/","httpMethod":"GET","headers":null,)"
               R"("multiValueHeaders":null,"queryStringParameters":null,)"
               R"("multiValueQueryStringParameters":null,"pathParameters":null,"body":null,)"
               R"("isBase64Encoded":false,"requestContext":{}})");
  EXPECT_EQ(ev.kind, Kind::kApiGatewayV1);
  EXPECT_THAT(Values(ev, "path"), ElementsAre("/"));
  EXPECT_EQ(ev.fields.size(), 1u);
}

}  // namespace
}  // namespace fnguard::event
