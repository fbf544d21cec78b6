// Could a vectorized multi-literal scan in front of the detectors carry a
// large body to >= 1 GB/s? Measured with vectorscan (Hyperscan's portable
// fork, Debian's libvectorscan-dev) on the string values of the large benign
// JSON body, beside what sqli does with the same values today:
//
//   build-bench/tests/bench/fnguard_bench --benchmark_filter='Vectorscan|BodyValues'
//
// - BM_VectorscanSqliTriggers: one hs_scan per value for sqli's trigger
//   words (the words its prefilter looks for), caseless, at word
//   boundaries. Counters: hits per KiB, and the share of value bytes within
//   256 (64) bytes of a hit, i.e. what a grammar check that runs only around
//   the hits would still read (sqli's rules look up to 48 tokens ahead,
//   about 256 bytes of prose).
// - BM_SqliPrefilterBodyValues: sqli's own one-pass prefilter on the same
//   values (with the CharMask it is otherwise handed), and the share of
//   value bytes it passes on to the analysis.
// - BM_SqliDetectorBodyValues: the whole sqli detector on the same values.
#include <benchmark/benchmark.h>

#ifdef FNGUARD_HAVE_VECTORSCAN
#include <hs.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/detect/detector.h"
#include "runtime/detect/sqli_internal.h"
#include "tests/bench/prepared_fields.h"
#include "wrappers/cli/bench_events.h"

namespace fnguard {
namespace {

// The fields of the large body event, as the engine hands them over.
const PreparedFields& BodyValues() {
  static const std::unique_ptr<PreparedFields> kFields =
      PrepareFields(cli::LargeJsonBodyEvent(1000 * 1000));
  return *kFields;
}

struct HsDatabase {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  ~HsDatabase() {
    hs_free_scratch(scratch);
    hs_free_database(db);
  }
};

// sqli's trigger words as one block-mode database: \bword\b, caseless.
std::unique_ptr<HsDatabase> CompileTriggers(std::string* error) {
  std::vector<std::string> patterns;
  for (std::string_view w : detect::sqli_internal::TriggerWords()) {
    patterns.push_back("\\b" + std::string(w) + "\\b");
  }
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < patterns.size(); ++i) {
    exprs.push_back(patterns[i].c_str());
    flags.push_back(HS_FLAG_CASELESS);
    ids.push_back(static_cast<unsigned>(i));
  }
  auto d = std::make_unique<HsDatabase>();
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                       HS_MODE_BLOCK, nullptr, &d->db, &err) != HS_SUCCESS) {
    *error = err != nullptr && err->message != nullptr ? err->message : "hs_compile_multi failed";
    hs_free_compile_error(err);
    return nullptr;
  }
  if (hs_alloc_scratch(d->db, &d->scratch) != HS_SUCCESS) {
    *error = "hs_alloc_scratch failed";
    return nullptr;
  }
  return d;
}

struct Hits {
  std::vector<unsigned long long> ends;  // NOLINT(runtime/int): hs_scan's type
};

int OnMatch(unsigned /*id*/, unsigned long long /*from*/, unsigned long long to,  // NOLINT
            unsigned /*flags*/, void* ctx) {
  static_cast<Hits*>(ctx)->ends.push_back(to);
  return 0;
}

// Bytes of a value of `n` bytes within `reach` of a hit ending at one of `ends`.
size_t CoveredBytes(const std::vector<unsigned long long>& ends, size_t n,  // NOLINT
                    size_t reach) {
  size_t covered = 0, reached = 0;
  for (unsigned long long e : ends) {  // NOLINT
    const size_t lo = std::max(reached, e > reach ? static_cast<size_t>(e) - reach : 0);
    const size_t hi = std::min(n, static_cast<size_t>(e) + reach);
    if (hi > lo) covered += hi - lo;
    reached = std::max(reached, hi);
  }
  return covered;
}

void BM_VectorscanSqliTriggers(benchmark::State& state) {
  const PreparedFields& v = BodyValues();
  std::string error;
  std::unique_ptr<HsDatabase> d = CompileTriggers(&error);
  if (d == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  Hits hits;
  size_t total_hits = 0, covered = 0, covered_near = 0;
  for (const detect::Input& in : v.inputs) {
    hits.ends.clear();
    hs_scan(d->db, in.norm.data(), static_cast<unsigned>(in.norm.size()), 0, d->scratch, OnMatch,
            &hits);
    total_hits += hits.ends.size();
    covered += CoveredBytes(hits.ends, in.norm.size(), 256);
    covered_near += CoveredBytes(hits.ends, in.norm.size(), 64);
  }
  for (auto _ : state) {
    for (const detect::Input& in : v.inputs) {
      hits.ends.clear();
      hs_scan(d->db, in.norm.data(), static_cast<unsigned>(in.norm.size()), 0, d->scratch,
              OnMatch, &hits);
      benchmark::DoNotOptimize(hits.ends.data());
    }
  }
  state.counters["words"] = static_cast<double>(detect::sqli_internal::TriggerWords().size());
  const double bytes = static_cast<double>(v.bytes);
  state.counters["hits_per_KiB"] = 1024.0 * static_cast<double>(total_hits) / bytes;
  state.counters["covered_pct"] = 100.0 * static_cast<double>(covered) / bytes;
  state.counters["covered64_pct"] = 100.0 * static_cast<double>(covered_near) / bytes;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * v.bytes));
}
BENCHMARK(BM_VectorscanSqliTriggers)->Unit(benchmark::kMillisecond);

void BM_SqliPrefilterBodyValues(benchmark::State& state) {
  const PreparedFields& v = BodyValues();
  size_t passed = 0;
  for (const detect::Input& in : v.inputs) {
    passed += detect::sqli_internal::PrefilterPasses(in.norm) ? in.norm.size() : 0;
  }
  for (auto _ : state) {
    size_t n = 0;
    for (const detect::Input& in : v.inputs) n += detect::sqli_internal::PrefilterPasses(in.norm);
    benchmark::DoNotOptimize(n);
  }
  state.counters["passed_bytes_pct"] =
      100.0 * static_cast<double>(passed) / static_cast<double>(v.bytes);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * v.bytes));
}
BENCHMARK(BM_SqliPrefilterBodyValues)->Unit(benchmark::kMillisecond);

void BM_SqliDetectorBodyValues(benchmark::State& state) {
  const PreparedFields& v = BodyValues();
  const detect::Detector& sqli = detect::Get(DetectorId::kSqli);
  detect::Match m;
  for (auto _ : state) {
    size_t n = 0;
    for (const detect::Input& in : v.inputs) n += sqli.Inspect(in, &m) ? 1 : 0;
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * v.bytes));
}
BENCHMARK(BM_SqliDetectorBodyValues)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fnguard

#endif  // FNGUARD_HAVE_VECTORSCAN
