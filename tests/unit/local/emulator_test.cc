// The local Runtime API emulator driving real function processes: the hello
// example, the misbehaving fixture (examples/misbehaving) and a /bin/sh
// runtime built on curl(1).
#include <httplib.h>
#include <simdjson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wrappers/cli/cli.h"
#include "wrappers/local/function_process.h"
#include "wrappers/local/testing.h"

namespace fnguard::local {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

const std::string kHello = std::string(FNGUARD_BINARY_DIR) + "/examples/hello/bootstrap";
const std::string kFixture = std::string(FNGUARD_BINARY_DIR) + "/examples/misbehaving/bootstrap";
const std::string kHelloDir = std::string(FNGUARD_SOURCE_DIR) + "/examples/hello";

bool Executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

#define REQUIRE_BINARY(path)                                                    \
  if (!Executable(path)) GTEST_SKIP() << (path) << " is not built (build the examples)"

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Member(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) return "<not json>";
  std::string_view v;
  if (doc[key].get_string().get(v) != simdjson::SUCCESS) return "<missing>";
  return std::string(v);
}

std::unique_ptr<LocalRuntime> StartOrDie(LocalRuntimeOptions options) {
  auto rt = LocalRuntime::Start(std::move(options));
  EXPECT_TRUE(rt.ok()) << rt.status();
  return rt.ok() ? std::move(*rt) : nullptr;
}

LocalRuntimeOptions FixtureOptions() {
  LocalRuntimeOptions o;
  o.argv = {kFixture};
  o.timeout = std::chrono::milliseconds(2000);
  return o;
}

TEST(LocalRuntimeTest, HelloGreetsFromTheQueryString) {
  REQUIRE_BINARY(kHello);
  LocalRuntimeOptions o;
  o.command = kHello;
  o.policy_path = kHelloDir + "/policy.yaml";
  auto rt = StartOrDie(o);
  ASSERT_NE(rt, nullptr);
  InvocationResult r = rt->Invoke(ReadText(kHelloDir + "/events/benign-get.json"));
  ASSERT_EQ(r.status, InvocationStatus::kSuccess) << r.error_type << ": " << r.error_message;
  EXPECT_THAT(r.response, HasSubstr(R"("statusCode":200)"));
  EXPECT_THAT(r.response, HasSubstr(R"(hello, Ada)"));
  EXPECT_THAT(r.request_id,
              MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));

  InvocationResult post = rt->Invoke(ReadText(kHelloDir + "/events/benign-post.json"));
  ASSERT_TRUE(post.ok());
  EXPECT_THAT(post.response, HasSubstr("O'Brien"));
  EXPECT_EQ(rt->process_starts(), 1);
}

TEST(LocalRuntimeTest, HelloBlocksAnAttackWith403) {
  REQUIRE_BINARY(kHello);
  LocalRuntimeOptions o;
  o.command = kHello;
  o.policy_path = kHelloDir + "/policy.yaml";
  auto rt = StartOrDie(o);
  ASSERT_NE(rt, nullptr);
  InvocationResult r = rt->Invoke(ReadText(kHelloDir + "/events/attack-sqli.json"));
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r.response, HasSubstr(R"("statusCode":403)"));
  EXPECT_THAT(r.response, ::testing::Not(HasSubstr("hello,")));
}

TEST(LocalRuntimeTest, FunctionErrorIsReported) {
  REQUIRE_BINARY(kFixture);
  auto rt = StartOrDie(FixtureOptions());
  ASSERT_NE(rt, nullptr);
  InvocationResult r = rt->Invoke(R"({"action":"error"})");
  EXPECT_EQ(r.status, InvocationStatus::kError);
  EXPECT_EQ(r.error_type, "FixtureError");
  EXPECT_EQ(r.error_message, "the fixture was asked to fail");
  EXPECT_EQ(Member(r.response, "errorType"), "FixtureError");
  // The same process keeps serving.
  EXPECT_TRUE(rt->Invoke(R"({"action":"echo"})").ok());
  EXPECT_EQ(rt->process_starts(), 1);
}

