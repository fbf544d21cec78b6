// fnguard bench: time the inspection pipeline per event.
//   fnguard bench [--events DIR] [--iterations N] [--format text|json] [--vs modsecurity]
// Without --events, a typical HTTP API request (query, headers, small JSON
// body) is used. Prints per-event latency percentiles. Exit 0; 2 on bad input.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "runtime/core/json.h"
#include "runtime/engine/engine.h"
#include "wrappers/cli/cli.h"
#include "wrappers/cli/eval_events.h"

namespace fnguard::cli {
namespace {

constexpr const char* kBenchUsage =
    "usage: fnguard bench [--events DIR] [--iterations N] [--policy P] [--format text|json]\n"
    "                     [--vs modsecurity]\n";

std::string TypicalEvent() {
  RequestLine req;
  req.method = "POST";
  req.uri = "/v1/orders?customer=4711&currency=EUR&include=items,shipping&page=2";
  req.headers = {
      {"accept", "application/json, text/plain, */*"},
      {"accept-encoding", "gzip, deflate, br"},
      {"accept-language", "en-US,en;q=0.9,de;q=0.8"},
      {"authorization", "Bearer 3f1c9a7e5b2d4c6e8a0b1c2d3e4f5a6b"},
      {"content-type", "application/json"},
      {"cookie", "session=8f2a1c; theme=dark; consent=analytics"},
      {"host", "api.shop.example.com"},
      {"origin", "https://shop.example.com"},
      {"referer", "https://shop.example.com/checkout?step=2"},
      {"sec-ch-ua", "\"Chromium\";v=\"118\", \"Google Chrome\";v=\"118\", \"Not=A?Brand\";v=\"99\""},
      {"user-agent",
       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/118.0.0.0 Safari/537.36"},
      {"x-forwarded-for", "198.51.100.23"},
  };
  req.body =
      R"({"customer":{"name":"Siobhán O'Brien","email":"siobhan.obrien@example.com","phone":"+353 1 555 0100"},)"
      R"("items":[{"sku":"BK-1049","qty":2,"note":"gift wrap, please!"},{"sku":"MG-77","qty":1}],)"
      R"("shipping":{"street":"12 Grafton St.","city":"Dublin","zip":"D02 X285"},"coupon":"AUTUMN-15%"})";
  return BuildRequestEvent(req);
}

uint64_t Pct(std::vector<uint64_t> v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

int BenchCommand(const Args& args) {
  ArgParser ap({"--events", "--iterations", "--format", "--policy", "--vs"}, {"--help"});
  if (!ap.Parse(args)) {
    std::fprintf(stderr, "fnguard bench: %s\n%s", ap.error().c_str(), kBenchUsage);
    return kExitBadInput;
  }
  if (ap.Has("--help")) {
    std::fputs(kBenchUsage, stdout);
    return kExitOk;
  }
  if (auto vs = ap.Get("--vs")) {
    std::fprintf(stderr,
                 "fnguard bench: --vs %s: this build has no ModSecurity comparison "
                 "(libmodsecurity was not found at build time)\n",
                 vs->c_str());
    return kExitBadInput;
  }
  int iterations = 2000;
  if (auto it = ap.Get("--iterations")) {
    try {
      iterations = std::stoi(*it);
    } catch (...) {
      iterations = -1;
    }
    if (iterations <= 0 || iterations > 10000000) {
      std::fprintf(stderr, "fnguard bench: --iterations must be 1..10000000\n");
      return kExitBadInput;
    }
  }
  const std::string format = ap.Get("--format").value_or("text");
  auto pol = PolicyFromFlagOrEnv(ap.Get("--policy"));
  if (!pol.ok()) {
    std::fprintf(stderr, "fnguard bench: %s\n", std::string(pol.status().message()).c_str());
    return kExitBadInput;
  }
  std::vector<std::pair<std::string, std::string>> events;
  if (auto dir = ap.Get("--events")) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(*dir, ec)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    if (ec) {
      std::fprintf(stderr, "fnguard bench: cannot list %s: %s\n", dir->c_str(), ec.message().c_str());
      return kExitBadInput;
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto text = ReadFile(f.string());
      if (!text.ok()) {
        std::fprintf(stderr, "fnguard bench: %s\n", std::string(text.status().message()).c_str());
        return kExitBadInput;
      }
      events.emplace_back(f.filename().string(), *std::move(text));
    }
    if (events.empty()) {
      std::fprintf(stderr, "fnguard bench: no .json events in %s\n", dir->c_str());
      return kExitBadInput;
    }
  } else {
    events.emplace_back("typical-http-api-post", TypicalEvent());
  }

  engine::Inspector inspector(*pol);
  using Clock = std::chrono::steady_clock;
  // Warm up buffers and caches.
  for (int i = 0; i < 50; ++i) {
    for (const auto& [name, ev] : events) (void)inspector.Inspect(ev);
  }
  std::vector<uint64_t> samples;
  samples.reserve(static_cast<size_t>(iterations) * events.size());
  uint64_t bytes = 0;
  const auto wall0 = Clock::now();
  for (int i = 0; i < iterations; ++i) {
    for (const auto& [name, ev] : events) {
      const auto t0 = Clock::now();
      Verdict v = inspector.Inspect(ev);
      const auto t1 = Clock::now();
      samples.push_back(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
      bytes += ev.size();
    }
  }
  const double wall_s = std::chrono::duration<double>(Clock::now() - wall0).count();
  const uint64_t p50 = Pct(samples, 0.50), p99 = Pct(samples, 0.99);
  double mean = 0;
  for (uint64_t s : samples) mean += static_cast<double>(s);
  mean /= static_cast<double>(samples.size());
  if (format == "json") {
    json::Writer w;
    w.BeginObject();
    w.Key("fnguard").BeginObject();
    w.Field("events", static_cast<uint64_t>(events.size()));
    w.Field("samples", static_cast<uint64_t>(samples.size()));
    w.Field("p50_ns", p50).Field("p99_ns", p99);
    w.Key("mean_ns").Double(mean);
    w.Key("events_per_s").Double(static_cast<double>(samples.size()) / wall_s);
    w.Key("mb_per_s").Double(static_cast<double>(bytes) / wall_s / 1e6);
    w.EndObject();
    w.EndObject();
    std::printf("%s\n", w.str().c_str());
  } else {
    std::printf("fnguard: %zu events x %d iterations\n", events.size(), iterations);
    std::printf("  per event: p50 %.2f us, p99 %.2f us, mean %.2f us\n", static_cast<double>(p50) / 1e3,
                static_cast<double>(p99) / 1e3, mean / 1e3);
    std::printf("  throughput: %.0f events/s, %.1f MB/s\n", static_cast<double>(samples.size()) / wall_s,
                static_cast<double>(bytes) / wall_s / 1e6);
  }
  return kExitOk;
}

}  // namespace fnguard::cli
