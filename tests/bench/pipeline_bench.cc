// Hot paths of the inspection pipeline, and (when the build has
// libmodsecurity) ModSecurity + OWASP CRS paranoia level 1 on the same
// events, so that the ratio is visible in one run:
//
//   build-bench/tests/bench/fnguard_bench --benchmark_filter=Typical
//
// Events come from wrappers/cli/bench_events.h, the same ones
// `fnguard bench` times.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "policy/policy.h"
#include "runtime/core/ids.h"
#include "runtime/detect/detector.h"
#include "runtime/engine/engine.h"
#include "runtime/event/event.h"
#include "runtime/normalize/normalize.h"
#include "tests/bench/prepared_fields.h"
#include "wrappers/cli/bench_events.h"
#include "wrappers/cli/event_request.h"
#ifdef FNGUARD_HAVE_MODSECURITY
#include "wrappers/cli/modsecurity_engine.h"
#endif

namespace fnguard {
namespace {

// Just under the decoder's 1 MiB body limit, so the whole body is inspected.
constexpr size_t kLargeBodyBytes = 1000 * 1000;

const std::string& TypicalEvent() {
  static const std::string kEvent = cli::TypicalHttpApiEvent();
  return kEvent;
}

const std::string& LargeBodyEvent() {
  static const std::string kEvent = cli::LargeJsonBodyEvent(kLargeBodyBytes);
  return kEvent;
}

// --- Whole pipeline --------------------------------------------------------

// The typical event again and again; with `field_cache`, its fields are
// remembered as clean after the second round (runtime/engine/clean_cache.h).
void InspectTypicalEvent(benchmark::State& state, bool field_cache) {
  engine::Inspector inspector(policy::DefaultPolicy());
  inspector.set_remember_clean_fields(field_cache);
  const std::string& ev = TypicalEvent();
  for (auto _ : state) {
    Verdict v = inspector.Inspect(ev);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ev.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
void BM_InspectTypicalEvent(benchmark::State& state) { InspectTypicalEvent(state, true); }
BENCHMARK(BM_InspectTypicalEvent);

// A new event per iteration, round robin over 4,096 copies (more than the
// Inspector's memory of clean fields holds); see
// cli::TypicalHttpApiEventVariants().
void InspectVariants(benchmark::State& state, bool every_value, bool field_cache) {
  engine::Inspector inspector(policy::DefaultPolicy());
  inspector.set_remember_clean_fields(field_cache);
  const std::vector<std::string> events = cli::TypicalHttpApiEventVariants(
      4096, every_value ? cli::Variation::kAllValues : cli::Variation::kUsers);
  size_t i = 0;
  size_t bytes = 0;
  int64_t flagged = 0;
  for (auto _ : state) {
    const std::string& ev = events[i++ % events.size()];
    Verdict v = inspector.Inspect(ev);
    flagged += v.findings.empty() ? 0 : 1;
    bytes += ev.size();
    benchmark::DoNotOptimize(v);
  }
  state.counters["flagged"] = static_cast<double>(flagged);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
// state.range(0): whether the Inspector remembers clean fields.
void BM_InspectTypicalEventNewUsers(benchmark::State& state) {
  InspectVariants(state, false, state.range(0) != 0);
}
BENCHMARK(BM_InspectTypicalEventNewUsers)->ArgName("field_cache")->Arg(1)->Arg(0);
void BM_InspectTypicalEventAllNew(benchmark::State& state) {
  InspectVariants(state, true, state.range(0) != 0);
}
BENCHMARK(BM_InspectTypicalEventAllNew)->ArgName("field_cache")->Arg(1)->Arg(0);

// The same event every time with the memory of clean fields off: every
// field is inspected every time.
void BM_InspectTypicalEventNoFieldCache(benchmark::State& state) {
  InspectTypicalEvent(state, false);
}
BENCHMARK(BM_InspectTypicalEventNoFieldCache);

// The default policy's per-invocation time budget (2 ms) stops inspection of
// a 1 MB body part-way (fail-open, `timed_out`); state.range(0) == 1 lifts
// the budget so that every field is inspected and MB/s is the full-inspection
// throughput.
std::shared_ptr<const policy::Policy> PolicyForBody(bool unlimited_budget) {
  if (!unlimited_budget) return policy::DefaultPolicy();
  auto p = std::make_shared<policy::Policy>(*policy::DefaultPolicy());
  p->limits.time_budget_us = 60u * 1000u * 1000u;
  return p;
}

void BM_InspectLargeJsonBody(benchmark::State& state) {
  engine::Inspector inspector(PolicyForBody(state.range(0) == 1));
  const std::string& ev = LargeBodyEvent();
  Verdict first = inspector.Inspect(ev);
  state.counters["fields"] = static_cast<double>(inspector.last_field_count());
  state.counters["findings"] = static_cast<double>(first.findings.size());
  state.counters["timed_out"] = first.timed_out ? 1 : 0;
  for (auto _ : state) {
    Verdict v = inspector.Inspect(ev);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ev.size()));
}
BENCHMARK(BM_InspectLargeJsonBody)->Unit(benchmark::kMillisecond)->ArgName("full")->Arg(0)->Arg(1);

// --- Init --------------------------------------------------------------------

void BM_InitInspectorDefaultPolicy(benchmark::State& state) {
  for (auto _ : state) {
    engine::Inspector inspector(policy::DefaultPolicy());
    benchmark::DoNotOptimize(inspector);
  }
}
BENCHMARK(BM_InitInspectorDefaultPolicy)->Unit(benchmark::kMicrosecond);

void BM_InitInspectorExamplePolicy(benchmark::State& state) {
  const std::string path = std::string(FNGUARD_SOURCE_DIR) + "/examples/hello/policy.yaml";
  for (auto _ : state) {
    auto pol = policy::LoadPolicyFile(path);
    if (!pol.ok()) {
      state.SkipWithError(std::string(pol.status().message()).c_str());
      break;
    }
    engine::Inspector inspector(*pol);
    benchmark::DoNotOptimize(inspector);
  }
}
BENCHMARK(BM_InitInspectorExamplePolicy)->Unit(benchmark::kMicrosecond);

// --- Decoding ------------------------------------------------------------------

void BM_DecodeTypicalEvent(benchmark::State& state) {
  event::Decoder decoder;
  event::DecodedEvent out;
  const std::string& ev = TypicalEvent();
  for (auto _ : state) {
    absl::Status st = decoder.Decode(ev, &out);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out.fields.data());
  }
  state.counters["fields"] = static_cast<double>(out.fields.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ev.size()));
}
BENCHMARK(BM_DecodeTypicalEvent);

void BM_DecodeLargeJsonBody(benchmark::State& state) {
  event::Decoder decoder;
  event::DecodedEvent out;
  const std::string& ev = LargeBodyEvent();
  for (auto _ : state) {
    absl::Status st = decoder.Decode(ev, &out);
    benchmark::DoNotOptimize(st);
  }
  state.counters["fields"] = static_cast<double>(out.fields.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ev.size()));
}
BENCHMARK(BM_DecodeLargeJsonBody)->Unit(benchmark::kMillisecond);

// --- Normalization -------------------------------------------------------------

void BM_NormalizeBenignValue(benchmark::State& state) {
  normalize::Normalizer normalizer;
  const std::string value = "Siobhán O'Brien, 12 Grafton St. (2nd floor) - ring twice; +353 1 555";
  for (auto _ : state) {
    std::string_view out = normalizer.Normalize(value);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * value.size()));
}
BENCHMARK(BM_NormalizeBenignValue);

