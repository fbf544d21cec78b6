// hello: a complete AWS Lambda custom runtime protected by fnguard.
//
// Answers API Gateway (HTTP API v2 or REST API) and Function URL requests
// with a greeting: the name comes from the query string (?name=Ada) or from a
// JSON body ({"name":"Ada"}). fnguard inspects every event before the handler
// runs; in block mode an attack gets a 403 and the handler never sees it.
//
// The function's own logic is in greeting.h and knows nothing of fnguard;
// the lines below are all that protecting it takes.
//
// Build: the `hello_bootstrap` target produces examples/hello/bootstrap.
// Run locally:
//   fnguard local --function build/examples/hello/bootstrap
//                 --policy examples/hello/policy.yaml examples/hello/events/*.json
#include <fnguard/fnguard.h>

#include "greeting.h"

int main() {
  auto guard = fnguard::Guard::FromEnv();  // FNGUARD_POLICY=policy.yaml, else defaults
  if (!guard.ok()) return fnguard::lambda::ReportInitError(guard.status());
  return fnguard::lambda::Run(**guard, [](const fnguard::lambda::Request& request) {
    return fnguard::lambda::Response::Success(hello::GreetingResponse(request.payload));
  });
}
