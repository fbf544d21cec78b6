// fnguard::lambda::Run and ReportInitError against a real HTTP server that
// speaks the Lambda Runtime API, started by each test on an ephemeral port.
#include <httplib.h>
#include <simdjson.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fnguard/guard.h"
#include "fnguard/lambda.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/core/missing_libcurl.h"

namespace fnguard::lambda {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Event {
  std::string id;
  std::string body;
  long long deadline_ms = 0;
  std::string trace_id;
};

struct Post {
  std::string path;
  std::string body;
  std::string content_type;
  std::string error_type_header;
  int remote_port = 0;
};

// A Runtime API server: hands out queued events on GET next and records
// every POST. Failures can be scripted (5xx on next, a status for posts).
class RuntimeApiServer {
 public:
  RuntimeApiServer() {
    server_.set_keep_alive_max_count(100000);
    server_.Get("/2018-06-01/runtime/invocation/next",
                [this](const httplib::Request& req, httplib::Response& res) {
                  std::unique_lock<std::mutex> lock(mu_);
                  remote_ports_.push_back(req.remote_port);
                  ++gets_;
                  if (fail_gets_ > 0) {
                    --fail_gets_;
                    res.status = 500;
                    res.set_content(R"({"errorType":"ServiceException"})", "application/json");
                    return;
                  }
                  cv_.wait(lock, [&] { return closing_ || !events_.empty(); });
                  if (closing_) {
                    res.status = 500;
                    return;
                  }
                  Event e = events_.front();
                  events_.pop_front();
                  res.set_header("Lambda-Runtime-Aws-Request-Id", e.id);
                  res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(e.deadline_ms));
                  res.set_header("Lambda-Runtime-Invoked-Function-Arn",
                                 "arn:aws:lambda:us-east-1:123456789012:function:unit");
                  if (!e.trace_id.empty()) res.set_header("Lambda-Runtime-Trace-Id", e.trace_id);
                  res.set_header("Lambda-Runtime-Client-Context", R"({"client":{"app_title":"t"}})");
                  res.set_header("Lambda-Runtime-Cognito-Identity", R"({"cognitoIdentityId":"c1"})");
                  res.set_content(e.body, "application/json");
                });
    server_.Post(R"(/2018-06-01/runtime/.*)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   std::lock_guard<std::mutex> lock(mu_);
                   posts_.push_back(Post{req.path, req.body, req.get_header_value("Content-Type"),
                                         req.get_header_value("Lambda-Runtime-Function-Error-Type"),
                                         req.remote_port});
                   cv_.notify_all();
                   if (!post_statuses_.empty()) {
                     res.status = post_statuses_.front();
                     post_statuses_.pop_front();
                     res.set_content(R"({"errorMessage":"scripted","errorType":"Scripted"})",
                                     "application/json");
                     return;
                   }
                   res.status = 202;
                   res.set_content(R"({"status":"OK"})", "application/json");
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 2000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    setenv("AWS_LAMBDA_RUNTIME_API", ("127.0.0.1:" + std::to_string(port_)).c_str(), 1);
  }

