// The built-in Runtime API loop behind fnguard::lambda::Run().
//
// Per invocation: GET next → inspect + handler (Guard::Invoke) → POST the
// response or the error → flush security events (bounded by the deadline)
// before the next GET, because the environment may be frozen as soon as the
// runtime asks for more work.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "fnguard/lambda.h"
#include "runtime/sandbox/sandbox.h"
#include "wrappers/lambda/runtime_api_client.h"

namespace fnguard::lambda {
namespace {

// Longest wait for security events after a response; the actual wait is also
// bounded by what is left of the invocation's deadline.
constexpr int kMaxFlushMs = 200;
// Keep error messages posted to the API readable and bounded.
constexpr size_t kMaxErrorMessageBytes = 4096;

constexpr std::string_view kHandlerExceptionType = "fnguard.HandlerException";

void Log(const std::string& message) {
  std::fprintf(stderr, "fnguard: %s\n", message.c_str());
  std::fflush(stderr);
}

std::string Truncate(std::string s, size_t max) {
  if (s.size() > max) s.resize(max);
  return s;
}

Request ToRequest(NextInvocation next) {
  Request req;
  req.payload = std::move(next.payload);
  req.request_id = std::move(next.request_id);
  req.xray_trace_id = std::move(next.trace_id);
  req.function_arn = std::move(next.function_arn);
  req.client_context = std::move(next.client_context);
  req.cognito_identity = std::move(next.cognito_identity);
  req.deadline = std::chrono::time_point<std::chrono::system_clock>(
      std::chrono::milliseconds(next.deadline_ms));
  if (next.deadline_ms == 0) {
    // No deadline given: treat it as "far away" rather than "already passed".
    req.deadline = std::chrono::system_clock::now() + std::chrono::hours(24);
  }
  return req;
}

// _X_AMZN_TRACE_ID, which the X-Ray SDKs read, set for each invocation. One
// "NAME=value" buffer is installed with putenv() and rewritten in place:
// setenv() would allocate a fresh string per invocation that glibc never
// frees (earlier getenv() results may still point at it), a leak of ~150
// bytes per invocation over the life of a warm environment.
class TraceEnvironment {
 public:
  void Set(const std::string& trace_id) {
    if (trace_id.empty()) {
      unsetenv(kName);
      return;
    }
    const size_t need = sizeof(kName) + trace_id.size() + 1;  // "NAME=" value NUL
    const char* current = std::getenv(kName);
    if (buffer_ == nullptr || size_ < need || current != buffer_.get() + sizeof(kName)) {
      // Install a new buffer (larger, or the variable was set elsewhere); the
      // previous one stays allocated one more round for earlier getenv()s.
      const size_t size = std::max(need, kInitialBytes);
      auto fresh = std::make_unique<char[]>(size);
      Write(fresh.get(), trace_id);
      if (putenv(fresh.get()) != 0) return;
      retired_ = std::move(buffer_);
      buffer_ = std::move(fresh);
      size_ = size;
      return;
    }
    Write(buffer_.get(), trace_id);
  }

 private:
  static constexpr char kName[] = "_X_AMZN_TRACE_ID";
  static constexpr size_t kInitialBytes = 256;

  static void Write(char* out, const std::string& trace_id) {
    std::memcpy(out, kName, sizeof(kName) - 1);
    out[sizeof(kName) - 1] = '=';
    std::memcpy(out + sizeof(kName), trace_id.data(), trace_id.size());
    out[sizeof(kName) + trace_id.size()] = '\0';
  }

