// The event → HTTP request converter and the ModSecurity + OWASP CRS
// reference engine used by `fnguard bench --vs modsecurity` and
// `fnguard eval --engine modsecurity`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/status/status.h"

#include "wrappers/cli/eval_events.h"
#include "wrappers/cli/event_request.h"
#ifdef FNGUARD_HAVE_MODSECURITY
#include "wrappers/cli/modsecurity_engine.h"
#endif

namespace fnguard::cli {
namespace {

using ::testing::Contains;
using ::testing::Pair;

TEST(HttpRequestFromEventTest, HttpApiV2EventMapsToTheRequestLine) {
  RequestLine line;
  line.method = "PUT";
  line.uri = "/v1/carts/42?coupon=SPRING%2010&verbose";
  line.headers = {{"Content-Type", "application/json"},
                  {"Host", "api.example.org"},
                  {"Cookie", "session=abc; theme=light"}};
  line.body = R"({"qty":3,"sku":"TX-9"})";
  auto converted = HttpRequestFromEvent(BuildRequestEvent(line));
  ASSERT_TRUE(converted.ok()) << converted.status();
  EXPECT_EQ(converted->source, RequestSource::kHttpApiV2);
  const HttpRequest& req = converted->request;
  EXPECT_EQ(req.method, "PUT");
  EXPECT_EQ(req.uri, "/v1/carts/42?coupon=SPRING%2010&verbose");
  EXPECT_EQ(req.http_version, "1.1");
  EXPECT_EQ(req.client_ip, "203.0.113.10");
  EXPECT_THAT(req.headers, Contains(Pair("content-type", "application/json")));
  EXPECT_THAT(req.headers, Contains(Pair("host", "api.example.org")));
  EXPECT_THAT(req.headers, Contains(Pair("cookie", "session=abc; theme=light")));
  EXPECT_THAT(req.headers, Contains(Pair("content-length", std::to_string(line.body.size()))));
  EXPECT_EQ(req.body, line.body);
}

TEST(HttpRequestFromEventTest, Base64BodyIsDecodedAndPathWithoutQueryHasNoQuestionMark) {
  const std::string event = R"({"version":"2.0","rawPath":"/upload","rawQueryString":"",
    "headers":{"content-type":"text/plain","host":"h.example"},
    "requestContext":{"http":{"method":"POST","sourceIp":"198.51.100.7","protocol":"HTTP/2.0"}},
    "body":"aGVsbG8sIHdvcmxk","isBase64Encoded":true})";
  auto converted = HttpRequestFromEvent(event);
  ASSERT_TRUE(converted.ok()) << converted.status();
  EXPECT_EQ(converted->request.method, "POST");
  EXPECT_EQ(converted->request.uri, "/upload");
  EXPECT_EQ(converted->request.http_version, "2.0");
  EXPECT_EQ(converted->request.client_ip, "198.51.100.7");
  EXPECT_EQ(converted->request.body, "hello, world");
}

TEST(HttpRequestFromEventTest, RestApiEventReencodesDecodedQueryValues) {
  const std::string event = R"({"resource":"/search","path":"/search","httpMethod":"GET",
    "queryStringParameters":{"q":"red shoes"},
    "multiValueQueryStringParameters":{"q":["red shoes"],"page":["2"]},
    "headers":{"Host":"x.example"},"multiValueHeaders":{"Host":["x.example"],"Accept":["*/*"]},
    "requestContext":{"identity":{"sourceIp":"192.0.2.44"}},"body":null,"isBase64Encoded":false})";
  auto converted = HttpRequestFromEvent(event);
  ASSERT_TRUE(converted.ok()) << converted.status();
  EXPECT_EQ(converted->source, RequestSource::kRestApiV1);
  EXPECT_EQ(converted->request.method, "GET");
  EXPECT_EQ(converted->request.uri, "/search?q=red%20shoes&page=2");
  EXPECT_EQ(converted->request.client_ip, "192.0.2.44");
  EXPECT_THAT(converted->request.headers, Contains(Pair("Accept", "*/*")));
  EXPECT_TRUE(converted->request.body.empty());
}

TEST(HttpRequestFromEventTest, AlbQueryValuesArriveEncodedAndStaySo) {
  const std::string event = R"({"requestContext":{"elb":{"targetGroupArn":"arn:x"}},
    "httpMethod":"GET","path":"/lambda","queryStringParameters":{"query":"1234ABCD%20x"},
    "headers":{"host":"lb.example"},"body":"","isBase64Encoded":false})";
  auto converted = HttpRequestFromEvent(event);
  ASSERT_TRUE(converted.ok()) << converted.status();
  EXPECT_EQ(converted->source, RequestSource::kAlb);
  EXPECT_EQ(converted->request.uri, "/lambda?query=1234ABCD%20x");
}

TEST(HttpRequestFromEventTest, NonHttpEventIsPostedWholeAsJson) {
  const std::string event = R"({"Records":[{"eventSource":"aws:sqs","body":"order 7 shipped"}]})";
  auto converted = HttpRequestFromEvent(event);
  ASSERT_TRUE(converted.ok()) << converted.status();
  EXPECT_EQ(converted->source, RequestSource::kOtherEvent);
  EXPECT_EQ(converted->request.method, "POST");
  EXPECT_EQ(converted->request.uri, "/");
  EXPECT_EQ(converted->request.body, event);
  EXPECT_THAT(converted->request.headers, Contains(Pair("content-type", "application/json")));
}