  ~RuntimeApiServer() { Stop(); }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
      stopped_ = true;
      closing_ = true;
      cv_.notify_all();
    }
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void AddEvent(Event e) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(e));
    cv_.notify_all();
  }
  void FailNextGets(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_gets_ = n;
  }
  void ScriptPostStatuses(std::vector<int> statuses) {
    std::lock_guard<std::mutex> lock(mu_);
    post_statuses_.assign(statuses.begin(), statuses.end());
  }

  // Waits (bounded) until `n` posts arrived; returns them.
  std::vector<Post> WaitForPosts(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return posts_.size() >= n; });
    return posts_;
  }
  int gets() {
    std::lock_guard<std::mutex> lock(mu_);
    return gets_;
  }
  std::vector<int> remote_ports() {
    std::lock_guard<std::mutex> lock(mu_);
    return remote_ports_;
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = -1;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  std::vector<Post> posts_;
  std::deque<int> post_statuses_;
  std::vector<int> remote_ports_;
  int fail_gets_ = 0;
  int gets_ = 0;
  bool closing_ = false;
  bool stopped_ = false;
};

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs Run() on a thread; the result is available once the API goes away.
// Stops the server when destroyed, so a failing test cannot hang on the loop.
class RunInBackground {
 public:
  RunInBackground(RuntimeApiServer& api, const Guard& guard, RequestHandler handler)
      : api_(api), future_(std::async(std::launch::async, [&guard, h = std::move(handler)] {
          return Run(guard, h);
        })) {}
  ~RunInBackground() { api_.Stop(); }
  // Waits up to `timeout` for Run to return; -100 when it did not.
  int Wait(std::chrono::milliseconds timeout) {
    if (future_.wait_for(timeout) != std::future_status::ready) return -100;
    return future_.get();
  }

 private:
  RuntimeApiServer& api_;
  std::future<int> future_;
};

struct ErrorDoc {
  std::string message;
  std::string type;
  bool has_empty_stack_trace = false;
};

ErrorDoc ParseErrorDoc(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ErrorDoc out;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS) return out;
  std::string_view v;
  if (doc["errorMessage"].get_string().get(v) == simdjson::SUCCESS) out.message = std::string(v);
  if (doc["errorType"].get_string().get(v) == simdjson::SUCCESS) out.type = std::string(v);
  simdjson::dom::array stack;
  if (doc["stackTrace"].get_array().get(stack) == simdjson::SUCCESS) {
    out.has_empty_stack_trace = stack.size() == 0;
  }
  return out;
}

class RunTest : public ::testing::Test {
 protected:
  std::unique_ptr<Guard> guard_ = Guard::WithDefaults();
  RuntimeApiServer api_;
};

TEST_F(RunTest, PostsTheResponseWithItsContentTypeAndPassesInvocationFacts) {
  const long long deadline = NowMs() + 30000;
  api_.AddEvent({"req-1", R"({"greeting":"hi"})", deadline, "Root=1-5e1b4151-5ac6c58f5b5dbd6a1b3c0d2e;Parent=1;Sampled=0"});
  std::promise<Request> seen;
  std::promise<std::string> trace_env;
  RunInBackground run(api_, *guard_, [&](const Request& req) {
    seen.set_value(req);
    const char* t = getenv("_X_AMZN_TRACE_ID");
    trace_env.set_value(t == nullptr ? "" : t);
    return Response::Success("plain text reply", "text/plain; charset=utf-8");
  });
  std::vector<Post> posts = api_.WaitForPosts(1);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req-1/response");
  EXPECT_EQ(posts[0].body, "plain text reply");
  EXPECT_EQ(posts[0].content_type, "text/plain; charset=utf-8");

  Request req = seen.get_future().get();
  EXPECT_EQ(req.payload, R"({"greeting":"hi"})");
  EXPECT_EQ(req.request_id, "req-1");
  EXPECT_EQ(req.function_arn, "arn:aws:lambda:us-east-1:123456789012:function:unit");
  EXPECT_EQ(req.xray_trace_id, "Root=1-5e1b4151-5ac6c58f5b5dbd6a1b3c0d2e;Parent=1;Sampled=0");
  EXPECT_EQ(req.client_context, R"({"client":{"app_title":"t"}})");
  EXPECT_EQ(req.cognito_identity, R"({"cognitoIdentityId":"c1"})");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(req.deadline.time_since_epoch()).count(),
            deadline);
  EXPECT_GT(req.get_time_remaining().count(), 20000);
  EXPECT_EQ(trace_env.get_future().get(), req.xray_trace_id);

  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
}

