// fnguard/lambda.h: run a protected handler as an AWS Lambda custom runtime.
//
// fnguard::lambda::Run() is the built-in Runtime API loop (libcurl inside,
// nothing leaks into this header): it fetches each invocation, inspects it,
// calls the handler (or returns the blocked response), posts the result, then
// flushes security events before asking for the next invocation.
//
//   int main() {
//     auto guard = fnguard::Guard::FromEnv();
//     if (!guard.ok()) return fnguard::lambda::ReportInitError(guard.status());
//     return fnguard::lambda::Run(**guard, [](const fnguard::lambda::Request& req) {
//       return fnguard::lambda::Response::Success("{\"ok\":true}");
//     });
//   }
#ifndef FNGUARD_LAMBDA_H_
#define FNGUARD_LAMBDA_H_

#include <chrono>
#include <functional>
#include <string>

#include "fnguard/export.h"
#include "fnguard/guard.h"
#include "fnguard/status.h"

namespace fnguard::lambda {

// One invocation, as the Runtime API delivered it.
struct FNGUARD_API Request {
  std::string payload;               // the event document
  std::string request_id;            // Lambda-Runtime-Aws-Request-Id
  std::string xray_trace_id;         // Lambda-Runtime-Trace-Id
  std::string function_arn;          // Lambda-Runtime-Invoked-Function-Arn
  std::string client_context;        // Lambda-Runtime-Client-Context
  std::string cognito_identity;      // Lambda-Runtime-Cognito-Identity
  std::chrono::time_point<std::chrono::system_clock> deadline;  // Lambda-Runtime-Deadline-Ms

  // Time left before the deadline.
  [[nodiscard]] std::chrono::milliseconds get_time_remaining() const;
};

using Response = ::fnguard::HandlerResult;
using RequestHandler = std::function<Response(const Request&)>;

// Runs the Runtime API loop against $AWS_LAMBDA_RUNTIME_API until the
// environment ends the process (or the API becomes unreachable). Returns a
// process exit code.
FNGUARD_API int Run(const Guard& guard, const RequestHandler& handler);

// Reports an init failure to /runtime/init/error and returns a non-zero exit
// code to return from main().
FNGUARD_API int ReportInitError(const Status& status);

}  // namespace fnguard::lambda

#endif  // FNGUARD_LAMBDA_H_