void BM_NormalizeEncodedAttack(benchmark::State& state) {
  normalize::Normalizer normalizer;
  // Double URL encoding around HTML entities and a \u escape.
  const std::string value =
      "%2522%253E%253Csvg%252Fonload%253D%2526%2523x61%253Blert%2528%255Cu0064ocument.cookie%2529%253E";
  for (auto _ : state) {
    std::string_view out = normalizer.Normalize(value);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * value.size()));
}
BENCHMARK(BM_NormalizeEncodedAttack);

// --- Detectors, one per attack class, on a benign value with punctuation --------

void BM_DetectorBenignValue(benchmark::State& state) {
  const auto id = static_cast<DetectorId>(state.range(0));
  const detect::Detector& detector = detect::Get(id);
  const std::string value =
      "Meet at O'Neill's (2nd floor) - bring 3/4 of the docs; cost: $12.50 & tip, see "
      "https://wiki.example.com/page?id=7";
  detect::Input in;
  in.raw = value;
  in.norm = value;
  in.mask = detect::CharMask::Of(value);
  in.path = "query.note";
  in.location = event::Location::kQuery;
  in.event_kind = event::Kind::kApiGatewayV2;
  detect::Match m;
  for (auto _ : state) {
    bool hit = detector.Inspect(in, &m);
    benchmark::DoNotOptimize(hit);
  }
  state.SetLabel(std::string(DetectorName(id)));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * value.size()));
}
BENCHMARK(BM_DetectorBenignValue)->DenseRange(0, static_cast<int>(kDetectorCount) - 1);

