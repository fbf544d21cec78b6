// The declarations of aws-lambda-cpp's public runtime header
// (include/aws/lambda-runtime/runtime.h, v0.2.10) that fnguard/aws_lambda.h
// and the aws-lambda-cpp example use. aws-lambda-cpp is not packaged for the
// build environment, so tests compile against these declarations and define
// the few out-of-line members themselves.
#ifndef FNGUARD_TESTS_SUPPORT_AWS_LAMBDA_RUNTIME_RUNTIME_H_
#define FNGUARD_TESTS_SUPPORT_AWS_LAMBDA_RUNTIME_RUNTIME_H_

#include <chrono>
#include <functional>
#include <string>

namespace aws {
namespace lambda_runtime {

struct invocation_request {
  // The user's payload represented as a UTF-8 string.
  std::string payload;
  // An identifier unique to the current invocation.
  std::string request_id;
  // X-Ray tracing ID of the current invocation.
  std::string xray_trace_id;
  // Information about the client application and device when invoked through
  // the AWS Mobile SDK.
  std::string client_context;
  // Information about the Amazon Cognito identity provider when invoked
  // through the AWS Mobile SDK.
  std::string cognito_identity;
  // The ARN requested. This can be different in each invoke that executes the
  // same version.
  std::string function_arn;
  // Function execution deadline counted in milliseconds since the Unix epoch.
  std::chrono::time_point<std::chrono::system_clock> deadline;

  // The number of milliseconds left before lambda terminates the current
  // execution.
  inline std::chrono::milliseconds get_time_remaining() const;
};

class invocation_response {
 private:
  // The output of the function which is sent to the lambda caller.
  std::string m_payload;
  // The MIME type of the payload.
  std::string m_content_type;
  // Flag to distinguish if the contents are for successful or unsuccessful
  // invocations.
  bool m_success;
  // Used internally by the factory methods.
  invocation_response() = default;

 public:
  // Create a successful invocation response with the given payload and
  // content-type.
  static invocation_response success(std::string const& payload, std::string const& content_type);
  // Create a failure response with the given error message and error type.
  // The content-type is always set to application/json in this case.
  static invocation_response failure(std::string const& error_message,
                                     std::string const& error_type);
  // Get the MIME type of the payload.
  std::string const& get_content_type() const { return m_content_type; }
  // Get the payload string. The string is assumed to be UTF-8 encoded.
  std::string const& get_payload() const { return m_payload; }
  // Returns true if the payload and content-type are set. Returns false if
  // the error message and error types are set.
  bool is_success() const { return m_success; }
};

void run_handler(std::function<invocation_response(invocation_request const&)> const& handler);

inline std::chrono::milliseconds invocation_request::get_time_remaining() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                               std::chrono::system_clock::now());
}

}  // namespace lambda_runtime
}  // namespace aws

#endif  // FNGUARD_TESTS_SUPPORT_AWS_LAMBDA_RUNTIME_RUNTIME_H_
