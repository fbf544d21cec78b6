// fnguard::lambda::Protect (fnguard/aws_lambda.h) against aws-lambda-cpp's
// runtime.h declarations (tests/support/aws/lambda-runtime/runtime.h). The
// out-of-line members of aws-lambda-cpp are defined below the way the library
// defines them; run_handler drives a scripted list of invocations.
#include <aws/lambda-runtime/runtime.h>
#include <simdjson.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fnguard/aws_lambda.h"
#include "fnguard/guard.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aws::lambda_runtime {
namespace {

std::string JsonEscape(std::string const& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += "\\u00";
      out.push_back("0123456789abcdef"[(c >> 4) & 0xf]);
      out.push_back("0123456789abcdef"[c & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// What run_handler feeds the handler, and what it got back.
std::vector<invocation_request>* g_scripted_requests = nullptr;
std::vector<invocation_response>* g_posted_responses = nullptr;

}  // namespace

invocation_response invocation_response::success(std::string const& payload,
                                                 std::string const& content_type) {
  invocation_response r;
  r.m_success = true;
  r.m_content_type = content_type;
  r.m_payload = payload;
  return r;
}

invocation_response invocation_response::failure(std::string const& error_message,
                                                 std::string const& error_type) {
  invocation_response r;
  r.m_success = false;
  r.m_content_type = "application/json";
  r.m_payload = "{\"errorMessage\":\"" + JsonEscape(error_message) + "\",\"errorType\":\"" +
                JsonEscape(error_type) + "\",\"stackTrace\":[]}";
  return r;
}

void run_handler(std::function<invocation_response(invocation_request const&)> const& handler) {
  for (const invocation_request& req : *g_scripted_requests) {
    g_posted_responses->push_back(handler(req));
  }
}

}  // namespace aws::lambda_runtime

namespace fnguard::lambda {
namespace {

using aws::lambda_runtime::invocation_request;
using aws::lambda_runtime::invocation_response;
using ::testing::HasSubstr;

// Only a custom rule, so the outcome does not depend on detector tuning.
constexpr std::string_view kRulePolicy = R"(version: 1
mode: block
inspection:
  detectors: [xxe]
  rules:
    - {id: forbidden-word, pattern: "(?i)forbidden_word", reason: "test rule"}
block_response:
  status: 403
  body: '{"message":"Forbidden"}'
)";

constexpr std::string_view kHttpBad =
    R"({"version":"2.0","rawPath":"/items","rawQueryString":"q=forbidden_word",)"
    R"("headers":{"accept":"*/*"},"queryStringParameters":{"q":"forbidden_word"},)"
    R"("requestContext":{"http":{"method":"GET","path":"/items"}},"isBase64Encoded":false})";
constexpr std::string_view kHttpGood =
    R"({"version":"2.0","rawPath":"/items","rawQueryString":"q=apples",)"
    R"("headers":{"accept":"*/*"},"queryStringParameters":{"q":"apples"},)"
    R"("requestContext":{"http":{"method":"GET","path":"/items"}},"isBase64Encoded":false})";
constexpr std::string_view kSqsBad =
    R"({"Records":[{"messageId":"m1","eventSource":"aws:sqs","body":"a forbidden_word here"}]})";

std::unique_ptr<Guard> RuleGuard() {
  auto g = Guard::FromString(kRulePolicy, "adapter-test.yaml");
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return std::move(g).value();
}

invocation_request MakeRequest(std::string_view payload, std::string id = "req-1") {
  invocation_request req;
  req.payload = std::string(payload);
  req.request_id = std::move(id);
  req.xray_trace_id = "Root=1-5f84c7a9-0123456789abcdef01234567;Sampled=1";
  req.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:adapter";
  req.deadline = std::chrono::system_clock::now() + std::chrono::seconds(3);
  return req;
}

// Runs `requests` through aws-lambda-cpp's run_handler with the protected handler.
std::vector<invocation_response> RunThroughAwsLoop(
    std::vector<invocation_request> requests,
    const std::function<invocation_response(invocation_request const&)>& handler) {
  std::vector<invocation_response> posted;
  aws::lambda_runtime::g_scripted_requests = &requests;
  aws::lambda_runtime::g_posted_responses = &posted;
  aws::lambda_runtime::run_handler(handler);
  aws::lambda_runtime::g_scripted_requests = nullptr;
  aws::lambda_runtime::g_posted_responses = nullptr;
  return posted;
}

std::string StringField(std::string_view json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  auto doc = parser.parse(padded);
  if (doc.error()) return "<invalid json>";
  std::string_view v;
  if (doc[key].get(v)) return "<missing>";
  return std::string(v);
}

TEST(AwsLambdaAdapterTest, BlockedHttpEventGets403AndHandlerIsNotCalled) {
  auto guard = RuleGuard();
  int calls = 0;
  auto handler = [&](invocation_request const&) {
    ++calls;
    return invocation_response::success("{\"statusCode\":200}", "application/json");
  };
  auto posted = RunThroughAwsLoop({MakeRequest(kHttpBad)}, Protect(*guard, handler));
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(posted[0].is_success());
  EXPECT_EQ(posted[0].get_content_type(), "application/json");
  simdjson::dom::parser parser;
  simdjson::padded_string padded(posted[0].get_payload());
  auto doc = parser.parse(padded);
  ASSERT_FALSE(doc.error()) << posted[0].get_payload();
  int64_t status = 0;
  ASSERT_FALSE(doc["statusCode"].get(status));
  EXPECT_EQ(status, 403);
  std::string_view body;
  ASSERT_FALSE(doc["body"].get(body));
  EXPECT_EQ(body, R"({"message":"Forbidden"})");
}

TEST(AwsLambdaAdapterTest, BlockedSqsEventIsAFunctionErrorOfTypeBlocked) {
  auto guard = RuleGuard();
  int calls = 0;
  auto handler = [&](invocation_request const&) {
    ++calls;
    return invocation_response::success("processed", "text/plain");
  };
  auto posted = RunThroughAwsLoop({MakeRequest(kSqsBad)}, Protect(*guard, handler));
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(posted[0].is_success());
  EXPECT_EQ(StringField(posted[0].get_payload(), "errorType"), "fnguard.Blocked");
  EXPECT_THAT(StringField(posted[0].get_payload(), "errorMessage"), HasSubstr("forbidden-word"));
}

TEST(AwsLambdaAdapterTest, CleanEventGetsTheHandlersOwnResponse) {
  auto guard = RuleGuard();
  std::vector<std::string> seen;
  auto handler = [&](invocation_request const& req) {
    seen.push_back(req.request_id + " " + req.payload);
    return invocation_response::success("<p>apples</p>", "text/html");
  };
  auto posted = RunThroughAwsLoop({MakeRequest(kHttpGood, "req-good")}, Protect(*guard, handler));
  ASSERT_EQ(posted.size(), 1u);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "req-good " + std::string(kHttpGood));
  EXPECT_TRUE(posted[0].is_success());
  EXPECT_EQ(posted[0].get_payload(), "<p>apples</p>");
  EXPECT_EQ(posted[0].get_content_type(), "text/html");
}

TEST(AwsLambdaAdapterTest, HandlersOwnFailureIsPassedThroughUnchanged) {
  auto guard = RuleGuard();
  auto handler = [](invocation_request const&) {
    return invocation_response::failure("no such item", "NotFound");
  };
  auto posted = RunThroughAwsLoop({MakeRequest(kHttpGood)}, Protect(*guard, handler));
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_FALSE(posted[0].is_success());
  EXPECT_EQ(posted[0].get_payload(),
            invocation_response::failure("no such item", "NotFound").get_payload());
}

TEST(AwsLambdaAdapterTest, HandlerExceptionBecomesAFailureAndTheLoopGoesOn) {
  auto guard = RuleGuard();
  int calls = 0;
  auto handler = [&](invocation_request const& req) -> invocation_response {
    ++calls;
    if (req.request_id == "req-throws") throw std::runtime_error("database unavailable");
    return invocation_response::success("ok", "text/plain");
  };
  auto posted =
      RunThroughAwsLoop({MakeRequest(kHttpGood, "req-throws"), MakeRequest(kHttpBad, "req-bad"),
                         MakeRequest(kHttpGood, "req-after")},
                        Protect(*guard, handler));
  ASSERT_EQ(posted.size(), 3u);
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(posted[0].is_success());
  EXPECT_EQ(StringField(posted[0].get_payload(), "errorType"), "fnguard.HandlerException");
  EXPECT_EQ(StringField(posted[0].get_payload(), "errorMessage"), "database unavailable");
  EXPECT_TRUE(posted[1].is_success());
  EXPECT_THAT(posted[1].get_payload(), HasSubstr("403"));
  EXPECT_TRUE(posted[2].is_success());
  EXPECT_EQ(posted[2].get_payload(), "ok");
}

TEST(AwsLambdaAdapterTest, ProtectedHandlerFitsAwsHandlerSignature) {
  auto guard = RuleGuard();
  auto plain = [](invocation_request const&) {
    return invocation_response::success("x", "text/plain");
  };
  using Expected = std::function<invocation_response(invocation_request const&)>;
  static_assert(std::is_constructible_v<Expected, decltype(Protect(*guard, plain))>);
  Expected as_function = Protect(*guard, plain);
  EXPECT_EQ(as_function(MakeRequest(kHttpGood)).get_payload(), "x");
}

TEST(AwsLambdaAdapterTest, PassedDeadlineDoesNotDelayTheResponse) {
  auto guard = RuleGuard();
  auto handler = [](invocation_request const&) {
    return invocation_response::success("late", "text/plain");
  };
  invocation_request req = MakeRequest(kHttpBad);
  req.deadline = std::chrono::system_clock::now() - std::chrono::seconds(1);
  auto start = std::chrono::steady_clock::now();
  auto posted = RunThroughAwsLoop({req}, Protect(*guard, handler));
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_THAT(posted[0].get_payload(), HasSubstr("403"));
  EXPECT_LT(elapsed, std::chrono::milliseconds(150));
}

TEST(AwsLambdaAdapterTest, RequestAndTraceIdsReachTheSecurityEvent) {
  std::string text(kRulePolicy);
  text += "reporting:\n  stdout: json\n";
  auto g = Guard::FromString(text, "adapter-report.yaml");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  auto handler = [](invocation_request const&) {
    return invocation_response::success("ok", "text/plain");
  };
  invocation_request req = MakeRequest(kHttpBad, "req-reported-42");
  ::testing::internal::CaptureStdout();
  auto posted = RunThroughAwsLoop({req}, Protect(**g, handler));
  std::string out = ::testing::internal::GetCapturedStdout();
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_THAT(out, HasSubstr("\"request_id\":\"req-reported-42\""));
  EXPECT_THAT(out, HasSubstr("\"trace_id\":\"" + req.xray_trace_id + "\""));
  EXPECT_THAT(out, HasSubstr("forbidden-word"));
}

}  // namespace
}  // namespace fnguard::lambda