TEST(HttpRequestFromEventTest, RejectsInputThatIsNotJson) {
  EXPECT_FALSE(HttpRequestFromEvent("not json").ok());
  EXPECT_FALSE(HttpRequestFromEvent("{\"a\":").ok());
  EXPECT_FALSE(HttpRequestFromEvent("").ok());
}

TEST(HttpRequestFromEventTest, JsonArrayEventIsPostedWhole) {
  auto converted = HttpRequestFromEvent(R"([{"field":"getPost","arguments":{"id":"7"}}])");
  ASSERT_TRUE(converted.ok()) << converted.status();
  EXPECT_EQ(converted->source, RequestSource::kOtherEvent);
  EXPECT_EQ(converted->request.method, "POST");
  EXPECT_EQ(converted->request.body, R"([{"field":"getPost","arguments":{"id":"7"}}])");
}

#ifdef FNGUARD_HAVE_MODSECURITY

class ModSecurityEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto created = ModSecurityEngine::Create(ModSecurityOptions{});
    if (created.ok()) {
      engine_ = std::move(created).value().release();
    } else {
      load_error_ = new std::string(created.status().ToString());
    }
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
    delete load_error_;
    load_error_ = nullptr;
  }
  void SetUp() override {
    if (engine_ == nullptr) GTEST_SKIP() << "OWASP CRS not loadable here: " << *load_error_;
  }

  static HttpRequest Get(std::string uri) {
    HttpRequest req;
    req.uri = std::move(uri);
    req.headers = {{"host", "shop.example.com"},
                   {"user-agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"},
                   {"accept", "text/html,application/json"}};
    return req;
  }

  static ModSecurityEngine* engine_;
  static std::string* load_error_;
};

ModSecurityEngine* ModSecurityEngineTest::engine_ = nullptr;
std::string* ModSecurityEngineTest::load_error_ = nullptr;

TEST_F(ModSecurityEngineTest, LoadsTheCoreRuleSet) {
  EXPECT_GT(engine_->rule_count(), 100);
  EXPECT_NE(engine_->version().find("ModSecurity"), std::string::npos);
}

TEST_F(ModSecurityEngineTest, ClassicSqlInjectionInTheQueryIsBlocked) {
  ModSecurityResult r = engine_->Evaluate(
      Get("/products?id=" + UrlEncode("7' UNION SELECT login, passwd FROM accounts-- -")));
  EXPECT_TRUE(r.intervened);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.attack, "sqli");
  EXPECT_FALSE(r.rule_id.empty());
}

TEST_F(ModSecurityEngineTest, BenignRequestPasses) {
  ModSecurityResult r = engine_->Evaluate(Get("/products?category=garden&sort=price&page=3"));
  EXPECT_FALSE(r.intervened);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.rule_id.empty());
}

TEST_F(ModSecurityEngineTest, JsonBodyIsParsedAndInspected) {
  HttpRequest req = Get("/comments");
  req.method = "POST";
  req.body = R"({"author":"kim","text":"<img src=x onerror=alert(document.domain)>"})";
  req.headers.emplace_back("content-type", "application/json");
  req.headers.emplace_back("content-length", std::to_string(req.body.size()));
  ModSecurityResult r = engine_->Evaluate(req);
  EXPECT_TRUE(r.intervened);
  EXPECT_EQ(r.attack, "xss");

  req.body = R"({"author":"kim","text":"Lovely lavender, arrived on time."})";
  req.headers.back().second = std::to_string(req.body.size());
  EXPECT_FALSE(engine_->Evaluate(req).intervened);
}

TEST_F(ModSecurityEngineTest, ConvertedEventCarriesTheAttackThrough) {
  RequestLine line;
  line.uri = "/files?name=" + UrlEncode("../../../../etc/shadow");
  line.headers = {{"host", "files.example.com"}, {"user-agent", "curl/8.4.0"}, {"accept", "*/*"}};
  auto converted = HttpRequestFromEvent(BuildRequestEvent(line));
  ASSERT_TRUE(converted.ok()) << converted.status();
  ModSecurityResult r = engine_->Evaluate(converted->request);
  EXPECT_TRUE(r.intervened);
}

TEST(ModSecurityEngineLoadTest, MissingRuleSetIsAnErrorNotACrash) {
  ModSecurityOptions options;
  options.crs_rules_dir = "/nonexistent/crs/rules";
  auto created = ModSecurityEngine::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.status().message().find("/nonexistent/crs/rules"), std::string::npos);
}

TEST(ModSecurityEngineLoadTest, BrokenRuleFileIsAParserError) {
  const std::string dir = ::testing::TempDir() + "/fnguard-broken-crs";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir + "/REQUEST-901-INITIALIZATION.conf") << "SecRule ARGS \"@rx a\" \"id:1,phase:2,\n";
  }
  ModSecurityOptions options;
  options.crs_rules_dir = dir;
  auto created = ModSecurityEngine::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  std::filesystem::remove_all(dir);
}

#else

TEST(ModSecurityEngineTest, NotBuilt) {
  GTEST_SKIP() << "libmodsecurity was not found at build time";
}

#endif  // FNGUARD_HAVE_MODSECURITY

}  // namespace
}  // namespace fnguard::cli
