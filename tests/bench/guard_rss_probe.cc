// Measures what fnguard adds to a function's memory: run under
// `/usr/bin/time -v` and compare "Maximum resident set size" of
//   fnguard_guard_rss_probe baseline   (links libfnguard, creates nothing)
//   fnguard_guard_rss_probe guard      (Guard::WithDefaults + one inspection)
// The probe links the shared libfnguard the way a user's function does.
#include <cstdio>
#include <cstring>
#include <string>

#include "fnguard/guard.h"

namespace {

// A small HTTP API event with a query, a few headers and a JSON body.
constexpr const char* kEvent =
    R"({"version":"2.0","routeKey":"$default","rawPath":"/v1/orders","rawQueryString":"page=2",)"
    R"("headers":{"content-type":"application/json","host":"api.example.com",)"
    R"("user-agent":"Mozilla/5.0"},"queryStringParameters":{"page":"2"},)"
    R"("requestContext":{"http":{"method":"POST","path":"/v1/orders","protocol":"HTTP/1.1",)"
    R"("sourceIp":"198.51.100.23"}},"body":"{\"sku\":\"BK-1049\",\"qty\":2}","isBase64Encoded":false})";

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "guard";
  if (mode == "baseline") {
    std::printf("baseline\n");
    return 0;
  }
  if (mode != "guard") {
    std::fprintf(stderr, "usage: %s baseline|guard\n", argv[0]);
    return 2;
  }
  auto guard = fnguard::Guard::WithDefaults();
  fnguard::Verdict v = guard->Inspect(kEvent);
  std::printf("guard: %zu findings\n", v.findings.size());
  return 0;
}
