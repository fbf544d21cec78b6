// aws-lambda-cpp: an existing aws-lambda-cpp function, protected by fnguard.
//
// The function below is plain aws-lambda-cpp code. Protecting it takes two
// changes, marked (1) and (2): build a Guard at init, and pass the handler
// through fnguard::lambda::Protect before handing it to run_handler. Events
// that carry an attack get the policy's block response and never reach
// `order_status`; an exception it throws becomes an error response.
#include <aws/lambda-runtime/runtime.h>
#include <fnguard/aws_lambda.h>
#include <fnguard/fnguard.h>

#include <cstdio>
#include <string>

namespace {

// Answers API Gateway requests with the status of an order. (It does not read
// the event: the point is the wiring around it.)
aws::lambda_runtime::invocation_response order_status(
    aws::lambda_runtime::invocation_request const& request) {
  if (request.payload.empty()) {
    return aws::lambda_runtime::invocation_response::failure("empty event", "InvalidEvent");
  }
  return aws::lambda_runtime::invocation_response::success(
      R"({"statusCode":200,"headers":{"content-type":"application/json"},"body":)"
      R"("{\"status\":\"shipped\"}"})",
      "application/json");
}

}  // namespace

int main() {
  // (1) One Guard for the life of the process: $FNGUARD_POLICY or defaults.
  auto guard = fnguard::Guard::FromEnv();
  if (!guard.ok()) {
    std::fprintf(stderr, "fnguard: %s\n", guard.status().ToString().c_str());
    return 1;
  }
  // (2) Was: aws::lambda_runtime::run_handler(order_status);
  aws::lambda_runtime::run_handler(fnguard::lambda::Protect(**guard, order_status));
  return 0;
}