  std::unique_ptr<char[]> buffer_;   // what the environment points at
  size_t size_ = 0;
  std::unique_ptr<char[]> retired_;  // the previous buffer
};

// Runs the handler through the guard. Nothing escapes: Guard::Invoke already
// catches what the handler throws, and this wrapper is the last line.
HandlerResult InvokeProtected(const Guard& guard, const RequestHandler& handler,
                              const Request& req, const InvocationInfo& info) {
  if (!handler) return HandlerResult::Failure("no handler was given to fnguard::lambda::Run",
                                              std::string(kHandlerExceptionType));
  Handler adapter = [&handler, &req](std::string_view) -> HandlerResult { return handler(req); };
  try {
    Invocation inv = guard.Invoke(req.payload, adapter, info);
    return std::move(inv.result);
  } catch (const std::exception& e) {
    return HandlerResult::Failure(Truncate(e.what(), kMaxErrorMessageBytes),
                                  std::string(kHandlerExceptionType));
  } catch (...) {
    return HandlerResult::Failure("the handler threw a non-standard exception",
                                  std::string(kHandlerExceptionType));
  }
}

void PostError(RuntimeApiClient& client, const std::string& request_id, std::string message,
               std::string type) {
  if (type.empty()) type = "Function.Error";
  auto outcome = client.PostError(request_id, Truncate(std::move(message), kMaxErrorMessageBytes),
                                  type);
  if (!outcome.ok()) {
    Log(absl::StrCat("could not post the error for ", request_id, ": ",
                     outcome.status().message()));
  } else if (outcome->http_status >= 300) {
    Log(absl::StrCat("Runtime API refused the error for ", request_id, ": HTTP ",
                     outcome->http_status, " ", outcome->body.substr(0, 200)));
  }
}

void PostResult(RuntimeApiClient& client, const std::string& request_id,
                const HandlerResult& result) {
  if (!result.success) {
    PostError(client, request_id, result.error_message, result.error_type);
    return;
  }
  auto outcome = client.PostResponse(request_id, result.payload, result.content_type);
  if (!outcome.ok()) {
    Log(absl::StrCat("could not post the response for ", request_id, ": ",
                     outcome.status().message()));
    return;
  }
  if (outcome->http_status >= 400) {
    // The API rejected the response (413: too large, 400: bad state). The
    // invocation is still open: report it as a function error instead.
    std::string type = outcome->http_status == 413 ? "Function.ResponseSizeTooLarge"
                                                   : "Runtime.ResponseRejected";
    PostError(client, request_id,
              absl::StrCat("the Runtime API rejected the response (HTTP ", outcome->http_status,
                           ", ", result.payload.size(), " bytes): ",
                           outcome->body.substr(0, 512)),
              std::move(type));
  }
}

int FlushBudgetMs(const Request& req) {
  long long left = req.get_time_remaining().count();
  return static_cast<int>(std::clamp<long long>(left, 0, kMaxFlushMs));
}

std::string RuntimeApiEndpoint() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  return api == nullptr ? std::string() : std::string(api);
}

}  // namespace

std::chrono::milliseconds Request::get_time_remaining() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                               std::chrono::system_clock::now());
}

int Run(const Guard& guard, const RequestHandler& handler) {
  std::string endpoint = RuntimeApiEndpoint();
  if (endpoint.empty()) {
    Log("AWS_LAMBDA_RUNTIME_API is not set: run this binary as a Lambda custom runtime "
        "(bootstrap) or under `fnguard local --function ...`");
    return 1;
  }
  // Only this loop (inside its internal scope) may reach the Runtime API;
  // with the socket guard on, handler code is denied it.
  sandbox::ProtectEndpoint(endpoint, "the Lambda Runtime API", "fnguard.runtime-api");
  auto client = RuntimeApiClient::Create(endpoint);
  if (!client.ok()) {
    Log(std::string(client.status().message()));
    return 1;
  }
  // Never destroyed: the process environment points into it.
  static TraceEnvironment* const trace_environment = new TraceEnvironment();
  for (;;) {
    auto next = (*client)->Next();
    if (!next.ok()) {
      Log(absl::StrCat("Runtime API unavailable, stopping: ", next.status().message()));
      return 1;
    }
    Request req = ToRequest(std::move(*next));
    trace_environment->Set(req.xray_trace_id);
    InvocationInfo info;
    info.request_id = req.request_id;
    info.trace_id = req.xray_trace_id;
    info.function_arn = req.function_arn;
    info.deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           req.deadline.time_since_epoch())
                           .count();
    HandlerResult result = InvokeProtected(guard, handler, req, info);
    PostResult(**client, req.request_id, result);
    guard.Flush(FlushBudgetMs(req));
  }
}

int ReportInitError(const Status& status) {
  std::string message = status.ok() ? std::string("initialization failed") : status.ToString();
  Log(absl::StrCat("init error: ", message));
  std::string endpoint = RuntimeApiEndpoint();
  if (endpoint.empty()) return 1;
  auto client = RuntimeApiClient::Create(endpoint);
  if (!client.ok()) {
    Log(absl::StrCat("could not report the init error: ", client.status().message()));
    return 1;
  }
  auto outcome = (*client)->PostInitError(Truncate(message, kMaxErrorMessageBytes),
                                          "Runtime.InitError");
  if (!outcome.ok()) {
    Log(absl::StrCat("could not report the init error: ", outcome.status().message()));
  }
  return 1;
}

}  // namespace fnguard::lambda
