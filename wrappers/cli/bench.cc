// fnguard bench: time the inspection pipeline per event.
//   fnguard bench [--events DIR | --body-bytes N [--body-shape catalog|records] |
//                  --vary users|all] [--iterations N]
//                 [--format text|json] [--vs modsecurity|simdjson] [--no-field-cache]
// Without --events, a typical HTTP API request (query, headers, small JSON
// body) is used; --body-bytes N uses one request with an N-byte benign JSON
// body instead (throughput on large bodies): a product catalog with prose
// descriptions, or with --body-shape records an export of order records
// (short values and numbers). Prints per-event latency percentiles and init time. With
// --vs modsecurity the same events also run, in the same process right after
// fnguard's run, through libmodsecurity + OWASP CRS (paranoia level 1; see
// wrappers/cli/modsecurity_engine.h), each event rebuilt as the HTTP request
// a web server would hand it; the ratios are ModSecurity / fnguard.
// With --vs simdjson the same events are only parsed: simdjson's DOM parser
// reads the event and then, when its body is JSON text, the body. Every
// inspection that parses the event as JSON pays at least this; the ratios
// are fnguard / parse (how many parses' time the whole inspection takes).
// The same events come again and again, so fields that came out clean are
// skipped from the second round on (runtime/engine/clean_cache.h), as in a
// warm function that sees the same headers, and so are a large body's later
// fields that repeat an earlier clean one but for their array indexes;
// --no-field-cache times every field every time. --vary users times 4,096 copies of the typical request,
// each with its own body, query, bearer token, session cookie and client
// address (what differs from one user to the next), round robin: more copies
// than the Inspector remembers fields, so those values are new every time
// while the shared headers are remembered; --vary all changes every value.
// --iterations counts rounds over the event set (default 2000; 3 with
// --vary).
// Exit 0; 2 on bad input or when the comparison is not available.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include <simdjson.h>

#include "absl/strings/str_cat.h"
#include "runtime/core/json.h"
#include "runtime/engine/engine.h"
#include "wrappers/cli/bench_events.h"
#include "wrappers/cli/cli.h"
#include "wrappers/cli/event_request.h"
#ifdef FNGUARD_HAVE_MODSECURITY
#include "wrappers/cli/modsecurity_engine.h"
#endif

namespace fnguard::cli {
namespace {

constexpr const char* kBenchUsage =
    "usage: fnguard bench [--events DIR | --body-bytes N [--body-shape catalog|records] |\n"
    "                      --vary users|all] [--iterations N]\n"
    "                     [--policy P] [--format text|json] [--vs modsecurity|simdjson]\n"
    "                     [--no-field-cache]\n";

// Copies of the typical request that --vary times.
constexpr size_t kVariants = 4096;

using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// One engine's run over the event set.
struct RunStats {
  size_t events = 0;
  size_t samples = 0;
  uint64_t p50_ns = 0, p99_ns = 0;
  double mean_ns = 0, events_per_s = 0, mb_per_s = 0;
  double init_ms = 0;
  uint64_t flagged = 0;  // events the engine flagged (first round)
  uint64_t timed_out = 0;  // fnguard: inspections cut short by the policy's time budget
};

// Times `inspect(i)` (returns whether event i was flagged) for every event,
// `iterations` times, after a warmup whose first round counts flags.
// `receive(i)` runs untimed right before each `inspect(i)`: it copies event i
// into the buffer the engine reads, as a runtime writes the event it has just
// read from the Runtime API or a socket, so the event's bytes are as fresh in
// the CPU's caches as they are in a function (a set of 4,096 events is larger
// than the caches, and reading it cold would be timed as inspection).
// `bytes[i]` is event i's size for the MB/s figure.
template <typename ReceiveFn, typename InspectFn>
RunStats Measure(const std::vector<size_t>& bytes, int iterations, ReceiveFn&& receive,
                 InspectFn&& inspect) {
  RunStats st;
  st.events = bytes.size();
  const int warmup = std::clamp(iterations / 10, 1, 50);
  for (int round = 0; round < warmup; ++round) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      receive(i);
      const bool flagged = inspect(i);
      if (round == 0 && flagged) ++st.flagged;
    }
  }
  std::vector<uint64_t> samples;
  samples.reserve(static_cast<size_t>(iterations) * bytes.size());
  uint64_t total_bytes = 0;
  const auto wall0 = Clock::now();
  for (int round = 0; round < iterations; ++round) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      receive(i);
      const auto t0 = Clock::now();
      (void)inspect(i);
      const auto t1 = Clock::now();
      samples.push_back(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
      total_bytes += bytes[i];
    }
  }
  const double wall_s = std::chrono::duration<double>(Clock::now() - wall0).count();
  st.samples = samples.size();
  st.p50_ns = Percentile(samples, 0.50);
  st.p99_ns = Percentile(samples, 0.99);
  double sum = 0;
  for (uint64_t s : samples) sum += static_cast<double>(s);
  st.mean_ns = samples.empty() ? 0 : sum / static_cast<double>(samples.size());
  st.events_per_s = wall_s > 0 ? static_cast<double>(samples.size()) / wall_s : 0;
  st.mb_per_s = wall_s > 0 ? static_cast<double>(total_bytes) / wall_s / 1e6 : 0;
  return st;
}

