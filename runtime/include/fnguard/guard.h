// fnguard/guard.h: the Guard, fnguard's entry point.
//
// A Guard holds one compiled policy (immutable, shared by all threads) and
// inspects invocation payloads against it. Build it once at init, then use it
// for every invocation:
//
//   auto guard = fnguard::Guard::FromEnv();      // FNGUARD_POLICY=path, else defaults
//   if (!guard.ok()) return 1;
//   fnguard::Verdict v = (*guard)->Inspect(event_json);
//
// or let it run the handler for you, which is what the wrappers do:
//
//   fnguard::Invocation inv = (*guard)->Invoke(event_json, my_handler);
//   // inv.result is the handler's result, or the blocked response
//
// and give the handler its outbound HTTP client, held to the policy's egress
// allowlist with verified TLS (fnguard/client.h):
//
//   fnguard::HttpResult r = (*guard)->http().Get("https://api.example.com/v1/items");
//
// Thread-safety: every const method may be called concurrently. `Inspect`
// takes scratch space from a per-thread cache, so steady-state inspection does
// not allocate for decoding buffers.
//
// Failure: nothing here throws. If fnguard itself fails while inspecting,
// the verdict is marked `internal_error` and its action follows the policy's
// `fail_mode` (open: allow, closed: block).
#ifndef FNGUARD_GUARD_H_
#define FNGUARD_GUARD_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fnguard/client.h"
#include "fnguard/export.h"
#include "fnguard/status.h"
#include "fnguard/verdict.h"

namespace fnguard {

// What a handler returns: a payload, or an error that the runtime reports as
// a function error. Reads like aws-lambda-cpp's invocation_response.
struct FNGUARD_API HandlerResult {
  bool success = true;
  std::string payload;                         // response document (success)
  std::string content_type = "application/json";
  std::string error_type;                      // failure: e.g. "ValidationError"
  std::string error_message;                   // failure: human message

  static HandlerResult Success(std::string payload, std::string content_type = "application/json");
  static HandlerResult Failure(std::string error_message, std::string error_type);
};

// Facts about the invocation that end up in verdict reports.
struct InvocationInfo {
  std::string request_id;     // Lambda-Runtime-Aws-Request-Id
  std::string trace_id;       // Lambda-Runtime-Trace-Id / _X_AMZN_TRACE_ID
  std::string function_arn;   // Lambda-Runtime-Invoked-Function-Arn
  long long deadline_ms = 0;  // epoch milliseconds, 0 = none
};

using Handler = std::function<HandlerResult(std::string_view event)>;

// The outcome of one protected invocation.
struct Invocation {
  Verdict verdict;
  HandlerResult result;
  bool handler_called = false;
  // The handler threw; result is then a Failure with error_type
  // "fnguard.HandlerException" (the exception never reaches the runtime).
  bool handler_threw = false;
};

class FNGUARD_API Guard {
 public:
  // Policy from the file named by FNGUARD_POLICY, or built-in defaults when
  // the variable is unset or empty. A set but unreadable/invalid policy is an
  // error: fnguard never silently runs with less protection than asked for.
  static StatusOr<std::unique_ptr<Guard>> FromEnv();
  // Policy from a YAML or JSON file.
  static StatusOr<std::unique_ptr<Guard>> FromFile(const std::string& path);
  // Policy from text; `source_name` appears in error messages.
  static StatusOr<std::unique_ptr<Guard>> FromString(std::string_view text,
                                                     std::string_view source_name = "<policy>");
  // Built-in defaults: block mode, every detector on.
  static std::unique_ptr<Guard> WithDefaults();

  ~Guard();
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

  // Inspects one invocation payload (the event JSON).
  [[nodiscard]] Verdict Inspect(std::string_view event, const InvocationInfo& info = {}) const;

  // Inspects, then calls `handler` unless the verdict blocks; returns the
  // handler's result or the blocked response. Catches everything the handler
  // throws. Findings are reported through the policy's reporting settings.
  [[nodiscard]] Invocation Invoke(std::string_view event, const Handler& handler,
                                  const InvocationInfo& info = {}) const;

  // The response returned for a blocked event: an HTTP response document
  // ({"statusCode":403,...}) for HTTP-shaped events, else a Failure.
  [[nodiscard]] HandlerResult BlockedResult(const Verdict& verdict) const;

  // The outbound HTTP client under the policy's egress section. Denials and
  // TLS failures are reported as security events (with the request id of the
  // invocation when called from a handler run by Invoke()).
  [[nodiscard]] const HttpClient& http() const;

  // Waits up to `timeout_ms` for reported events to be delivered.
  void Flush(int timeout_ms = 500) const;

  // Where the policy came from ("<defaults>" or the file name).
  [[nodiscard]] const std::string& policy_source() const;

  struct Impl;

 private:
  explicit Guard(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Wraps `handler` so that every call goes through guard.Invoke(). The guard
// must outlive the returned handler.
FNGUARD_API Handler Protect(const Guard& guard, Handler handler);

}  // namespace fnguard

#endif  // FNGUARD_GUARD_H_
