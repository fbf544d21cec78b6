// fnguard fetch --policy P [--cacert F] [--max-time S] URL: see egress_commands.h.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "policy/text.h"
#include "runtime/core/json.h"
#include "runtime/egress/egress_event.h"
#include "runtime/egress/http_client.h"
#include "runtime/report/reporter.h"
#include "wrappers/cli/egress_commands.h"

namespace fnguard::cli {
namespace {

constexpr const char* kFetchUsage =
    "usage: fnguard fetch --policy POLICY [--cacert FILE] [--max-time SECONDS] URL\n"
    "GET the URL through the policy's egress guard and write the body to stdout.\n"
    "The URL, every address its host resolves to and the connected address are\n"
    "checked; TLS peer and host verification are always on.\n"
    "Exit 0 on a 2xx/3xx response, 3 denied by the egress policy (one JSON line\n"
    "{\"url\",\"decision\":\"deny\",\"reason\"} on stderr), 4 TLS verification failed,\n"
    "5 any other error (including a 4xx/5xx status), 2 bad input.\n"
    "Denials and TLS failures are also reported as security events when the\n"
    "policy has a reporting section (stdout JSON lines go to stderr here).\n";

constexpr double kMaxTimeLimitSeconds = 3600;
// How long fetch waits for its security events to reach the collector.
constexpr int kReportFlushMs = 2000;

int BadInput(const std::string& message) {
  std::fprintf(stderr, "fnguard fetch: %s\n%s", message.c_str(), kFetchUsage);
  return kExitBadInput;
}

}  // namespace

int FetchCommand(const Args& args) {
  ArgParser ap({"--policy", "--cacert", "--max-time"}, {"--help"});
  if (!ap.Parse(args)) return BadInput(ap.error());
  if (ap.Has("--help")) {
    std::fputs(kFetchUsage, stdout);
    return kExitOk;
  }
  std::optional<std::string> policy_file = ap.Get("--policy");
  if (!policy_file.has_value() || policy_file->empty()) return BadInput("--policy is required");
  if (ap.positionals().size() != 1) return BadInput("exactly one URL is required");
  const std::string& url = ap.positionals()[0];

  egress::FetchOptions options;
  if (std::optional<std::string> cacert = ap.Get("--cacert")) {
    if (cacert->empty()) return BadInput("--cacert needs a file name");
    options.ca_file = *cacert;
  }
  if (std::optional<std::string> max_time = ap.Get("--max-time")) {
    char* end = nullptr;
    const double seconds = std::strtod(max_time->c_str(), &end);
    if (max_time->empty() || end == nullptr || *end != '\0' || !(seconds > 0) ||
        seconds > kMaxTimeLimitSeconds) {
      return BadInput("--max-time must be a number of seconds in (0, 3600]");
    }
    options.total_timeout = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000 + 0.5));
    if (options.total_timeout.count() < 1) options.total_timeout = std::chrono::milliseconds(1);
    options.connect_timeout = std::min(options.connect_timeout, options.total_timeout);
  }

  auto pol = policy::LoadPolicyFile(*policy_file);
  if (!pol.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(policy::ToStd(pol.status().message())).c_str());
    return kExitBadInput;
  }
  // Security events as the policy's reporting section says; stdout carries
  // the body, so JSON lines go to stderr. Without a reporting section the
  // deny line below is the only report.
  report::Reporter reporter(**pol, stderr);
  egress::EgressReporter events(&reporter, nullptr);
  bool reported = false;
  absl::StatusOr<egress::HttpClient> client = egress::HttpClient::Create(
      (*pol)->egress, [&](const egress::EgressNotice& notice) {
        events.Report(notice);
        reported = true;
      });
  if (!client.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(policy::ToStd(client.status().message())).c_str());
    return kExitBadInput;
  }

  egress::FetchResult r = client->Get(url, options);
  if (reported && reporter.enabled()) reporter.Flush(kReportFlushMs);
  if (!r.ok()) {
    switch (r.error.category) {
      case egress::FetchErrorCategory::kDenied: {
        json::Writer w;
        w.BeginObject()
            .Field("url", r.error.url)
            .Field("decision", "deny")
            .Field("reason", r.error.message)
            .EndObject();
        std::fprintf(stderr, "%s\n", w.str().c_str());
        return kExitEgressDenied;
      }
      case egress::FetchErrorCategory::kTls:
        std::fprintf(stderr, "fnguard fetch: TLS verification failed for %s: %s\n",
                     r.error.url.c_str(), r.error.message.c_str());
        return kExitFetchTls;
      case egress::FetchErrorCategory::kTimeout:
      case egress::FetchErrorCategory::kTooLarge:
      case egress::FetchErrorCategory::kOther:
        break;
    }
    std::fprintf(stderr, "fnguard fetch: %s: %s\n", r.error.url.c_str(), r.error.message.c_str());
    return kExitFetchOther;
  }
  const egress::HttpResponse& response = *r.response;
  if (response.status < 200 || response.status >= 400) {
    std::fprintf(stderr, "fnguard fetch: %s: HTTP status %ld\n", response.url.c_str(),
                 response.status);
    return kExitFetchOther;
  }
  if (!response.body.empty() &&
      std::fwrite(response.body.data(), 1, response.body.size(), stdout) != response.body.size()) {
    std::fprintf(stderr, "fnguard fetch: could not write the body to stdout\n");
    return kExitFetchOther;
  }
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "fnguard fetch: could not write the body to stdout\n");
    return kExitFetchOther;
  }
  return kExitOk;
}

}  // namespace fnguard::cli
