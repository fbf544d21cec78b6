// fnguard/aws_lambda.h: protect an aws-lambda-cpp handler.
//
// For functions built on aws-lambda-cpp (github.com/awslabs/aws-lambda-cpp),
// which owns the Runtime API loop. Protecting an existing function changes two
// lines:
//
//   #include <aws/lambda-runtime/runtime.h>
//   #include <fnguard/aws_lambda.h>
//
//   int main() {
//     auto guard = fnguard::Guard::FromEnv();
//     if (!guard.ok()) return 1;
//     aws::lambda_runtime::run_handler(fnguard::lambda::Protect(**guard, my_handler));
//   }
//
// Every invocation is inspected before `my_handler` runs; a blocked event never
// reaches it and gets the policy's block response instead (an HTTP 403
// document for HTTP-shaped events, an error of type "fnguard.Blocked"
// otherwise). An exception thrown by the handler becomes an error response of
// type "fnguard.HandlerException".
//
// Latency: aws-lambda-cpp posts the response only after the handler returns,
// and the environment may be frozen as soon as it asks for the next event, so
// the protected handler flushes security events BEFORE returning (bounded by
// the time left before the deadline, at most 200 ms). That wait is added to
// every invocation that produced events. fnguard::lambda::Run (fnguard/lambda.h)
// owns its loop and flushes after posting the response instead.
//
// Header-only, and not included by fnguard/fnguard.h: aws-lambda-cpp is the
// function's dependency, not fnguard's. Written against aws-lambda-cpp
// v0.2.10's runtime.h declarations.
#ifndef FNGUARD_AWS_LAMBDA_H_
#define FNGUARD_AWS_LAMBDA_H_

#include <aws/lambda-runtime/runtime.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "fnguard/guard.h"

namespace fnguard::lambda {

namespace aws_lambda_internal {

// Longest wait for security events before the response is handed back.
inline constexpr long long kMaxFlushMs = 200;

inline InvocationInfo ToInvocationInfo(const aws::lambda_runtime::invocation_request& req) {
  InvocationInfo info;
  info.request_id = req.request_id;
  info.trace_id = req.xray_trace_id;
  info.function_arn = req.function_arn;
  info.deadline_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(req.deadline.time_since_epoch())
          .count();
  return info;
}

inline aws::lambda_runtime::invocation_response ToResponse(const HandlerResult& result) {
  if (result.success) {
    return aws::lambda_runtime::invocation_response::success(result.payload, result.content_type);
  }
  return aws::lambda_runtime::invocation_response::failure(
      result.error_message, result.error_type.empty() ? "Function.Error" : result.error_type);
}

// The same result as fnguard's HandlerResult, for the verdict reports.
inline HandlerResult ToHandlerResult(const aws::lambda_runtime::invocation_response& response) {
  if (response.is_success()) {
    return HandlerResult::Success(response.get_payload(), response.get_content_type());
  }
  // aws-lambda-cpp has already encoded the error as a JSON document.
  return HandlerResult::Failure(response.get_payload(), "Function.Error");
}

inline int FlushBudgetMs(const aws::lambda_runtime::invocation_request& req) {
  long long left = std::chrono::duration_cast<std::chrono::milliseconds>(
                       req.deadline - std::chrono::system_clock::now())
                       .count();
  return static_cast<int>(std::clamp<long long>(left, 0, kMaxFlushMs));
}

}  // namespace aws_lambda_internal

// Wraps an aws-lambda-cpp handler (any callable taking
// `aws::lambda_runtime::invocation_request const&` and returning
// `aws::lambda_runtime::invocation_response`) so that every invocation goes
// through guard.Invoke(). The result has exactly aws-lambda-cpp's handler
// signature and can be passed to aws::lambda_runtime::run_handler. The guard
// must outlive the returned callable. The handler's own response is returned
// unchanged when it runs.
template <typename AwsHandler>
auto Protect(const Guard& guard, AwsHandler handler) {
  static_assert(std::is_invocable_r_v<aws::lambda_runtime::invocation_response, const AwsHandler&,
                                      const aws::lambda_runtime::invocation_request&>,
                "the handler must take aws::lambda_runtime::invocation_request const& and return "
                "aws::lambda_runtime::invocation_response");
  return [&guard, handler = std::move(handler)](const aws::lambda_runtime::invocation_request& req)
             -> aws::lambda_runtime::invocation_response {
    std::optional<aws::lambda_runtime::invocation_response> handler_response;
    Handler adapter = [&](std::string_view) -> HandlerResult {
      handler_response.emplace(handler(req));
      return aws_lambda_internal::ToHandlerResult(*handler_response);
    };
    std::optional<aws::lambda_runtime::invocation_response> response;
    try {
      Invocation inv =
          guard.Invoke(req.payload, adapter, aws_lambda_internal::ToInvocationInfo(req));
      if (inv.handler_called && !inv.handler_threw && handler_response.has_value()) {
        response.emplace(std::move(*handler_response));
      } else {
        response.emplace(aws_lambda_internal::ToResponse(inv.result));
      }
    } catch (const std::exception& e) {
      response.emplace(
          aws::lambda_runtime::invocation_response::failure(e.what(), "fnguard.HandlerException"));
    } catch (...) {
      response.emplace(aws::lambda_runtime::invocation_response::failure(
          "the handler threw a non-standard exception", "fnguard.HandlerException"));
    }
    guard.Flush(aws_lambda_internal::FlushBudgetMs(req));
    return std::move(*response);
  };
}

}  // namespace fnguard::lambda

#endif  // FNGUARD_AWS_LAMBDA_H_