TEST_F(RunTest, HandlesManyInvocationsInOrderOverOneConnection) {
  for (int i = 0; i < 5; ++i) {
    api_.AddEvent({"id-" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}", NowMs() + 30000, ""});
  }
  RunInBackground run(api_, *guard_, [](const Request& req) { return Response::Success(req.payload); });
  std::vector<Post> posts = api_.WaitForPosts(5);
  ASSERT_EQ(posts.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(posts[i].path, "/2018-06-01/runtime/invocation/id-" + std::to_string(i) + "/response");
    EXPECT_EQ(posts[i].body, "{\"n\":" + std::to_string(i) + "}");
    EXPECT_EQ(posts[i].remote_port, posts[0].remote_port) << "the connection was not reused";
  }
  for (int port : api_.remote_ports()) EXPECT_EQ(port, posts[0].remote_port);
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
}

TEST_F(RunTest, RequestIdsThatAreNotPlainAreEscapedInThePostUrl) {
  // Lambda's ids are UUIDs; anything else still makes a valid URL.
  api_.AddEvent({"req 1/2?x", R"({"n":1})", NowMs() + 30000, ""});
  api_.AddEvent({"8f0c1a52-1111-4222-8333-444455556666", R"({"n":2})", NowMs() + 30000, ""});
  RunInBackground run(api_, *guard_, [](const Request& req) { return Response::Success(req.payload); });
  std::vector<Post> posts = api_.WaitForPosts(2);
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req 1/2?x/response");  // as decoded
  EXPECT_EQ(posts[0].body, R"({"n":1})");
  EXPECT_EQ(posts[1].path,
            "/2018-06-01/runtime/invocation/8f0c1a52-1111-4222-8333-444455556666/response");
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
}

TEST_F(RunTest, TraceIdEnvironmentIsRewrittenInPlaceNotReallocatedPerInvocation) {
  const std::string long_trace = "Root=1-" + std::string(300, 'f') + ";Sampled=1";
  const std::vector<std::string> traces = {"Root=1-aaaa;Sampled=0", "Root=1-bb;Sampled=1", long_trace,
                                           "Root=1-dd;Sampled=0", ""};
  for (size_t i = 0; i < traces.size(); ++i) {
    api_.AddEvent({"t-" + std::to_string(i), "{}", NowMs() + 30000, traces[i]});
  }
  std::mutex mu;
  std::vector<std::pair<std::string, const char*>> seen;  // value (or "<unset>"), address
  RunInBackground run(api_, *guard_, [&](const Request&) {
    const char* v = getenv("_X_AMZN_TRACE_ID");
    std::lock_guard<std::mutex> lock(mu);
    seen.emplace_back(v == nullptr ? "<unset>" : v, v);
    return Response::Success("{}");
  });
  ASSERT_EQ(api_.WaitForPosts(traces.size()).size(), traces.size());
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(seen.size(), traces.size());
  for (size_t i = 0; i + 1 < traces.size(); ++i) EXPECT_EQ(seen[i].first, traces[i]) << i;
  EXPECT_EQ(seen[4].first, "<unset>");
  EXPECT_EQ(seen[0].second, seen[1].second);  // same buffer, rewritten
  EXPECT_NE(seen[2].second, seen[1].second);  // grown for the long id
  EXPECT_EQ(seen[3].second, seen[2].second);
}

TEST_F(RunTest, HandlerFailureIsPostedAsAnErrorDocument) {
  api_.AddEvent({"req-err", R"({"a":1})", NowMs() + 30000, ""});
  RunInBackground run(api_, *guard_, [](const Request&) {
    return Response::Failure("order 17 does not exist", "NotFoundError");
  });
  std::vector<Post> posts = api_.WaitForPosts(1);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req-err/error");
  EXPECT_EQ(posts[0].error_type_header, "NotFoundError");
  EXPECT_EQ(posts[0].content_type, "application/json");
  ErrorDoc doc = ParseErrorDoc(posts[0].body);
  EXPECT_EQ(doc.message, "order 17 does not exist");
  EXPECT_EQ(doc.type, "NotFoundError");
  EXPECT_TRUE(doc.has_empty_stack_trace);
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
}

TEST_F(RunTest, HandlerExceptionNeverEscapesAndIsPostedAsAnError) {
  api_.AddEvent({"req-throw", R"({"a":1})", NowMs() + 30000, ""});
  api_.AddEvent({"req-after", R"({"a":2})", NowMs() + 30000, ""});
  RunInBackground run(api_, *guard_, [](const Request& req) -> Response {
    if (req.request_id == "req-throw") throw std::runtime_error("database unreachable");
    return Response::Success("{}");
  });
  std::vector<Post> posts = api_.WaitForPosts(2);
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req-throw/error");
  ErrorDoc doc = ParseErrorDoc(posts[0].body);
  EXPECT_THAT(doc.message, HasSubstr("database unreachable"));
  EXPECT_EQ(doc.type, "fnguard.HandlerException");
  EXPECT_EQ(posts[0].error_type_header, "fnguard.HandlerException");
  // The loop kept going.
  EXPECT_EQ(posts[1].path, "/2018-06-01/runtime/invocation/req-after/response");
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
}

TEST_F(RunTest, BlockedHttpEventGetsTheBlockResponseWithoutCallingTheHandler) {
  const std::string attack =
      R"({"version":"2.0","routeKey":"GET /items","rawPath":"/items","rawQueryString":"id=1",)"
      R"("headers":{"host":"api.test"},"queryStringParameters":{"id":"0 UNION SELECT login, secret FROM staff--"},)"
      R"("requestContext":{"http":{"method":"GET","path":"/items","sourceIp":"192.0.2.1"},"requestId":"r"},)"
      R"("isBase64Encoded":false})";
  api_.AddEvent({"req-attack", attack, NowMs() + 30000, ""});
  std::atomic<int> calls{0};
  RunInBackground run(api_, *guard_, [&](const Request&) {
    ++calls;
    return Response::Success(R"({"statusCode":200,"body":"items"})");
  });
  std::vector<Post> posts = api_.WaitForPosts(1);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req-attack/response");
  EXPECT_THAT(posts[0].body, HasSubstr("403"));
  EXPECT_EQ(calls.load(), 0);
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
}

TEST_F(RunTest, BlockedNonHttpEventIsPostedAsAnError) {
  api_.AddEvent({"req-raw", R"({"customer":"x' UNION SELECT card_number, cvv FROM payments--"})",
                 NowMs() + 30000, ""});
  std::atomic<int> calls{0};
  RunInBackground run(api_, *guard_, [&](const Request&) {
    ++calls;
    return Response::Success("{}");
  });
  std::vector<Post> posts = api_.WaitForPosts(1);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req-raw/error");
  EXPECT_FALSE(posts[0].error_type_header.empty());
  EXPECT_EQ(calls.load(), 0);
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
}

TEST_F(RunTest, RetriesNextAfterServerErrorsAndRecovers) {
  api_.FailNextGets(3);
  api_.AddEvent({"req-late", R"({"a":1})", NowMs() + 30000, ""});
  RunInBackground run(api_, *guard_, [](const Request&) { return Response::Success("{\"ok\":1}"); });
  std::vector<Post> posts = api_.WaitForPosts(1);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req-late/response");
  EXPECT_GE(api_.gets(), 4);
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
}

TEST_F(RunTest, RetriesAResponsePostThatGotA5xx) {
  api_.ScriptPostStatuses({503});
  api_.AddEvent({"req-retry", R"({"a":1})", NowMs() + 30000, ""});
  RunInBackground run(api_, *guard_, [](const Request&) { return Response::Success("{\"ok\":1}"); });
  std::vector<Post> posts = api_.WaitForPosts(2);
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req-retry/response");
  EXPECT_EQ(posts[1].path, "/2018-06-01/runtime/invocation/req-retry/response");
  EXPECT_EQ(posts[1].body, "{\"ok\":1}");
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
}

TEST_F(RunTest, RejectedResponseIsReportedAsAnError) {
  api_.ScriptPostStatuses({413});
  api_.AddEvent({"req-big", R"({"a":1})", NowMs() + 30000, ""});
  RunInBackground run(api_, *guard_, [](const Request&) { return Response::Success(std::string(1000, 'x')); });
  std::vector<Post> posts = api_.WaitForPosts(2);
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req-big/response");
  EXPECT_EQ(posts[1].path, "/2018-06-01/runtime/invocation/req-big/error");
  EXPECT_EQ(posts[1].error_type_header, "Function.ResponseSizeTooLarge");
  EXPECT_THAT(ParseErrorDoc(posts[1].body).message, HasSubstr("413"));
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
}

TEST_F(RunTest, ReturnsNonZeroWhenTheApiGoesAway) {
  api_.AddEvent({"req-1", R"({"a":1})", NowMs() + 30000, ""});
  RunInBackground run(api_, *guard_, [](const Request&) { return Response::Success("{}"); });
  ASSERT_EQ(api_.WaitForPosts(1).size(), 1u);
  auto start = std::chrono::steady_clock::now();
  api_.Stop();
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(RunTest, ReturnsNonZeroWhenNothingListens) {
  api_.Stop();  // the port is now closed
  auto start = std::chrono::steady_clock::now();
  RunInBackground run(api_, *guard_, [](const Request&) { return Response::Success("{}"); });
  EXPECT_EQ(run.Wait(std::chrono::seconds(15)), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(RunTest, MissingEndpointReturnsOne) {
  unsetenv("AWS_LAMBDA_RUNTIME_API");
  EXPECT_EQ(lambda::Run(*guard_, [](const Request&) { return Response::Success("{}"); }), 1);
}

// Without libcurl (FNGUARD_LIBCURL names a file that is not there) the loop
// stops at once with a message naming libcurl, before any request and
// without calling the handler. Runs in a fresh process: libcurl is loaded
// once per process.
std::string ProblemsWithoutLibcurl(const Guard& guard, RuntimeApiServer& api) {
  bool called = false;
  const int rc = Run(guard, [&called](const Request&) {
    called = true;
    return Response::Success("{}");
  });
  if (rc != 1) return "Run() returned " + std::to_string(rc);
  if (called) return "the handler was called";
  if (api.gets() != 0) return "the loop asked the Runtime API for an event";
  return "";
}

using RunDeathTest = RunTest;

TEST_F(RunDeathTest, WithoutLibcurlTheLoopStopsWithAClearMessage) {
  api_.AddEvent({"req-1", R"({"a":1})", NowMs() + 30000, ""});
  testing::ExpectNoProblemsWithoutLibcurl(
      [this] { return ProblemsWithoutLibcurl(*guard_, api_); },
      std::string("cannot talk to the Runtime API: libcurl could not be loaded: ") +
          testing::kMissingLibcurl);
}

TEST_F(RunTest, ReportInitErrorPostsToInitError) {
  int rc = ReportInitError(Status(StatusCode::kInvalidArgument, "policy.yaml:3: unknown key 'mdoe'"));
  EXPECT_EQ(rc, 1);
  std::vector<Post> posts = api_.WaitForPosts(1);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(posts[0].error_type_header, "Runtime.InitError");
  ErrorDoc doc = ParseErrorDoc(posts[0].body);
  EXPECT_EQ(doc.type, "Runtime.InitError");
  EXPECT_THAT(doc.message, HasSubstr("unknown key 'mdoe'"));
}

TEST(RequestTest, TimeRemainingCountsDownToTheDeadline) {
  Request req;
  req.deadline = std::chrono::system_clock::now() + std::chrono::seconds(2);
  EXPECT_GT(req.get_time_remaining().count(), 1500);
  EXPECT_LE(req.get_time_remaining().count(), 2000);
  req.deadline = std::chrono::system_clock::now() - std::chrono::seconds(1);
  EXPECT_LT(req.get_time_remaining().count(), 0);
}

}  // namespace
}  // namespace fnguard::lambda
