// What the local Runtime API emulator measures (cold start, round trip,
// per-process memory and CPU) and what it reports itself (timeouts, crashes,
// init errors as security events), driving the real hello example and the
// misbehaving fixture.
#include <signal.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"
#include "wrappers/cli/cli.h"
#include "wrappers/local/observed_events.h"
#include "wrappers/local/testing.h"

namespace fnguard::local {
namespace {

using ::testing::HasSubstr;

const std::string kHello = std::string(FNGUARD_BINARY_DIR) + "/examples/hello/bootstrap";
const std::string kFixture = std::string(FNGUARD_BINARY_DIR) + "/examples/misbehaving/bootstrap";
const std::string kHelloDir = std::string(FNGUARD_SOURCE_DIR) + "/examples/hello";

#define REQUIRE_BINARY(path)                                                    \
  if (access((path).c_str(), X_OK) != 0) GTEST_SKIP() << (path) << " is not built"

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

LocalRuntimeOptions FixtureOptions() {
  LocalRuntimeOptions o;
  o.argv = {kFixture};
  o.timeout = std::chrono::milliseconds(2000);
  return o;
}

// ---- timing and process records ----

TEST(LocalRuntimeTimingTest, ColdStartThenWarmInvocationsAreTimed) {
  REQUIRE_BINARY(kHello);
  LocalRuntimeOptions o;
  o.command = kHello;
  o.policy_path = kHelloDir + "/policy.yaml";
  auto rt = LocalRuntime::Start(o);
  ASSERT_TRUE(rt.ok()) << rt.status();
  InvocationResult first = (*rt)->Invoke(ReadText(kHelloDir + "/events/benign-get.json"));
  ASSERT_TRUE(first.ok()) << first.error_message;
  EXPECT_TRUE(first.cold_start);
  EXPECT_GT(first.init_ms, 0);
  EXPECT_GT(first.round_trip_us, 0);

  InvocationResult second = (*rt)->Invoke(ReadText(kHelloDir + "/events/benign-post.json"));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second.cold_start);
  EXPECT_EQ(second.init_ms, -1);
  EXPECT_GT(second.round_trip_us, 0);
  // The round trip covers the whole invocation as the runtime saw it.
  EXPECT_GE(second.round_trip_us, second.duration_ms * 1000 - 1);

  std::vector<ProcessRecord> running = (*rt)->processes();
  ASSERT_EQ(running.size(), 1u);
  EXPECT_FALSE(running[0].ended);
  EXPECT_EQ(running[0].invocations, 2);

