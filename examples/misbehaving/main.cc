// misbehaving: a Lambda custom runtime that fails in whichever way it is
// asked to, for testing runtimes and harnesses (fnguard local, the Runtime
// API loop) against every failure the Lambda service knows about.
//
// At init, FIXTURE_INIT selects a start-up failure:
//   error   report an init error (POST /runtime/init/error), exit 1
//   crash   abort before fetching any event
//   slow    sleep FIXTURE_INIT_MS (default 60000) before starting the loop
//
// Per event, the top-level "action" member selects the behaviour:
//   echo        respond with the event itself (the default)
//   env         respond with the environment and invocation facts it saw
//   error       return a function error (errorType "FixtureError")
//   throw       throw an exception from the handler
//   sleep       sleep "ms" milliseconds (default 60000), then respond
//   crash       abort() while handling the event
//   exit        exit with status "code" (default 3) while handling the event
//   exit-after  respond, then exit 0 a moment later (before the next event)
//   big         respond with "bytes" bytes (default 7 MB, over the 6 MB limit)
#include <fnguard/fnguard.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>

namespace {

// The string value of top-level member `key` in a flat event such as
// {"action":"sleep","ms":"2000"}; numbers may be written bare or quoted.
std::string Member(std::string_view event, std::string_view key) {
  std::string needle = "\"" + std::string(key) + "\"";
  size_t at = event.find(needle);
  if (at == std::string_view::npos) return "";
  size_t i = at + needle.size();
  while (i < event.size() && (event[i] == ' ' || event[i] == ':')) ++i;
  if (i < event.size() && event[i] == '"') {
    size_t end = event.find('"', i + 1);
    if (end == std::string_view::npos) return "";
    return std::string(event.substr(i + 1, end - i - 1));
  }
  size_t end = i;
  while (end < event.size() && event[end] >= '0' && event[end] <= '9') ++end;
  return std::string(event.substr(i, end - i));
}

long NumberMember(std::string_view event, std::string_view key, long fallback) {
  std::string v = Member(event, key);
  if (v.empty()) return fallback;
  return std::strtol(v.c_str(), nullptr, 10);
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

fnguard::lambda::Response Handle(const fnguard::lambda::Request& req) {
  const std::string action = Member(req.payload, "action");
  if (action.empty() || action == "echo") return fnguard::lambda::Response::Success(req.payload);
  if (action == "env") {
    std::string out = "{";
    for (const char* name : {"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
                             "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "_HANDLER",
                             "LAMBDA_TASK_ROOT", "FNGUARD_POLICY", "_X_AMZN_TRACE_ID",
                             "FIXTURE_EXTRA"}) {
      out += Quote(name) + ":" + Quote(Env(name)) + ",";
    }
    out += "\"request_id\":" + Quote(req.request_id) + ",";
    out += "\"function_arn\":" + Quote(req.function_arn) + ",";
    out += "\"trace_id\":" + Quote(req.xray_trace_id) + ",";
    out += "\"deadline_ms\":" +
           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                              req.deadline.time_since_epoch()).count()) + "}";
    return fnguard::lambda::Response::Success(out);
  }
  if (action == "error") {
    return fnguard::lambda::Response::Failure("the fixture was asked to fail", "FixtureError");
  }
  if (action == "throw") throw std::runtime_error("the fixture was asked to throw");
  if (action == "sleep") {
    std::this_thread::sleep_for(std::chrono::milliseconds(NumberMember(req.payload, "ms", 60000)));
    return fnguard::lambda::Response::Success("{\"slept\":true}");
  }
  if (action == "crash") std::abort();
  if (action == "exit") std::_Exit(static_cast<int>(NumberMember(req.payload, "code", 3)));
  if (action == "exit-after") {
    std::thread([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::_Exit(0);
    }).detach();
    return fnguard::lambda::Response::Success("{\"exiting\":true}");
  }
  if (action == "big") {
    long bytes = NumberMember(req.payload, "bytes", 7L << 20);
    std::string body = "\"" + std::string(static_cast<size_t>(bytes > 2 ? bytes - 2 : 0), 'a') + "\"";
    return fnguard::lambda::Response::Success(std::move(body));
  }
  return fnguard::lambda::Response::Failure("unknown action: " + action, "FixtureUsage");
}

}  // namespace

int main() {
  const std::string init = Env("FIXTURE_INIT");
  if (init == "error") {
    return fnguard::lambda::ReportInitError(
        fnguard::Status(fnguard::StatusCode::kFailedPrecondition, "the fixture was asked to fail init"));
  }
  if (init == "crash") std::abort();
  if (init == "slow") {
    long ms = std::strtol(Env("FIXTURE_INIT_MS").c_str(), nullptr, 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms > 0 ? ms : 60000));
  }
  auto guard = fnguard::Guard::FromEnv();
  if (!guard.ok()) return fnguard::lambda::ReportInitError(guard.status());
  return fnguard::lambda::Run(**guard, Handle);
}
