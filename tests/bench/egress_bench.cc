// Egress decisions without DNS (HostPolicy::Decide: strict URL parse with
// libcurl's URL API, deny list, allowlist, address classification of IP
// literals) beside their peers measured in the same run: libcurl's URL parse
// alone (curl_url_set + reading the host back), the floor any decision that
// hands libcurl's own parse to the transfer has to pay, and the same parse
// with the scheme, host and port read back (what checking that libcurl reads
// the URL as fnguard does costs in libcurl).
//
//   cmake -S . -B build-decide -G Ninja -DCMAKE_BUILD_TYPE=Release -DFNGUARD_BUILD_BENCH=ON
//   cmake --build build-decide --target fnguard_bench
//   build-decide/tests/bench/fnguard_bench --benchmark_filter='Egress|CurlUrl'
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//       --benchmark_min_time=0.3      (one command line)
//
// Target (issue 4): a decision without DNS in <= 1 us. Results:
// docs/PERFORMANCE.md ("Egress decisions").
#include <benchmark/benchmark.h>
#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "runtime/egress/host_policy.h"
#include "runtime/egress/url.h"

namespace fnguard {
namespace {

// A realistic allowlist: a dozen entries of each kind, and a deny list.
constexpr const char* kPolicy = R"(version: 1
egress:
  mode: enforce
  allow:
    - {host: api.example.com}
    - {host: hooks.slack.com}
    - {host: api.stripe.com}
    - {host: oauth2.googleapis.com}
    - {host: login.microsoftonline.com}
    - {host: api.github.com}
    - {host: "*.amazonaws.com"}
    - {host: "*.s3.amazonaws.com"}
    - {host: "*.execute-api.eu-west-1.amazonaws.com"}
    - {host: "*.cloudfront.net"}
    - {host: plain.example.org, ports: [80], schemes: [http]}
    - {cidr: 203.0.113.0/24, ports: [8443]}
    - {cidr: "2001:db8:1::/48", ports: [443]}
    - {cidr: 10.20.0.0/16, ports: [5432, 443]}
  deny: [blocked.example.com, "*.internal.example.com", 198.51.100.0/24]
  deny_private_addresses: true
)";

const egress::HostPolicy& Policy() {
  static const egress::HostPolicy* policy = [] {
    auto loaded = policy::LoadPolicyText(kPolicy, "bench.yaml");
    if (!loaded.ok()) {
      std::fprintf(stderr, "bench policy: %s\n", std::string(loaded.status().message()).c_str());
      std::abort();
    }
    auto compiled = egress::HostPolicy::Compile((*loaded)->egress);
    if (!compiled.ok()) std::abort();
    return new egress::HostPolicy(*std::move(compiled));
  }();
  return *policy;
}

struct Case {
  const char* name;
  const char* url;
  bool allow;
};

// state.range(0) indexes these.
const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"exact", "https://api.example.com/v1/items?page=2", true},
      {"wildcard", "https://my-bucket.s3.eu-west-1.amazonaws.com/reports/2024/q1.csv", true},
      {"cidr", "https://203.0.113.7:8443/ingest", true},
      {"denied_unlisted", "https://exfil.example.net/upload", false},
      {"denied_metadata", "http://169.254.169.254/latest/meta-data/iam/security-credentials/", false},
      {"denied_deny_list", "https://db.internal.example.com/", false},
      {"denied_bypass", "https://0x7f.1/", false},
  };
  return cases;
}

void Label(benchmark::State& state) {
  state.SetLabel(Cases()[static_cast<size_t>(state.range(0))].name);
}

// The whole decision on the URL text, as `fnguard egress check` and the
// client make it before any DNS.
void BM_EgressDecide(benchmark::State& state) {
  const Case& c = Cases()[static_cast<size_t>(state.range(0))];
  const egress::HostPolicy& policy = Policy();
  if (policy.Decide(c.url).allow != c.allow) {
    state.SkipWithError("unexpected decision");
    return;
  }
  for (auto _ : state) {
    egress::Decision d = policy.Decide(c.url);
    benchmark::DoNotOptimize(d);
  }
  Label(state);
}
BENCHMARK(BM_EgressDecide)->DenseRange(0, 6);

// The peer: libcurl's URL parser alone on the same text (the client hands
// libcurl's parse to the transfer, so this part is paid anyway).
void BM_CurlUrlParse(benchmark::State& state) {
  const Case& c = Cases()[static_cast<size_t>(state.range(0))];
  for (auto _ : state) {
    CURLU* u = curl_url();
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, c.url, 0);
    char* host = nullptr;
    if (rc == CURLUE_OK) rc = curl_url_get(u, CURLUPART_HOST, &host, 0);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(host);
    curl_free(host);
    curl_url_cleanup(u);
  }
  Label(state);
}
BENCHMARK(BM_CurlUrlParse)->DenseRange(0, 6);

// libcurl's parse plus reading back what the agreement check compares
// (scheme, host and port): the floor of a decision that verifies libcurl's
// reading of the URL, with nothing of fnguard's own.
void BM_CurlUrlParseAndRead(benchmark::State& state) {
  const Case& c = Cases()[static_cast<size_t>(state.range(0))];
  for (auto _ : state) {
    CURLU* u = curl_url();
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, c.url, 0);
    for (CURLUPart part : {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT}) {
      char* value = nullptr;
      if (rc == CURLUE_OK) curl_url_get(u, part, &value, 0);
      benchmark::DoNotOptimize(value);
      curl_free(value);
    }
    benchmark::DoNotOptimize(rc);
    curl_url_cleanup(u);
  }
  Label(state);
}
BENCHMARK(BM_CurlUrlParseAndRead)->DenseRange(0, 6);

// fnguard's strict parse (raw-text checks + libcurl parse + agreement).
void BM_EgressParseUrl(benchmark::State& state) {
  const Case& c = Cases()[static_cast<size_t>(state.range(0))];
  for (auto _ : state) {
    auto parsed = egress::ParseUrl(c.url);
    benchmark::DoNotOptimize(parsed);
  }
  Label(state);
}
BENCHMARK(BM_EgressParseUrl)->DenseRange(0, 6);

// The policy part alone, on an already parsed URL (the URL parse excluded).
void BM_EgressDecideParsed(benchmark::State& state) {
  const Case& c = Cases()[static_cast<size_t>(state.range(0))];
  auto parsed = egress::ParseUrl(c.url);
  if (!parsed.ok()) {
    state.SkipWithError("does not parse (decided by the URL rules alone)");
    return;
  }
  const egress::HostPolicy& policy = Policy();
  for (auto _ : state) {
    egress::Decision d = policy.DecideParsed(*parsed);
    benchmark::DoNotOptimize(d);
  }
  Label(state);
}
BENCHMARK(BM_EgressDecideParsed)->DenseRange(0, 5);

}  // namespace
}  // namespace fnguard