void WriteStats(json::Writer& w, const RunStats& st) {
  w.Field("events", static_cast<uint64_t>(st.events));
  w.Field("samples", static_cast<uint64_t>(st.samples));
  w.Field("p50_ns", st.p50_ns).Field("p99_ns", st.p99_ns);
  w.Key("mean_ns").Double(st.mean_ns);
  w.Key("events_per_s").Double(st.events_per_s);
  w.Key("mb_per_s").Double(st.mb_per_s);
  w.Key("init_ms").Double(st.init_ms);
  w.Field("flagged", st.flagged);
}

void PrintStats(const RunStats& st) {
  std::printf("  per event: p50 %.2f us, p99 %.2f us, mean %.2f us\n",
              static_cast<double>(st.p50_ns) / 1e3, static_cast<double>(st.p99_ns) / 1e3,
              st.mean_ns / 1e3);
  std::printf("  throughput: %.0f events/s, %.1f MB/s\n", st.events_per_s, st.mb_per_s);
  std::printf("  init: %.3f ms; flagged %llu of %zu events\n", st.init_ms,
              static_cast<unsigned long long>(st.flagged), st.events);
}

double Ratio(double num, double den) { return den > 0 ? num / den : 0; }

// Parsing alone: the event, then its body when that is JSON text (not
// base64), each with its own reused simdjson DOM parser. The floor under any
// inspection that reads the event's values from a JSON parse.
struct ParseRun {
  RunStats stats;
  uint64_t bodies_parsed = 0;  // events whose body was parsed as JSON too
};

absl::StatusOr<ParseRun> RunJsonParse(const std::vector<std::pair<std::string, std::string>>& events,
                                      const std::vector<size_t>& bytes, int iterations) {
  ParseRun run;
  const auto t0 = Clock::now();
  simdjson::dom::parser event_parser;
  simdjson::dom::parser body_parser;
  const double init_ms = MillisSince(t0);
  enum class Parsed { kNotJson, kEventOnly, kEventAndBody };
  const auto parse = [&](std::string_view event) {
    simdjson::dom::element root;
    if (event_parser.parse(event.data(), event.size(), true).get(root) != simdjson::SUCCESS) {
      return Parsed::kNotJson;
    }
    std::string_view body;
    bool base64 = false;
    if (root["body"].get_string().get(body) != simdjson::SUCCESS) return Parsed::kEventOnly;
    if (root["isBase64Encoded"].get_bool().get(base64) != simdjson::SUCCESS) base64 = false;
    size_t i = body.find_first_not_of(" \t\r\n");
    if (base64 || i == std::string_view::npos || (body[i] != '{' && body[i] != '[')) {
      return Parsed::kEventOnly;
    }
    simdjson::dom::element body_root;
    return body_parser.parse(body.data(), body.size(), true).get(body_root) == simdjson::SUCCESS
               ? Parsed::kEventAndBody
               : Parsed::kEventOnly;
  };
  // Every event this command times is JSON; one that is not has no parse
  // to compare with.
  for (const auto& [name, ev] : events) {
    const Parsed p = parse(ev);
    if (p == Parsed::kNotJson) return absl::InvalidArgumentError(name + ": not a JSON document");
    if (p == Parsed::kEventAndBody) ++run.bodies_parsed;
  }
  std::string received;
  run.stats = Measure(
      bytes, iterations, [&](size_t i) { received.assign(events[i].second); },
      [&](size_t) {
        (void)parse(received);
        return false;
      });
  run.stats.init_ms = init_ms;
  return run;
}