TEST(LocalRuntimeTest, DeadlineKillsTheFunctionAndAFreshOneServesTheNextEvent) {
  REQUIRE_BINARY(kFixture);
  LocalRuntimeOptions o = FixtureOptions();
  o.timeout = std::chrono::milliseconds(500);
  auto rt = StartOrDie(o);
  ASSERT_NE(rt, nullptr);
  auto start = std::chrono::steady_clock::now();
  InvocationResult r = rt->Invoke(R"({"action":"sleep","ms":30000})");
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, InvocationStatus::kTimeout);
  EXPECT_EQ(r.error_type, "Sandbox.Timedout");
  EXPECT_EQ(r.error_message, "Task timed out after 0.50 seconds");
  EXPECT_GE(r.duration_ms, 500);
  EXPECT_LT(elapsed, std::chrono::seconds(5));

  InvocationResult next = rt->Invoke(R"({"action":"echo","n":2})");
  ASSERT_TRUE(next.ok()) << next.error_message;
  EXPECT_EQ(next.response, R"({"action":"echo","n":2})");
  EXPECT_EQ(rt->process_starts(), 2);
}

TEST(LocalRuntimeTest, CrashIsReportedAndTheFunctionRestarted) {
  REQUIRE_BINARY(kFixture);
  auto rt = StartOrDie(FixtureOptions());
  ASSERT_NE(rt, nullptr);
  InvocationResult r = rt->Invoke(R"({"action":"crash"})");
  EXPECT_EQ(r.status, InvocationStatus::kCrash);
  EXPECT_EQ(r.error_type, "Runtime.ExitError");
  EXPECT_EQ(r.error_message, "Runtime exited with error: signal: aborted");

  InvocationResult exited = rt->Invoke(R"({"action":"exit","code":7})");
  EXPECT_EQ(exited.status, InvocationStatus::kCrash);
  EXPECT_EQ(exited.error_message, "Runtime exited with error: exit status 7");

  EXPECT_TRUE(rt->Invoke(R"({"action":"echo"})").ok());
  EXPECT_EQ(rt->process_starts(), 3);
}