  (*rt)->Stop();
  std::vector<ProcessRecord> procs = (*rt)->processes();
  ASSERT_EQ(procs.size(), 1u);
  const ProcessRecord& p = procs[0];
  EXPECT_GT(p.pid, 0);
  EXPECT_EQ(p.init_ms, first.init_ms);
  // Its main thread's CPU time until then: positive, and within the wall time.
  EXPECT_GT(p.init_cpu_ms, 0);
  EXPECT_LE(p.init_cpu_ms, p.init_ms + 0.5);
  EXPECT_TRUE(p.ended);
  EXPECT_EQ(p.invocations, 2);
  // Sampled while it was idle in /next, before it was stopped: a real
  // program linking libfnguard holds more than a megabyte.
  EXPECT_GT(p.peak_rss_kb, 1024);
  EXPECT_GT(p.exit.user_cpu_ms + p.exit.system_cpu_ms, 0);
  EXPECT_EQ(p.exit.Describe(), "signal: terminated");
}

TEST(LocalRuntimeTimingTest, EveryProcessIsRecordedAcrossTimeoutsAndCrashes) {
  REQUIRE_BINARY(kFixture);
  LocalRuntimeOptions o = FixtureOptions();
  o.timeout = std::chrono::milliseconds(400);
  auto rt = LocalRuntime::Start(o);
  ASSERT_TRUE(rt.ok()) << rt.status();
  ASSERT_TRUE((*rt)->Invoke(R"({"action":"echo"})").ok());
  InvocationResult timed_out = (*rt)->Invoke(R"({"action":"sleep","ms":20000})");
  EXPECT_EQ(timed_out.status, InvocationStatus::kTimeout);
  EXPECT_FALSE(timed_out.cold_start);
  EXPECT_GE(timed_out.round_trip_us, 400 * 1000);

  InvocationResult after_timeout = (*rt)->Invoke(R"({"action":"crash"})");
  EXPECT_EQ(after_timeout.status, InvocationStatus::kCrash);
  EXPECT_TRUE(after_timeout.cold_start);  // a fresh process was started for it
  EXPECT_GT(after_timeout.init_ms, 0);

  InvocationResult after_crash = (*rt)->Invoke(R"({"action":"echo"})");
  EXPECT_TRUE(after_crash.ok());
  EXPECT_TRUE(after_crash.cold_start);
  (*rt)->Stop();

  std::vector<ProcessRecord> procs = (*rt)->processes();
  ASSERT_EQ(procs.size(), 3u);
  EXPECT_EQ(procs[0].invocations, 1);
  EXPECT_EQ(procs[0].exit.Describe(), "signal: killed");  // the timeout
  EXPECT_GT(procs[0].peak_rss_kb, 0);                     // sampled before the kill
  EXPECT_EQ(procs[1].invocations, 0);
  EXPECT_EQ(procs[1].exit.Describe(), "signal: aborted");
  EXPECT_EQ(procs[1].peak_rss_kb, 0);                     // gone before any sample
  EXPECT_EQ(procs[2].invocations, 1);
  EXPECT_EQ(procs[2].exit.Describe(), "signal: terminated");
  for (const ProcessRecord& p : procs) {
    EXPECT_TRUE(p.ended);
    EXPECT_GT(p.init_ms, 0);
  }
  EXPECT_NE(procs[0].pid, procs[1].pid);
  EXPECT_NE(procs[1].pid, procs[2].pid);
}

// ---- the observed events ----

InvocationResult Result(InvocationStatus status) {
  InvocationResult r;
  r.status = status;
  r.request_id = "8f0c1a52-1111-4222-8333-444455556666";
  return r;
}

TEST(ObservedEventTest, OnlyWhatTheHarnessAloneSeesBecomesAnEvent) {
  FunctionIdentity fn{"orders", "$LATEST", "eu-west-1"};
  EXPECT_FALSE(ObservedEvent(Result(InvocationStatus::kSuccess), fn).has_value());
  InvocationResult function_error = Result(InvocationStatus::kError);
  function_error.error_type = "fnguard.Blocked";
  EXPECT_FALSE(ObservedEvent(function_error, fn).has_value());

  InvocationResult timeout = Result(InvocationStatus::kTimeout);
  timeout.error_message = "Task timed out after 3.00 seconds";
  auto e = ObservedEvent(timeout, fn);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, "internal");
  EXPECT_EQ(e->detector, "runtime");
  EXPECT_EQ(e->rule_id, "runtime.timeout");
  EXPECT_EQ(e->action, Action::kAllow);
  EXPECT_THAT(e->reason, HasSubstr("Task timed out after 3.00 seconds"));
  EXPECT_EQ(e->request_id, timeout.request_id);
  EXPECT_EQ(e->function_name, "orders");
  EXPECT_EQ(e->function_version, "$LATEST");
  EXPECT_EQ(e->region, "eu-west-1");

  InvocationResult init_timeout = Result(InvocationStatus::kTimeout);
  init_timeout.cold_start = true;  // and the process never asked for an event
  EXPECT_EQ(ObservedEvent(init_timeout, fn)->rule_id, "runtime.init_timeout");

  InvocationResult crash = Result(InvocationStatus::kCrash);
  crash.error_message = "Runtime exited with error: signal: aborted";
  EXPECT_EQ(ObservedEvent(crash, fn)->rule_id, "runtime.exit");
  EXPECT_THAT(ObservedEvent(crash, fn)->reason, HasSubstr("signal: aborted"));

  InvocationResult init_error = Result(InvocationStatus::kError);
  init_error.init_error = true;
  init_error.error_type = "Runtime.InitError";
  init_error.error_message = "policy.yaml:3:1: unknown key 'modee'";
  auto ie = ObservedEvent(init_error, fn);
  ASSERT_TRUE(ie.has_value());
  EXPECT_EQ(ie->rule_id, "runtime.init_error");
  EXPECT_THAT(ie->reason, HasSubstr("unknown key 'modee'"));
}

TEST(ObservedEventReporterTest, WritesJsonLinesWhenThePolicyAsksAndNothingOtherwise) {
  auto with_stdout = policy::LoadPolicyText("version: 1\nreporting: {stdout: json}\n", "p.yaml");
  ASSERT_TRUE(with_stdout.ok()) << with_stdout.status();
  FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    ObservedEventReporter reporter(*with_stdout, {"orders", "$LATEST", "eu-west-1"}, out);
    EXPECT_FALSE(reporter.Observe(Result(InvocationStatus::kSuccess)));
    EXPECT_TRUE(reporter.Observe(Result(InvocationStatus::kCrash)));
    EXPECT_EQ(reporter.reported(), 1);
  }
  std::fflush(out);
  std::rewind(out);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), out)) > 0;) text.append(buf, n);
  std::fclose(out);
  std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(lines.size(), 1u) << text;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(lines[0]).get(doc), simdjson::SUCCESS) << lines[0];
  std::string_view v;
  ASSERT_EQ(doc["kind"].get_string().get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, "internal");
  ASSERT_EQ(doc["rule_id"].get_string().get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, "runtime.exit");
  ASSERT_EQ(doc["policy_source"].get_string().get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, "p.yaml");

  // A policy without a reporting section: nothing is reported.
  auto silent = policy::LoadPolicyText("version: 1\n", "q.yaml");
  ASSERT_TRUE(silent.ok());
  ObservedEventReporter quiet(*silent, {"orders", "$LATEST", "eu-west-1"}, stderr);
  EXPECT_FALSE(quiet.Observe(Result(InvocationStatus::kCrash)));
  EXPECT_EQ(quiet.reported(), 0);
  ObservedEventReporter none(nullptr, {"orders", "$LATEST", "eu-west-1"}, stderr);
  EXPECT_FALSE(none.Observe(Result(InvocationStatus::kCrash)));
}