#ifdef FNGUARD_HAVE_MODSECURITY

struct ModSecurityRun {
  RunStats stats;
  std::string version;
  int rules = 0;
  std::map<std::string, uint64_t> request_sources;
};

absl::StatusOr<ModSecurityRun> RunModSecurity(
    const std::vector<std::pair<std::string, std::string>>& events,
    const std::vector<size_t>& bytes, int iterations) {
  // Rebuilding the HTTP requests is the web server's work, not the WAF's:
  // done once, outside the timed region.
  ModSecurityRun run;
  std::vector<HttpRequest> requests;
  requests.reserve(events.size());
  for (const auto& [name, ev] : events) {
    auto req = HttpRequestFromEvent(ev);
    if (!req.ok()) {
      return absl::InvalidArgumentError(name + ": " + std::string(req.status().message()));
    }
    ++run.request_sources[std::string(RequestSourceName(req->source))];
    requests.push_back(std::move(req->request));
  }
  const auto t0 = Clock::now();
  auto engine = ModSecurityEngine::Create(ModSecurityOptions{});
  const double init_ms = MillisSince(t0);
  if (!engine.ok()) return engine.status();
  run.version = (*engine)->version();
  run.rules = (*engine)->rule_count();
  HttpRequest received;
  run.stats = Measure(
      bytes, iterations, [&](size_t i) { received = requests[i]; },
      [&](size_t) { return (*engine)->Evaluate(received).intervened; });
  run.stats.init_ms = init_ms;
  return run;
}
#endif

}  // namespace