// One detector over every field of an event, as the engine hands them over
// (normalized, with the field's mask): where each detector's share of
// BM_InspectTypicalEvent / BM_InspectJsonBody64K goes.
void RunDetectorOverFields(benchmark::State& state, const std::string& ev) {
  const auto id = static_cast<DetectorId>(state.range(0));
  const detect::Detector& detector = detect::Get(id);
  std::unique_ptr<PreparedFields> p = PrepareFields(ev);
  detect::Match m;
  size_t hits = 0;
  for (auto _ : state) {
    for (const detect::Input& in : p->inputs) hits += detector.Inspect(in, &m) ? 1 : 0;
    benchmark::DoNotOptimize(hits);
  }
  state.SetLabel(std::string(DetectorName(id)));
  state.counters["fields"] = static_cast<double>(p->inputs.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * p->bytes));
}

void BM_DetectorTypicalEvent(benchmark::State& state) {
  RunDetectorOverFields(state, TypicalEvent());
}
BENCHMARK(BM_DetectorTypicalEvent)->DenseRange(0, static_cast<int>(kDetectorCount) - 1);

void BM_DetectorJsonBody64K(benchmark::State& state) {
  static const std::string kEvent = cli::LargeJsonBodyEvent(64 * 1024);
  RunDetectorOverFields(state, kEvent);
}
BENCHMARK(BM_DetectorJsonBody64K)
    ->DenseRange(0, static_cast<int>(kDetectorCount) - 1)
    ->Unit(benchmark::kMicrosecond);

// --- ModSecurity + OWASP CRS PL1 on the same events ----------------------------

#ifdef FNGUARD_HAVE_MODSECURITY

cli::ModSecurityEngine* SharedModSecurity(benchmark::State& state) {
  static std::unique_ptr<cli::ModSecurityEngine> engine;
  static std::string error;
  if (engine == nullptr && error.empty()) {
    auto created = cli::ModSecurityEngine::Create(cli::ModSecurityOptions{});
    if (created.ok()) {
      engine = *std::move(created);
    } else {
      error = std::string(created.status().message());
    }
  }
  if (engine == nullptr) state.SkipWithError(error.c_str());
  return engine.get();
}

cli::HttpRequest RequestOf(const std::string& ev) {
  auto r = cli::HttpRequestFromEvent(ev);
  return r.ok() ? r->request : cli::HttpRequest{};
}

void BM_ModSecurityTypicalEvent(benchmark::State& state) {
  cli::ModSecurityEngine* engine = SharedModSecurity(state);
  if (engine == nullptr) return;
  const cli::HttpRequest req = RequestOf(TypicalEvent());
  for (auto _ : state) {
    cli::ModSecurityResult r = engine->Evaluate(req);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * TypicalEvent().size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ModSecurityTypicalEvent)->Unit(benchmark::kMicrosecond);

// ModSecurity's cost grows with the number of body fields (each becomes an
// ARGS entry that every CRS rule visits), and a 1 MB body takes it tens of
// seconds here: timed on a smaller body of the same shape, per byte.
void BM_ModSecurityLargeJsonBody(benchmark::State& state) {
  cli::ModSecurityEngine* engine = SharedModSecurity(state);
  if (engine == nullptr) return;
  const std::string ev = cli::LargeJsonBodyEvent(static_cast<size_t>(state.range(0)));
  const cli::HttpRequest req = RequestOf(ev);
  cli::ModSecurityResult first = engine->Evaluate(req);
  state.counters["intervened"] = first.intervened ? 1 : 0;
  for (auto _ : state) {
    cli::ModSecurityResult r = engine->Evaluate(req);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ev.size()));
}
BENCHMARK(BM_ModSecurityLargeJsonBody)->Unit(benchmark::kMillisecond)->Arg(64 * 1024);

// fnguard on the same 64 KiB body, for the per-byte ratio.
void BM_InspectJsonBody64K(benchmark::State& state) {
  engine::Inspector inspector(PolicyForBody(true));
  const std::string ev = cli::LargeJsonBodyEvent(64 * 1024);
  state.counters["timed_out"] = inspector.Inspect(ev).timed_out ? 1 : 0;
  for (auto _ : state) {
    Verdict v = inspector.Inspect(ev);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ev.size()));
}
BENCHMARK(BM_InspectJsonBody64K)->Unit(benchmark::kMillisecond);

void BM_ModSecurityInit(benchmark::State& state) {
  for (auto _ : state) {
    auto created = cli::ModSecurityEngine::Create(cli::ModSecurityOptions{});
    if (!created.ok()) {
      state.SkipWithError(std::string(created.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(created);
  }
}
BENCHMARK(BM_ModSecurityInit)->Unit(benchmark::kMillisecond)->Iterations(5);

#endif  // FNGUARD_HAVE_MODSECURITY

}  // namespace
}  // namespace fnguard