// ---- `fnguard local --timing --repeat` ----

int RunLocal(const std::vector<std::string>& args, std::string* out) {
  ::testing::internal::CaptureStdout();
  int rc = cli::LocalCommand(args);
  *out = ::testing::internal::GetCapturedStdout();
  return rc;
}

TEST(LocalCommandTimingTest, TimingAddsPerLineFieldsAndASummary) {
  REQUIRE_BINARY(kHello);
  std::string out;
  int rc = RunLocal({"--function", kHello, "--policy", kHelloDir + "/policy.yaml", "--timing",
                     "--repeat", "3", kHelloDir + "/events/benign-get.json",
                     kHelloDir + "/events/attack-sqli.json"},
                    &out);
  EXPECT_EQ(rc, 0);
  std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), 7u) << out;
  simdjson::dom::parser parser;
  for (size_t i = 0; i < 6; ++i) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(lines[i]).get(doc), simdjson::SUCCESS) << lines[i];
    bool cold = false;
    ASSERT_EQ(doc["timing"]["cold_start"].get_bool().get(cold), simdjson::SUCCESS) << lines[i];
    EXPECT_EQ(cold, i == 0);
    EXPECT_EQ(doc["timing"]["init_ms"].is_null(), i != 0) << lines[i];
    double rt = 0;
    ASSERT_EQ(doc["timing"]["round_trip_us"].get_double().get(rt), simdjson::SUCCESS);
    EXPECT_GT(rt, 0);
  }
  EXPECT_THAT(lines[1], HasSubstr(R"("statusCode":403)"));
  EXPECT_THAT(lines[5], HasSubstr(R"("statusCode":403)"));

  simdjson::dom::element summary;
  ASSERT_EQ(parser.parse(lines[6]).get(summary), simdjson::SUCCESS) << lines[6];
  simdjson::dom::element s = summary["timing_summary"];
  int64_t n = 0;
  ASSERT_EQ(s["invocations"].get_int64().get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 6);
  ASSERT_EQ(s["cold_starts"].get_int64().get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 1);
  ASSERT_EQ(s["warm_round_trip_us"]["n"].get_int64().get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 5);
  double p50 = 0, p99 = 0, init = 0;
  ASSERT_EQ(s["warm_round_trip_us"]["p50"].get_double().get(p50), simdjson::SUCCESS);
  ASSERT_EQ(s["warm_round_trip_us"]["p99"].get_double().get(p99), simdjson::SUCCESS);
  EXPECT_GT(p50, 0);
  EXPECT_GE(p99, p50);
  ASSERT_EQ(s["init_ms"]["p50"].get_double().get(init), simdjson::SUCCESS);
  EXPECT_GT(init, 0);
  simdjson::dom::array procs;
  ASSERT_EQ(s["processes"].get_array().get(procs), simdjson::SUCCESS);
  ASSERT_EQ(procs.size(), 1u);
  int64_t rss = 0, invocations = 0;
  ASSERT_EQ(procs.at(0)["peak_rss_kb"].get_int64().get(rss), simdjson::SUCCESS);
  EXPECT_GT(rss, 1024);
  ASSERT_EQ(procs.at(0)["invocations"].get_int64().get(invocations), simdjson::SUCCESS);
  EXPECT_EQ(invocations, 6);
  std::string_view exit;
  ASSERT_EQ(procs.at(0)["exit"].get_string().get(exit), simdjson::SUCCESS);
  EXPECT_EQ(exit, "signal: terminated");
}

TEST(LocalCommandTimingTest, WithoutTimingTheOutputIsUnchanged) {
  REQUIRE_BINARY(kHello);
  std::string out;
  EXPECT_EQ(RunLocal({"--function", kHello, "--repeat", "2", kHelloDir + "/events/benign-get.json"},
                     &out),
            0);
  std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), 2u) << out;
  for (const std::string& line : lines) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("timing")));
    EXPECT_THAT(line, HasSubstr(R"("status":"success")"));
  }
}

TEST(LocalCommandTimingTest, BadRepeatIsBadInput) {
  std::string out;
  const std::string event = kHelloDir + "/events/benign-get.json";
  for (const char* bad : {"0", "-3", "x", "", "2.5", "99999999999"}) {
    EXPECT_EQ(RunLocal({"--function", "/bin/true", "--repeat", bad, event}, &out), 2) << bad;
  }
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace fnguard::local
