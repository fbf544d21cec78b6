// Measures what fnguard adds to a function's memory: run under
// `/usr/bin/time -v` and compare "Maximum resident set size" of
//   fnguard_guard_rss_probe baseline   (links libfnguard, creates nothing)
//   fnguard_guard_rss_probe guard      (Guard::WithDefaults + one inspection)
// The probe links the shared libfnguard the way a user's function does.
//
// A second argument names a file to copy /proc/self/smaps and
// /proc/self/status to just before exit, for a per-mapping breakdown
// (tests/bench/rss_breakdown.py).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
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

// Copies this process's smaps and status to `path`; false if it could not.
bool DumpMaps(const char* path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  for (const char* source : {"/proc/self/status", "/proc/self/smaps"}) {
    std::ifstream in(source, std::ios::binary);
    if (!in) return false;
    out << "==> " << source << '\n' << in.rdbuf();
  }
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "guard";
  const char* dump = argc > 2 ? argv[2] : nullptr;
  if (mode != "baseline" && mode != "guard") {
    std::fprintf(stderr, "usage: %s baseline|guard [SMAPS_OUT]\n", argv[0]);
    return 2;
  }
  std::unique_ptr<fnguard::Guard> guard;
  if (mode == "baseline") {
    std::printf("baseline\n");
  } else {
    guard = fnguard::Guard::WithDefaults();
    fnguard::Verdict v = guard->Inspect(kEvent);
    std::printf("guard: %zu findings\n", v.findings.size());
  }
  if (dump != nullptr && !DumpMaps(dump)) {  // while the Guard is alive
    std::fprintf(stderr, "cannot write %s\n", dump);
    return 1;
  }
  return 0;
}
