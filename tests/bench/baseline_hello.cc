// The hello function without fnguard: the same handler (examples/hello/
// greeting.h) behind a plain libcurl Lambda Runtime API loop
// (plain_runtime_loop.h). It is the baseline the cold start, memory and
// per-invocation cost of examples/hello are compared with
// (docs/PERFORMANCE.md, tests/bench/local_overhead.sh): both run under
// `fnguard local` in the same run. Exits 1 when the Runtime API fails.
#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/bench/plain_runtime_loop.h"

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr || *api == '\0') {
    std::fprintf(stderr, "baseline: AWS_LAMBDA_RUNTIME_API is not set\n");
    return 1;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string reason = fnguard::bench::PlainRuntimeLoop(api);
  std::fprintf(stderr, "baseline: %s\n", reason.c_str());
  return 1;
}
