#include "fnguard/guard.h"

#include <cstdlib>
#include <atomic>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace fnguard {
namespace {

// Only a custom rule, so the outcome does not depend on detector tuning.
constexpr std::string_view kRulePolicy = R"(version: 1
mode: block
inspection:
  detectors: [xxe]
  rules:
    - {id: evil, pattern: "(?i)evil", reason: "contains evil"}
)";

constexpr std::string_view kHttpEvil =
    R"({"version":"2.0","rawPath":"/x","rawQueryString":"q=evil","headers":{"accept":"*/*"},)"
    R"("queryStringParameters":{"q":"evil"},"requestContext":{"http":{"method":"GET"}},"isBase64Encoded":false})";
constexpr std::string_view kHttpGood =
    R"({"version":"2.0","rawPath":"/x","rawQueryString":"q=good","headers":{"accept":"*/*"},)"
    R"("queryStringParameters":{"q":"good"},"requestContext":{"http":{"method":"GET"}},"isBase64Encoded":false})";
constexpr std::string_view kSqsEvil =
    R"({"Records":[{"messageId":"1","eventSource":"aws:sqs","body":"evil plan"}]})";

std::unique_ptr<Guard> RuleGuard() {
  auto g = Guard::FromString(kRulePolicy, "test-policy.yaml");
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return std::move(g).value();
}

TEST(GuardTest, FromEnvWithoutPolicyUsesDefaults) {
  unsetenv("FNGUARD_POLICY");
  auto g = Guard::FromEnv();
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->policy_source(), "<defaults>");
}

TEST(GuardTest, FromEnvWithMissingFileIsAnError) {
  setenv("FNGUARD_POLICY", "/nonexistent/fnguard-policy.yaml", 1);
  auto g = Guard::FromEnv();
  unsetenv("FNGUARD_POLICY");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("/nonexistent/fnguard-policy.yaml"), std::string::npos);
}

TEST(GuardTest, InvalidPolicyTextIsAnError) {
  auto g = Guard::FromString("version: 1\nmdoe: block\n", "bad.yaml");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(g.status().message().find("bad.yaml:2"), std::string::npos) << g.status().message();
}

TEST(GuardTest, BlockedHttpEventGets403AndHandlerIsNotCalled) {
  auto g = RuleGuard();
  bool called = false;
  Invocation inv = g->Invoke(kHttpEvil, [&](std::string_view) {
    called = true;
    return HandlerResult::Success("{}");
  });
  EXPECT_FALSE(called);
  EXPECT_FALSE(inv.handler_called);
  EXPECT_EQ(inv.verdict.action, Action::kBlock);
  EXPECT_EQ(inv.verdict.rule_id, "custom.evil");
  ASSERT_TRUE(inv.result.success);
  EXPECT_NE(inv.result.payload.find("\"statusCode\":403"), std::string::npos) << inv.result.payload;
}

TEST(GuardTest, BlockedNonHttpEventIsAFunctionError) {
  auto g = RuleGuard();
  Invocation inv = g->Invoke(kSqsEvil, [](std::string_view) { return HandlerResult::Success("{}"); });
  EXPECT_EQ(inv.verdict.action, Action::kBlock);
  EXPECT_FALSE(inv.result.success);
  EXPECT_EQ(inv.result.error_type, "fnguard.Blocked");
}

TEST(GuardTest, CleanEventRunsTheHandler) {
  auto g = RuleGuard();
  Invocation inv = g->Invoke(kHttpGood, [](std::string_view ev) {
    return HandlerResult::Success("{\"size\":" + std::to_string(ev.size()) + "}");
  });
  EXPECT_TRUE(inv.handler_called);
  EXPECT_EQ(inv.verdict.action, Action::kAllow);
  EXPECT_EQ(inv.result.payload, "{\"size\":" + std::to_string(kHttpGood.size()) + "}");
}

TEST(GuardTest, HandlerExceptionsNeverEscape) {
  auto g = RuleGuard();
  Invocation a = g->Invoke(kHttpGood, [](std::string_view) -> HandlerResult {
    throw std::runtime_error("boom");
  });
  EXPECT_TRUE(a.handler_threw);
  EXPECT_FALSE(a.result.success);
  EXPECT_EQ(a.result.error_type, "fnguard.HandlerException");
  EXPECT_EQ(a.result.error_message, "boom");
  Invocation b = g->Invoke(kHttpGood, [](std::string_view) -> HandlerResult { throw 42; });
  EXPECT_TRUE(b.handler_threw);
}

TEST(GuardTest, ProtectWrapsAHandler) {
  auto g = RuleGuard();
  Handler h = Protect(*g, [](std::string_view) { return HandlerResult::Success("ok"); });
  EXPECT_EQ(h(kHttpGood).payload, "ok");
  EXPECT_NE(h(kHttpEvil).payload.find("403"), std::string::npos);
}

TEST(GuardTest, MonitorModeCallsTheHandler) {
  std::string text(kRulePolicy);
  text.replace(text.find("mode: block"), 11, "mode: monitor");
  auto g = Guard::FromString(text);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  Invocation inv = (*g)->Invoke(kHttpEvil, [](std::string_view) { return HandlerResult::Success("ran"); });
  EXPECT_EQ(inv.verdict.action, Action::kMonitor);
  EXPECT_TRUE(inv.handler_called);
  EXPECT_EQ(inv.result.payload, "ran");
}

TEST(GuardTest, ConcurrentInspectionIsSafe) {
  auto g = RuleGuard();
  std::vector<std::thread> threads;
  std::atomic<int> blocked{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (g->Inspect(i % 2 ? kHttpEvil : kHttpGood).action == Action::kBlock) ++blocked;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(blocked.load(), 4 * 250);
}

TEST(StatusTest, ToString) {
  EXPECT_EQ(Status().ToString(), "OK");
  EXPECT_EQ(Status(StatusCode::kInvalidArgument, "x").ToString(), "INVALID_ARGUMENT: x");
  StatusOr<int> bad(Status(StatusCode::kNotFound, "nope"));
  EXPECT_FALSE(bad.ok());
  StatusOr<int> good(3);
  EXPECT_EQ(*good, 3);
}

}  // namespace
}  // namespace fnguard
