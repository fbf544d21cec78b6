// Per-invocation cost of fnguard's Lambda runtime loop and wrapper, in one
// process: a minimal Lambda Runtime API server (cpp-httplib, loopback) feeds
// one event per benchmark iteration to a runtime loop running in its own
// thread and waits for the posted response. The loops compared:
//
//   plain        the same handler behind a plain libcurl loop (what
//                tests/bench/baseline_hello.cc runs): GET next, POST response
//   fnguard_min  fnguard::lambda::Run with inspection reduced to one
//                prefiltered detector (jndi)
//   fnguard      fnguard::lambda::Run with examples/hello/policy.yaml
//
// Each iteration is one full round trip (server → loop → handler → server),
// so the server's own work and two thread wake-ups are in every variant
// alike; the difference between variants is what the loop and wrapper add.
// CPU is the whole process's (MeasureProcessCPUTime): every thread's work
// counts, and waiting does not; the counter loop_cpu_us is the CPU time of
// the loop's thread alone per invocation. BM_InspectOnly times Guard::Inspect on the
// same event and policies, to tell inspection apart from the rest.
//
//   build-bench/tests/bench/fnguard_bench --benchmark_filter='RuntimeLoop|InspectOnly'
//       --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
#include <benchmark/benchmark.h>
#include <curl/curl.h>
#include <httplib.h>
#include <pthread.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "examples/hello/greeting.h"
#include "fnguard/fnguard.h"
#include "tests/bench/plain_runtime_loop.h"

namespace fnguard {
namespace {

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::abort();
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string& Event() {
  static const std::string kEvent =
      ReadFileOrDie(std::string(FNGUARD_SOURCE_DIR) + "/examples/hello/events/benign-get.json");
  return kEvent;
}

constexpr char kMinimalPolicy[] = "version: 1\nmode: block\ninspection: {detectors: [jndi]}\n";

std::unique_ptr<Guard> MakeGuard(bool minimal) {
  auto g = minimal ? Guard::FromString(kMinimalPolicy, "min-inspection.yaml")
                   : Guard::FromFile(std::string(FNGUARD_SOURCE_DIR) + "/examples/hello/policy.yaml");
  if (!g.ok()) {
    std::fprintf(stderr, "policy: %s\n", g.status().ToString().c_str());
    std::abort();
  }
  return std::move(*g);
}

// The Runtime API, reduced to what a loop in steady state uses.
class MiniRuntimeApi {
 public:
  MiniRuntimeApi() {
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_max_count(1u << 30);
    server_.Get("/2018-06-01/runtime/invocation/next",
                [this](const httplib::Request&, httplib::Response& res) { Next(res); });
    server_.Post(R"(/2018-06-01/runtime/invocation/([^/]+)/(response|error))",
                 [this](const httplib::Request&, httplib::Response& res) {
                   {
                     std::lock_guard<std::mutex> lock(mu_);
                     ++answered_;
                   }
                   cv_.notify_all();
                   res.status = 202;
                   res.set_content(R"({"status":"OK"})", "application/json");
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~MiniRuntimeApi() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
    }
    cv_.notify_all();
    server_.stop();
    thread_.join();
  }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }

  // Hands one event to the loop and waits for its answer.
  void InvokeOnce() {
    std::unique_lock<std::mutex> lock(mu_);
    const uint64_t want = answered_ + 1;
    ++queued_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return answered_ >= want || closing_; });
  }

 private:
  void Next(httplib::Response& res) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return queued_ > taken_ || closing_; });
    if (closing_) {
      res.status = 500;
      return;
    }
    ++taken_;
    const long long deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count() +
                               60000;
    res.status = 200;
    res.set_header("Lambda-Runtime-Aws-Request-Id", "req-" + std::to_string(taken_));
    res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(deadline));
    res.set_header("Lambda-Runtime-Invoked-Function-Arn",
                   "arn:aws:lambda:us-east-1:000000000000:function:bench");
    res.set_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
    res.set_content(Event(), "application/json");
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t queued_ = 0, taken_ = 0, answered_ = 0;
  bool closing_ = false;
};

enum Variant { kPlain = 0, kFnguardMin = 1, kFnguard = 2 };

void BM_RuntimeLoop(benchmark::State& state) {
  const auto variant = static_cast<Variant>(state.range(0));
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::unique_ptr<Guard> guard;
  if (variant != kPlain) guard = MakeGuard(variant == kFnguardMin);
  auto api = std::make_unique<MiniRuntimeApi>();
  // fnguard::lambda::Run reads the endpoint from the environment, as in Lambda.
  setenv("AWS_LAMBDA_RUNTIME_API", api->endpoint().c_str(), 1);
  std::thread loop([&] {
    if (variant == kPlain) {
      (void)bench::PlainRuntimeLoop(api->endpoint());
    } else {
      lambda::Run(*guard, [](const lambda::Request& req) {
        return lambda::Response::Success(hello::GreetingResponse(req.payload));
      });
    }
  });
  for (int i = 0; i < 200; ++i) api->InvokeOnce();  // connection up, caches warm
  clockid_t loop_clock;
  pthread_getcpuclockid(loop.native_handle(), &loop_clock);
  timespec t0{}, t1{};
  clock_gettime(loop_clock, &t0);
  for (auto _ : state) api->InvokeOnce();
  clock_gettime(loop_clock, &t1);
  state.SetItemsProcessed(state.iterations());
  // CPU time of the loop's thread alone (client side: libcurl, fnguard,
  // handler), per invocation: the least noisy view of what the loop costs.
  const double loop_ns = static_cast<double>(t1.tv_sec - t0.tv_sec) * 1e9 +
                         static_cast<double>(t1.tv_nsec - t0.tv_nsec);
  state.counters["loop_cpu_us"] =
      benchmark::Counter(loop_ns / 1000.0 / static_cast<double>(state.iterations()));
  api.reset();  // /next now fails: the loop stops (Run after its retries)
  loop.join();
}
BENCHMARK(BM_RuntimeLoop)
    ->ArgName("plain0_fnguardmin1_fnguard2")
    ->Arg(kPlain)
    ->Arg(kFnguardMin)
    ->Arg(kFnguard)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->MinTime(1.0);

void BM_InspectOnly(benchmark::State& state) {
  std::unique_ptr<Guard> guard = MakeGuard(state.range(0) == kFnguardMin);
  for (auto _ : state) benchmark::DoNotOptimize(guard->Inspect(Event()));
}
BENCHMARK(BM_InspectOnly)->ArgName("fnguardmin1_fnguard2")->Arg(kFnguardMin)->Arg(kFnguard);

}  // namespace
}  // namespace fnguard