int BenchCommand(const Args& args) {
  ArgParser ap({"--events", "--iterations", "--format", "--policy", "--vs", "--body-bytes", "--vary",
                "--body-shape"},
               {"--help", "--no-field-cache"});
  if (!ap.Parse(args)) {
    std::fprintf(stderr, "fnguard bench: %s\n%s", ap.error().c_str(), kBenchUsage);
    return kExitBadInput;
  }
  if (ap.Has("--help")) {
    std::fputs(kBenchUsage, stdout);
    return kExitOk;
  }
  const std::string vs = ap.Get("--vs").value_or("");
  const bool vs_modsecurity = vs == "modsecurity";
  const bool vs_parse = vs == "simdjson";
  if (!vs.empty() && !vs_modsecurity && !vs_parse) {
    std::fprintf(stderr,
                 "fnguard bench: --vs %s: the comparisons are 'modsecurity' and 'simdjson'\n",
                 vs.c_str());
    return kExitBadInput;
  }
#ifndef FNGUARD_HAVE_MODSECURITY
  if (vs_modsecurity) {
    std::fprintf(stderr,
                 "fnguard bench: --vs modsecurity: this build has no ModSecurity comparison "
                 "(libmodsecurity was not found at build time)\n");
    return kExitBadInput;
  }
#endif
  std::optional<Variation> vary;
  if (const std::optional<std::string> v = ap.Get("--vary")) {
    if (*v == "users") {
      vary = Variation::kUsers;
    } else if (*v == "all") {
      vary = Variation::kAllValues;
    } else {
      std::fprintf(stderr, "fnguard bench: --vary must be users or all\n");
      return kExitBadInput;
    }
  }
  if (vary.has_value() && (ap.Has("--events") || ap.Has("--body-bytes"))) {
    std::fprintf(stderr,
                 "fnguard bench: --vary varies the typical request; it excludes --events and "
                 "--body-bytes\n");
    return kExitBadInput;
  }
  int iterations = vary.has_value() ? 3 : 2000;
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
  if (format != "text" && format != "json") {
    std::fprintf(stderr, "fnguard bench: --format must be text or json\n");
    return kExitBadInput;
  }
  BodyShape shape = BodyShape::kCatalog;
  if (const std::optional<std::string> s = ap.Get("--body-shape")) {
    if (!ap.Has("--body-bytes")) {
      std::fprintf(stderr, "fnguard bench: --body-shape needs --body-bytes\n");
      return kExitBadInput;
    }
    if (*s == "records") {
      shape = BodyShape::kRecords;
    } else if (*s != "catalog") {
      std::fprintf(stderr, "fnguard bench: --body-shape must be catalog or records\n");
      return kExitBadInput;
    }
  }
  if (ap.Has("--events") && ap.Has("--body-bytes")) {
    std::fprintf(stderr, "fnguard bench: --events and --body-bytes exclude each other\n");
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
  } else if (auto body_bytes = ap.Get("--body-bytes")) {
    long long n = -1;
    try {
      n = std::stoll(*body_bytes);
    } catch (...) {
      n = -1;
    }
    if (n <= 0 || n > 6 * 1024 * 1024) {
      std::fprintf(stderr, "fnguard bench: --body-bytes must be 1..6291456 (Lambda's payload cap)\n");
      return kExitBadInput;
    }
    events.emplace_back(shape == BodyShape::kRecords ? "large-json-records" : "large-json-body",
                        LargeJsonBodyEvent(static_cast<size_t>(n), shape));
  } else if (vary.has_value()) {
    std::vector<std::string> variants = TypicalHttpApiEventVariants(kVariants, *vary);
    for (size_t i = 0; i < variants.size(); ++i) {
      events.emplace_back("typical-http-api-post-" + std::to_string(i), std::move(variants[i]));
    }
  } else {
    events.emplace_back("typical-http-api-post", TypicalHttpApiEvent());
  }
  std::vector<size_t> bytes;
  for (const auto& [name, ev] : events) bytes.push_back(ev.size());

  // fnguard's init: loading the policy and building the inspection context.
  const auto init0 = Clock::now();
  auto pol = PolicyFromFlagOrEnv(ap.Get("--policy"));
  if (!pol.ok()) {
    std::fprintf(stderr, "fnguard bench: %s\n", std::string(pol.status().message()).c_str());
    return kExitBadInput;
  }
  engine::Inspector inspector(*pol);
  const bool field_cache = !ap.Has("--no-field-cache");
  inspector.set_remember_clean_fields(field_cache);
  const double fnguard_init_ms = MillisSince(init0);
  uint64_t timed_out = 0;
  std::string received;
  RunStats fn = Measure(
      bytes, iterations, [&](size_t i) { received.assign(events[i].second); },
      [&](size_t) {
        Verdict v = inspector.Inspect(received);
        if (v.timed_out) ++timed_out;
        return !v.findings.empty();
      });
  fn.init_ms = fnguard_init_ms;
  fn.timed_out = timed_out;

#ifdef FNGUARD_HAVE_MODSECURITY
  std::optional<ModSecurityRun> ms;
  if (vs_modsecurity) {
    auto run = RunModSecurity(events, bytes, iterations);
    if (!run.ok()) {
      std::fprintf(stderr, "fnguard bench: --vs modsecurity: %s\n",
                   std::string(run.status().message()).c_str());
      return kExitBadInput;
    }
    ms = *std::move(run);
  }
#endif
  std::optional<ParseRun> parse_run;
  if (vs_parse) {
    auto run = RunJsonParse(events, bytes, iterations);
    if (!run.ok()) {
      std::fprintf(stderr, "fnguard bench: --vs simdjson: %s\n",
                   std::string(run.status().message()).c_str());
      return kExitBadInput;
    }
    parse_run = *std::move(run);
  }
  const std::string parser_name = absl::StrCat("simdjson ", int{simdjson::SIMDJSON_VERSION_MAJOR}, ".",
                                                int{simdjson::SIMDJSON_VERSION_MINOR}, ".",
                                                int{simdjson::SIMDJSON_VERSION_REVISION}, " DOM");

  if (format == "json") {
    json::Writer w;
    w.BeginObject();
    w.Key("fnguard").BeginObject();
    WriteStats(w, fn);
    w.Field("timed_out", fn.timed_out);
    w.Field("field_cache", field_cache);
    w.Field("vary", !vary.has_value()               ? "none"
                    : *vary == Variation::kUsers ? "users"
                                                 : "all");
    w.EndObject();
#ifdef FNGUARD_HAVE_MODSECURITY
    if (ms.has_value()) {
      w.Key("modsecurity").BeginObject();
      WriteStats(w, ms->stats);
      w.Field("version", ms->version);
      w.Field("rules", static_cast<int64_t>(ms->rules));
      w.Field("paranoia_level", int64_t{1});
      w.Key("requests").BeginObject();
      for (const auto& [source, n] : ms->request_sources) w.Field(source, n);
      w.EndObject();
      w.EndObject();
      w.Key("ratio").BeginObject();
      w.Key("p50").Double(Ratio(static_cast<double>(ms->stats.p50_ns), static_cast<double>(fn.p50_ns)));
      w.Key("p99").Double(Ratio(static_cast<double>(ms->stats.p99_ns), static_cast<double>(fn.p99_ns)));
      w.Key("mean").Double(Ratio(ms->stats.mean_ns, fn.mean_ns));
      w.Key("init").Double(Ratio(ms->stats.init_ms, fn.init_ms));
      w.EndObject();
    }
#endif
    if (parse_run.has_value()) {
      w.Key("json_parse").BeginObject();
      WriteStats(w, parse_run->stats);
      w.Field("parser", parser_name);
      w.Field("bodies_parsed", parse_run->bodies_parsed);
      w.EndObject();
      w.Key("ratio_to_parse").BeginObject();
      w.Key("p50").Double(Ratio(static_cast<double>(fn.p50_ns),
                                static_cast<double>(parse_run->stats.p50_ns)));
      w.Key("mean").Double(Ratio(fn.mean_ns, parse_run->stats.mean_ns));
      w.EndObject();
    }
    w.EndObject();
    std::printf("%s\n", w.str().c_str());
  } else {
    std::printf("fnguard: %zu events x %d iterations%s%s\n", events.size(), iterations,
                field_cache ? "" : " (field cache off)",
                !vary.has_value()               ? ""
                : *vary == Variation::kUsers ? " (each with its own user's values)"
                                   : " (every value new in each)");
    PrintStats(fn);
    if (fn.timed_out > 0) {
      std::printf("  %llu inspections (warmup included) ran out of the policy's time budget\n",
                  static_cast<unsigned long long>(fn.timed_out));
    }
#ifdef FNGUARD_HAVE_MODSECURITY
    if (ms.has_value()) {
      std::printf("%s + OWASP CRS (%d rules, paranoia level 1): same events\n", ms->version.c_str(),
                  ms->rules);
      PrintStats(ms->stats);
      std::printf("ratio modsecurity/fnguard: p50 %.1fx, p99 %.1fx, mean %.1fx, init %.1fx\n",
                  Ratio(static_cast<double>(ms->stats.p50_ns), static_cast<double>(fn.p50_ns)),
                  Ratio(static_cast<double>(ms->stats.p99_ns), static_cast<double>(fn.p99_ns)),
                  Ratio(ms->stats.mean_ns, fn.mean_ns), Ratio(ms->stats.init_ms, fn.init_ms));
    }
#endif
    if (parse_run.has_value()) {
      std::printf("%s, parsing alone (the event, then %llu JSON bod%s): same events\n",
                  parser_name.c_str(), static_cast<unsigned long long>(parse_run->bodies_parsed),
                  parse_run->bodies_parsed == 1 ? "y" : "ies");
      PrintStats(parse_run->stats);
      std::printf("ratio fnguard/parse: p50 %.1fx, mean %.1fx\n",
                  Ratio(static_cast<double>(fn.p50_ns), static_cast<double>(parse_run->stats.p50_ns)),
                  Ratio(fn.mean_ns, parse_run->stats.mean_ns));
    }
  }
  return kExitOk;
}

}  // namespace fnguard::cli