TEST(LocalRuntimeTest, RuntimeThatExitsBetweenEventsIsRestartedTransparently) {
  REQUIRE_BINARY(kFixture);
  auto rt = StartOrDie(FixtureOptions());
  ASSERT_NE(rt, nullptr);
  ASSERT_TRUE(rt->Invoke(R"({"action":"exit-after"})").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // it exits meanwhile
  InvocationResult r = rt->Invoke(R"({"action":"echo"})");
  EXPECT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(rt->process_starts(), 2);
}

TEST(LocalRuntimeTest, InitErrorIsReported) {
  REQUIRE_BINARY(kFixture);
  LocalRuntimeOptions o = FixtureOptions();
  o.env.emplace_back("FIXTURE_INIT", "error");
  auto rt = StartOrDie(o);
  ASSERT_NE(rt, nullptr);
  InvocationResult r = rt->Invoke(R"({"action":"echo"})");
  EXPECT_EQ(r.status, InvocationStatus::kError);
  EXPECT_TRUE(r.init_error);
  EXPECT_EQ(r.error_type, "Runtime.InitError");
  EXPECT_THAT(r.error_message, HasSubstr("the fixture was asked to fail init"));
}

TEST(LocalRuntimeTest, CrashDuringInitIsACrash) {
  REQUIRE_BINARY(kFixture);
  LocalRuntimeOptions o = FixtureOptions();
  o.env.emplace_back("FIXTURE_INIT", "crash");
  auto rt = StartOrDie(o);
  ASSERT_NE(rt, nullptr);
  InvocationResult r = rt->Invoke(R"({"action":"echo"})");
  EXPECT_EQ(r.status, InvocationStatus::kCrash);
  EXPECT_EQ(r.error_message, "Runtime exited with error: signal: aborted");
}

TEST(LocalRuntimeTest, InitLongerThanItsAllowanceTimesOut) {
  REQUIRE_BINARY(kFixture);
  LocalRuntimeOptions o = FixtureOptions();
  o.init_timeout = std::chrono::milliseconds(300);
  o.env.emplace_back("FIXTURE_INIT", "slow");
  o.env.emplace_back("FIXTURE_INIT_MS", "20000");
  auto rt = StartOrDie(o);
  ASSERT_NE(rt, nullptr);
  InvocationResult r = rt->Invoke(R"({"action":"echo"})");
  EXPECT_EQ(r.status, InvocationStatus::kTimeout);
  EXPECT_EQ(r.error_message, "Init timed out after 0.30 seconds");
}

TEST(LocalRuntimeTest, OversizedResponseIsRefusedAndReportedAsAnError) {
  REQUIRE_BINARY(kFixture);
  auto rt = StartOrDie(FixtureOptions());
  ASSERT_NE(rt, nullptr);
  InvocationResult r = rt->Invoke(R"({"action":"big"})");
  EXPECT_EQ(r.status, InvocationStatus::kError);
  EXPECT_EQ(r.error_type, "Function.ResponseSizeTooLarge");
  EXPECT_THAT(r.error_message, HasSubstr("413"));
}

TEST(LocalRuntimeTest, FunctionSeesTheLambdaEnvironmentAndHeaders) {
  REQUIRE_BINARY(kFixture);
  LocalRuntimeOptions o = FixtureOptions();
  o.function_name = "orders-api";
  o.memory_mb = 512;
  o.policy_path = kHelloDir + "/policy.yaml";
  o.env.emplace_back("FIXTURE_EXTRA", "extra-value");
  auto rt = StartOrDie(o);
  ASSERT_NE(rt, nullptr);
  const long long before = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  InvocationResult r = rt->Invoke(R"({"action":"env"})");
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(Member(r.response, "AWS_LAMBDA_FUNCTION_NAME"), "orders-api");
  EXPECT_EQ(Member(r.response, "AWS_LAMBDA_FUNCTION_VERSION"), "$LATEST");
  EXPECT_EQ(Member(r.response, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), "512");
  EXPECT_EQ(Member(r.response, "_HANDLER"), "bootstrap");
  EXPECT_EQ(Member(r.response, "LAMBDA_TASK_ROOT"),
            std::string(FNGUARD_BINARY_DIR) + "/examples/misbehaving");
  EXPECT_EQ(Member(r.response, "FNGUARD_POLICY"), kHelloDir + "/policy.yaml");
  EXPECT_EQ(Member(r.response, "FIXTURE_EXTRA"), "extra-value");
  EXPECT_EQ(Member(r.response, "request_id"), r.request_id);
  EXPECT_EQ(Member(r.response, "function_arn"),
            "arn:aws:lambda:us-east-1:000000000000:function:orders-api");
  EXPECT_THAT(Member(r.response, "trace_id"),
              MatchesRegex("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0"));
  EXPECT_EQ(Member(r.response, "_X_AMZN_TRACE_ID"), Member(r.response, "trace_id"));
  simdjson::dom::parser parser;
  int64_t deadline = 0;
  ASSERT_EQ(parser.parse(r.response)["deadline_ms"].get_int64().get(deadline), simdjson::SUCCESS);
  EXPECT_GE(deadline, before + 1900);
  EXPECT_LE(deadline, before + 2000 + 5000);
}

TEST(LocalRuntimeTest, AnswersLikeTheServiceToBadRequests) {
  REQUIRE_BINARY(kFixture);
  auto rt = StartOrDie(FixtureOptions());
  ASSERT_NE(rt, nullptr);
  httplib::Client client("127.0.0.1", rt->port());
  auto unknown = client.Post("/2018-06-01/runtime/invocation/no-such-id/response", "{}",
                             "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(Member(unknown->body, "errorType"), "InvalidRequestID");
  auto bad_path = client.Post("/2018-06-01/runtime/invocation/a/b/response", "{}", "application/json");
  ASSERT_TRUE(bad_path);
  EXPECT_EQ(bad_path->status, 404);
  auto other = client.Get("/2018-06-01/nothing-here");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  // An answered request cannot be answered again.
  InvocationResult r = rt->Invoke(R"({"action":"echo"})");
  ASSERT_TRUE(r.ok());
  auto again = client.Post("/2018-06-01/runtime/invocation/" + r.request_id + "/response", "{}",
                           "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 403);
}

TEST(LocalRuntimeTest, StopIsBoundedEvenWhenTheFunctionIsBusy) {
  REQUIRE_BINARY(kFixture);
  LocalRuntimeOptions o = FixtureOptions();
  o.env.emplace_back("FIXTURE_INIT", "slow");
  o.env.emplace_back("FIXTURE_INIT_MS", "60000");
  o.stop_grace = std::chrono::milliseconds(200);
  auto rt = StartOrDie(o);
  ASSERT_NE(rt, nullptr);
  auto start = std::chrono::steady_clock::now();
  rt->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  InvocationResult r = rt->Invoke("{}");
  EXPECT_EQ(r.status, InvocationStatus::kCrash);
}

TEST(LocalRuntimeTest, MissingFunctionIsAnError) {
  LocalRuntimeOptions o;
  o.command = "/nonexistent/dir/bootstrap";
  auto rt = LocalRuntime::Start(o);
  EXPECT_FALSE(rt.ok());
}

TEST(LocalRuntimeTest, ServesAShellRuntimeBuiltOnCurl) {
  if (ResolveExecutable("curl").empty()) GTEST_SKIP() << "curl(1) is not installed";
  char dir_template[] = "/tmp/fnguard-shell-runtime-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string script = std::string(dir_template) + "/bootstrap";
  {
    std::ofstream out(script);
    out << "#!/bin/sh\n"
           "api=\"http://$AWS_LAMBDA_RUNTIME_API/2018-06-01\"\n"
           "hdrs=\"$(dirname \"$0\")/headers\"\n"
           "while true; do\n"
           "  body=$(curl -sS --noproxy '*' -D \"$hdrs\" \"$api/runtime/invocation/next\") || exit 1\n"
           "  id=$(grep -i '^lambda-runtime-aws-request-id:' \"$hdrs\" | cut -d' ' -f2 | tr -d '\\r')\n"
           "  curl -sS --noproxy '*' -o /dev/null -H 'Content-Type: application/json' "
           "--data-binary \"{\\\"echo\\\":$body}\" \"$api/runtime/invocation/$id/response\"\n"
           "done\n";
  }
  ASSERT_EQ(chmod(script.c_str(), 0755), 0);
  LocalRuntimeOptions o;
  o.command = script;
  auto rt = StartOrDie(o);
  ASSERT_NE(rt, nullptr);
  for (int i = 0; i < 3; ++i) {
    InvocationResult r = rt->Invoke("{\"n\":" + std::to_string(i) + "}");
    ASSERT_TRUE(r.ok()) << r.error_type << ": " << r.error_message;
    EXPECT_EQ(r.response, "{\"echo\":{\"n\":" + std::to_string(i) + "}}");
  }
  rt->Stop();
  unlink((std::string(dir_template) + "/headers").c_str());
  unlink(script.c_str());
  rmdir(dir_template);
}

TEST(CommandParsingTest, PlainCommandsRunDirectlyAndShellSyntaxUsesTheShell) {
  EXPECT_EQ(ParseCommand("./bootstrap --port 1").argv,
            (std::vector<std::string>{"./bootstrap", "--port", "1"}));
  EXPECT_EQ(ParseCommand("FOO=1 ./bootstrap").argv,
            (std::vector<std::string>{"/bin/sh", "-c", "FOO=1 ./bootstrap"}));
  EXPECT_EQ(ParseCommand("./a && ./b").argv,
            (std::vector<std::string>{"/bin/sh", "-c", "./a && ./b"}));
  EXPECT_EQ(ParseCommand("echo \"$HOME\"").argv[0], "/bin/sh");
}

TEST(JsonTextTest, JsonIsMinifiedAndOtherTextQuoted) {
  EXPECT_EQ(JsonValueOrString("{ \"a\" : [1, 2] }"), R"({"a":[1,2]})");
  EXPECT_EQ(JsonValueOrString("hello \"you\""), R"("hello \"you\"")");
  EXPECT_EQ(JsonValueOrString(""), R"("")");
  EXPECT_FALSE(IsJsonDocument("{\"a\":1} trailing"));
}

// ---- `fnguard local` ----

int RunLocal(const std::vector<std::string>& args, std::string* out) {
  ::testing::internal::CaptureStdout();
  int rc = cli::LocalCommand(args);
  *out = ::testing::internal::GetCapturedStdout();
  return rc;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(LocalCommandTest, PrintsOneJsonLinePerEventAndExitsZeroOnSuccess) {
  REQUIRE_BINARY(kHello);
  std::string out;
  int rc = RunLocal({"--function", kHello, "--policy", kHelloDir + "/policy.yaml",
                     kHelloDir + "/events/benign-get.json", "--event",
                     kHelloDir + "/events/attack-xss.json"},
                    &out);
  EXPECT_EQ(rc, 0);
  std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), 2u) << out;
  simdjson::dom::parser parser;
  for (const std::string& line : lines) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    std::string_view status;
    ASSERT_EQ(doc["status"].get_string().get(status), simdjson::SUCCESS);
    EXPECT_EQ(status, "success");
    EXPECT_TRUE(doc["response"].is_object()) << line;
    EXPECT_TRUE(doc["error_type"].is_null());
    EXPECT_TRUE(doc["duration_ms"].is_number());
  }
  // Order follows the positionals, then --event values.
  EXPECT_THAT(lines[0], HasSubstr("attack-xss.json"));
  EXPECT_THAT(lines[0], HasSubstr(R"("statusCode":403)"));
  EXPECT_THAT(lines[1], HasSubstr("benign-get.json"));
}

TEST(LocalCommandTest, ExitsOneWhenAnInvocationFails) {
  REQUIRE_BINARY(kFixture);
  char path[] = "/tmp/fnguard-local-event-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string event = R"({"action":"error"})";
  ASSERT_EQ(write(fd, event.data(), event.size()), static_cast<ssize_t>(event.size()));
  close(fd);
  std::string out;
  int rc = RunLocal({"--function", kFixture, "--timeout", "2", path}, &out);
  unlink(path);
  EXPECT_EQ(rc, 1);
  EXPECT_THAT(out, HasSubstr(R"("status":"error")"));
  EXPECT_THAT(out, HasSubstr(R"("error_type":"FixtureError")"));
}

TEST(LocalCommandTest, BadInputExitsTwoBeforeStartingAnything) {
  char path[] = "/tmp/fnguard-local-event-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "{not json", 9), 9);
  close(fd);
  std::string out;
  // The function does not exist: bad input must be reported before it matters.
  EXPECT_EQ(RunLocal({"--function", "/nonexistent/bootstrap", path}, &out), 2);
  EXPECT_EQ(RunLocal({path}, &out), 2);                                       // no --function
  EXPECT_EQ(RunLocal({"--function", "/bin/true"}, &out), 2);                  // no events
  EXPECT_EQ(RunLocal({"--function", "/bin/true", "--timeout", "-1", path}, &out), 2);
  EXPECT_EQ(RunLocal({"--function", "/bin/true", "--bogus", path}, &out), 2);
  EXPECT_EQ(RunLocal({"--function", "/bin/true", "/nonexistent/event.json"}, &out), 2);
  EXPECT_TRUE(out.empty());
  unlink(path);
}

}  // namespace
}  // namespace fnguard::local
