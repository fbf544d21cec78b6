// A client of the AWS Lambda Runtime API (version 2018-06-01), the HTTP
// interface a custom runtime uses to receive invocations and return results:
//
//   GET  /runtime/invocation/next            (long poll: the next event)
//   POST /runtime/invocation/{id}/response   (the handler's result)
//   POST /runtime/invocation/{id}/error      (a function error)
//   POST /runtime/init/error                 (initialization failed)
//
// One kept-alive libcurl easy handle serves every request, so the loop talks
// over a single TCP connection. Proxies from the environment are ignored: the
// API is always local to the execution environment.
//
// Transient failures (connection refused/reset, empty reply, 5xx) are retried
// with a short backoff and a bounded number of attempts; anything still
// failing comes back as an error status so the caller can decide.
//
// Thread-safety: not thread-safe; one client per loop. Curl stays out of this
// header (and out of every public header).
#ifndef FNGUARD_WRAPPERS_LAMBDA_RUNTIME_API_CLIENT_H_
#define FNGUARD_WRAPPERS_LAMBDA_RUNTIME_API_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fnguard::lambda {

// One invocation as delivered by GET /runtime/invocation/next.
struct NextInvocation {
  std::string payload;
  std::string request_id;        // Lambda-Runtime-Aws-Request-Id
  long long deadline_ms = 0;     // Lambda-Runtime-Deadline-Ms (epoch ms), 0 if absent
  std::string function_arn;      // Lambda-Runtime-Invoked-Function-Arn
  std::string trace_id;          // Lambda-Runtime-Trace-Id
  std::string client_context;    // Lambda-Runtime-Client-Context
  std::string cognito_identity;  // Lambda-Runtime-Cognito-Identity
};

// How hard to try before giving up on the API.
struct RetryPolicy {
  int max_attempts = 6;                               // including the first
  std::chrono::milliseconds initial_backoff{20};      // doubled per attempt
  std::chrono::milliseconds max_backoff{500};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds post_timeout{30000};      // whole request, posts only
};

// The outcome of posting a result: the status code the API answered with.
struct PostOutcome {
  long http_status = 0;
  std::string body;  // the API's answer (an error document on 4xx)
};

// JSON body of an error post: {"errorMessage":..,"errorType":..,"stackTrace":[]}.
std::string ErrorDocument(std::string_view error_message, std::string_view error_type);

class RuntimeApiClient {
 public:
  // `endpoint` is host:port as found in $AWS_LAMBDA_RUNTIME_API.
  static absl::StatusOr<std::unique_ptr<RuntimeApiClient>> Create(std::string endpoint,
                                                                   RetryPolicy retry = {});
  ~RuntimeApiClient();
  RuntimeApiClient(const RuntimeApiClient&) = delete;
  RuntimeApiClient& operator=(const RuntimeApiClient&) = delete;

  // Long-polls for the next invocation (no timeout on the poll itself).
  // kUnavailable once the retries are exhausted; kInternal for an answer that
  // is not a usable invocation (e.g. no request id) after the retries.
  absl::StatusOr<NextInvocation> Next();

  // Posts a successful result. Transport failures and 5xx are retried; the
  // returned outcome carries the final HTTP status (a 4xx such as 413 means
  // the API rejected the payload, which the caller reports as an error).
  absl::StatusOr<PostOutcome> PostResponse(std::string_view request_id, std::string_view payload,
                                           std::string_view content_type);

  // Posts a function error for `request_id`.
  absl::StatusOr<PostOutcome> PostError(std::string_view request_id,
                                        std::string_view error_message,
                                        std::string_view error_type);

  // Posts an initialization error (before any invocation was fetched).
  absl::StatusOr<PostOutcome> PostInitError(std::string_view error_message,
                                            std::string_view error_type);

  // "http://host:port/2018-06-01".
  const std::string& base_url() const { return base_url_; }

 private:
  struct Transport;  // the curl handle and its scratch buffers
  RuntimeApiClient(std::string base_url, RetryPolicy retry, std::unique_ptr<Transport> transport);

  absl::StatusOr<PostOutcome> Post(const std::string& url, std::string_view body,
                                   std::string_view content_type, std::string_view error_type);
  void Backoff(int attempt) const;

  std::string base_url_;
  RetryPolicy retry_;
  std::unique_ptr<Transport> transport_;
};

}  // namespace fnguard::lambda

#endif  // FNGUARD_WRAPPERS_LAMBDA_RUNTIME_API_CLIENT_H_
