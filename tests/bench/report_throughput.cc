// Security-event reporting, measured against a real `fnguard collector`
// process on loopback (docs/REPORTING.md lists the numbers):
//
//   fnguard_report_bench throughput [--events N] [--threads T]
//       End-to-end rate: T producer threads enqueue N events into one
//       Sender as fast as the pipeline takes them (each producer stays within
//       half the queue cap of what is settled, so nothing is dropped); the
//       clock stops when Flush() reports every event stored by the collector
//       (SQLite WAL, synchronous=FULL, committed before each 200). The store
//       is then counted: it must hold exactly N events.
//   fnguard_report_bench paced [--rate R] [--seconds S] [--threads T]
//       Collector up, R events/s in total for S seconds.
//   fnguard_report_bench down [--rate R] [--seconds S] [--threads T] [--spool-mb M]
//       No collector at all (connections refused) for the whole run: the
//       Sender spools to disk until the spool cap (default 64 MiB), then
//       counts drops. Reports peak RSS and what went where.
//
// Every mode times each Sender::Enqueue call (steady_clock around the call;
// the timer's own cost is printed) into a per-thread 1 ns histogram and
// prints p50/p90/p99/p99.9/max. --fnguard PATH picks the binary (default:
// the one built next to this program). Exit 1 when the numbers do not add
// up (events missing or duplicated in the store, unexplained drops).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <iterator>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/report/event_map.h"
#include "runtime/report/gzip.h"
#include "runtime/report/otlp.h"
#include "runtime/report/sender.h"
#include "tests/integration/collector_process.h"
#include "wrappers/cli/report_commands.h"

namespace fnguard {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// Enqueue latencies: exact counts up to 100 us, the rest kept as values.
class Histogram {
 public:
  static constexpr size_t kExactNs = 100000;
  Histogram() : counts_(kExactNs, 0) {}
  void Add(int64_t ns) {
    if (ns < 0) ns = 0;
    if (static_cast<size_t>(ns) < kExactNs) {
      counts_[static_cast<size_t>(ns)] += 1;
    } else {
      slow_.push_back(ns);
    }
    n_ += 1;
  }
  void Merge(const Histogram& o) {
    for (size_t i = 0; i < kExactNs; ++i) counts_[i] += o.counts_[i];
    slow_.insert(slow_.end(), o.slow_.begin(), o.slow_.end());
    n_ += o.n_;
  }
  uint64_t count() const { return n_; }
  int64_t Percentile(double p) {
    if (n_ == 0) return 0;
    auto rank = static_cast<uint64_t>(p / 100.0 * static_cast<double>(n_ - 1));
    uint64_t seen = 0;
    for (size_t i = 0; i < kExactNs; ++i) {
      seen += counts_[i];
      if (seen > rank) return static_cast<int64_t>(i);
    }
    std::sort(slow_.begin(), slow_.end());
    uint64_t k = rank - seen;
    return k < slow_.size() ? slow_[k] : slow_.back();
  }
  int64_t Max() {
    if (!slow_.empty()) return *std::max_element(slow_.begin(), slow_.end());
    for (size_t i = kExactNs; i > 0; --i) {
      if (counts_[i - 1] > 0) return static_cast<int64_t>(i - 1);
    }
    return 0;
  }
  uint64_t Over(int64_t ns) {
    uint64_t n = 0;
    for (size_t i = static_cast<size_t>(ns) + 1; i < kExactNs; ++i) n += counts_[i];
    return n + slow_.size();
  }

 private:
  std::vector<uint64_t> counts_;
  std::vector<int64_t> slow_;
  uint64_t n_ = 0;
};

struct Config {
  std::string mode;
  std::string fnguard = std::string(FNGUARD_BINARY_DIR) + "/fnguard";
  uint64_t events = 1000000;
  int threads = 2;
  double rate = 20000;
  double seconds = 5;
  uint64_t spool_mb = 64;
  size_t batch_events = 0;  // 0: the Sender's default
  size_t evict_kb = 0;      // paced/down: touch this much memory before each event (handler work)
  bool control = false;     // time a baseline instead of Enqueue: a move of the event into a
                            // private 64 Ki-slot array under a private mutex
};

report::SecurityEvent MakeEvent(int thread, uint64_t i) {
  report::SecurityEvent e;
  e.event_id = report::NewEventId();
  e.kind = "injection";
  e.action = i % 3 == 0 ? Action::kMonitor : Action::kBlock;
  e.detector = "sqli";
  e.rule_id = "sqli.union";
  e.field_path = "query.id";
  e.excerpt = "1 UNION SELECT password FROM users";
  e.reason = "UNION-based SQL injection in query.id";
  e.event_kind = "apigw-v2";
  e.request_id = "3f1c2a4e-" + std::to_string(thread) + "-" + std::to_string(i);
  e.function_name = "orders-api";
  e.region = "eu-central-1";
  e.findings = 1;
  e.time_unix_ns = report::NowUnixNanos();
  return e;
}

int64_t TimerOverheadNs() {
  Histogram h;
  for (int i = 0; i < 200000; ++i) {
    auto a = Clock::now();
    auto b = Clock::now();
    h.Add(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
  }
  return h.Percentile(50);
}

uint64_t CurrentRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

uint64_t PeakRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<uint64_t>(ru.ru_maxrss);
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) n += e.file_size(ec);
  }
  return n;
}

void PrintLatency(const char* label, Histogram& h, int64_t timer_ns) {
  std::printf("%s enqueue latency over %llu calls: p50 %lld ns, p90 %lld ns, p99 %lld ns, p99.9 %lld ns, "
              "max %lld ns; %llu calls over 1 us (timer overhead ~%lld ns, included)\n",
              label, static_cast<unsigned long long>(h.count()), static_cast<long long>(h.Percentile(50)),
              static_cast<long long>(h.Percentile(90)), static_cast<long long>(h.Percentile(99)),
              static_cast<long long>(h.Percentile(99.9)), static_cast<long long>(h.Max()),
              static_cast<unsigned long long>(h.Over(1000)), static_cast<long long>(timer_ns));
}

void PrintStats(const report::SenderStats& s) {
  std::printf("sender: enqueued %llu, delivered %llu, spooled %llu, dropped %llu, rejected %llu, requests %llu, "
              "retryable failures %llu, backlog %llu\n",
              static_cast<unsigned long long>(s.enqueued), static_cast<unsigned long long>(s.delivered),
              static_cast<unsigned long long>(s.spooled), static_cast<unsigned long long>(s.dropped),
              static_cast<unsigned long long>(s.rejected), static_cast<unsigned long long>(s.requests),
              static_cast<unsigned long long>(s.retryable_failures),
              static_cast<unsigned long long>(s.backlog_events));
}

// A loopback port nobody listens on: bound, never listened, closed.
int RefusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// Producers: `per_thread` events each; with rate > 0, paced in 1 ms bursts
// at rate/threads each, else as fast as the sender settles them.
void Produce(report::Sender& sender, const Config& cfg, uint64_t per_thread, double rate,
             std::vector<Histogram>* hists, std::vector<Histogram>* after_sleep, std::atomic<uint64_t>* refused) {
  std::vector<std::thread> threads;
  const uint64_t window = report::SenderOptions().queue_max_events / 2 / static_cast<uint64_t>(cfg.threads);
  for (int t = 0; t < cfg.threads; ++t) {
    threads.emplace_back([&, t] {
      Histogram& h = (*hists)[static_cast<size_t>(t)];
      Histogram& woke = (*after_sleep)[static_cast<size_t>(t)];
      std::mutex control_mu;
      std::vector<report::SecurityEvent> control_slots(cfg.control ? 65536 : 0);
      bool slept = false;
      std::vector<char> scratch(cfg.evict_kb * 1024, 1);
      auto start = Clock::now();
      double per_ns = rate / cfg.threads / 1e9;
      for (uint64_t i = 0; i < per_thread; ++i) {
        if (rate > 0) {
          auto due = static_cast<uint64_t>(
              std::chrono::duration<double, std::nano>(Clock::now() - start).count() * per_ns);
          if (i >= due) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            slept = true;
          }
        } else if (i % 256 == 0) {
          while (sender.stats().queued > window * static_cast<uint64_t>(cfg.threads)) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));
          }
        }
        // Handler work between events: pushes Enqueue's data out of the caches.
        for (size_t k = 0; k < scratch.size(); k += 64) scratch[k] = static_cast<char>(scratch[k] + 1);
        report::SecurityEvent e = MakeEvent(t, i);
        auto a = Clock::now();
        bool ok = true;
        if (cfg.control) {
          std::lock_guard<std::mutex> lock(control_mu);
          control_slots[i % control_slots.size()] = std::move(e);
        } else {
          ok = sender.Enqueue(std::move(e));
        }
        auto b = Clock::now();
        int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count();
        h.Add(ns);
        // The first call after a sleep runs on caches the rest of the
        // machine has had meanwhile: kept apart as well.
        if (slept) woke.Add(ns);
        slept = false;
        if (!ok) *refused += 1;
      }
    });
  }
  for (auto& th : threads) th.join();
}

report::SenderOptions Options(const Config& cfg, const std::string& endpoint, const std::string& spool) {
  report::SenderOptions o;
  o.endpoint = endpoint;
  o.spool_dir = spool;
  o.spool_max_bytes = cfg.spool_mb << 20;
  o.resource = report::ResourceInfo{"orders-api", "orders-api", "7", "eu-central-1"};
  if (cfg.batch_events > 0) o.max_batch_events = cfg.batch_events;
  return o;
}

int64_t ThreadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// CPU cost of each stage of the pipeline, per event, on one thread: where
// the time of an end-to-end run goes.
int Stages(const Config& cfg) {
  const size_t batch = cfg.batch_events > 0 ? cfg.batch_events : report::SenderOptions().max_batch_events;
  const int rounds = std::max<int>(1, static_cast<int>(cfg.events / batch));
  char tmpl[] = "/tmp/fnguard-report-stages-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return 2;
  const std::string dir = tmpl;
  auto store = cli::EventStore::Open(dir + "/events.db", true);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 2;
  }
  report::ResourceInfo resource{"orders-api", "orders-api", "7", "eu-central-1"};
  report::ExportRequestEncoder encoder(resource);
  int64_t map = 0, make = 0, encode = 0, message_encode = 0, gzip1 = 0, gzip6 = 0, gunzip = 0, parse = 0, insert = 0;
  size_t raw_bytes = 0, gz1_bytes = 0, gz6_bytes = 0;
  std::string encoded;
  for (int r = 0; r < rounds; ++r) {
    int64_t t0 = ThreadCpuNs();
    std::vector<report::SecurityEvent> events;
    events.reserve(batch);
    for (size_t i = 0; i < batch; ++i) events.push_back(MakeEvent(0, i));
    int64_t t1 = ThreadCpuNs();
    for (const auto& e : events) encoder.Add(e);
    encoder.Finish(&encoded);
    int64_t t2 = ThreadCpuNs();
    std::string via_messages = report::BuildExportRequest(resource, events).SerializeAsString();
    int64_t t3 = ThreadCpuNs();
    std::string z1 = report::GzipCompress(encoded, 1);
    int64_t t4 = ThreadCpuNs();
    std::string z6 = report::GzipCompress(encoded, 6);
    int64_t t5 = ThreadCpuNs();
    auto back = report::GzipDecompress(z1, report::kMaxRequestBytes);
    int64_t t6 = ThreadCpuNs();
    google::protobuf::Arena arena;
    auto* request = google::protobuf::Arena::CreateMessage<report::otlp_collector::ExportLogsServiceRequest>(&arena);
    report::DecodeError err;
    bool ok = back.ok() && report::DecodeExportLogsRequest("application/x-protobuf", "", *back, request, &err);
    int64_t t7 = ThreadCpuNs();
    int64_t t_map0 = ThreadCpuNs();
    report::MappedEvents mapped;
    bool fast = report::FastMapExportLogs(*back, &mapped);
    int64_t t_map1 = ThreadCpuNs();
    map += t_map1 - t_map0;
    t7 = t_map1;
    auto n = ok && fast ? (*store)->Insert(mapped) : absl::InternalError("decode failed");
    int64_t t8 = ThreadCpuNs();
    if (!n.ok() || static_cast<size_t>(*n) != batch || via_messages != encoded) {
      std::fprintf(stderr, "stage check failed\n");
      return 1;
    }
    make += t1 - t0;
    encode += t2 - t1;
    message_encode += t3 - t2;
    gzip1 += t4 - t3;
    gzip6 += t5 - t4;
    gunzip += t6 - t5;
    parse += t7 - t6;
    insert += t8 - t7;
    raw_bytes += encoded.size();
    gz1_bytes += z1.size();
    gz6_bytes += z6.size();
  }
  double n = static_cast<double>(batch) * rounds;
  auto per = [&](int64_t ns) { return static_cast<double>(ns) / n; };
  std::printf("stages: %d batches of %zu events, CPU ns per event on one thread\n", rounds, batch);
  std::printf("  build the event (handler side)            %7.0f\n", per(make));
  std::printf("  encode, direct wire writer                %7.0f\n", per(encode));
  std::printf("  encode, protobuf messages (before)        %7.0f\n", per(message_encode));
  std::printf("  gzip level 1                              %7.0f  (%.0f -> %.0f bytes/event)\n", per(gzip1),
              static_cast<double>(raw_bytes) / n, static_cast<double>(gz1_bytes) / n);
  std::printf("  gzip level 6 (before)                     %7.0f  (-> %.0f bytes/event)\n", per(gzip6),
              static_cast<double>(gz6_bytes) / n);
  std::printf("  collector: gunzip                         %7.0f\n", per(gunzip));
  std::printf("  collector: protobuf parse, arena (slow path) %4.0f\n", per(parse));
  std::printf("  collector: map from the wire (fast path)  %7.0f\n", per(map));
  std::printf("  collector: SQLite insert + commit         %7.0f  (WAL, synchronous=FULL)\n", per(insert));
  fs::remove_all(dir);
  return 0;
}

int Run(const Config& cfg) {
  char tmpl[] = "/tmp/fnguard-report-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 2;
  }
  const std::string dir = tmpl;
  const std::string store = dir + "/events.db";
  const std::string spool = dir + "/spool";
  const int64_t timer_ns = TimerOverheadNs();
  std::vector<Histogram> hists(static_cast<size_t>(cfg.threads));
  std::vector<Histogram> after_sleep(static_cast<size_t>(cfg.threads));
  std::atomic<uint64_t> refused{0};
  int rc = 0;

  if (cfg.mode == "throughput" || cfg.mode == "paced") {
    testing::CollectorOptions collector_options;
    collector_options.binary = cfg.fnguard;
    auto collector = std::make_unique<testing::CollectorProcess>(store, collector_options);
    if (collector->port() <= 0) {
      std::fprintf(stderr, "cannot start %s collector\n", cfg.fnguard.c_str());
      fs::remove_all(dir);
      return 2;
    }
    bool paced = cfg.mode == "paced";
    uint64_t per_thread = paced ? static_cast<uint64_t>(cfg.rate * cfg.seconds / cfg.threads)
                                : cfg.events / static_cast<uint64_t>(cfg.threads);
    uint64_t total = per_thread * static_cast<uint64_t>(cfg.threads);
    report::SenderStats stats;
    double seconds = 0;
    {
      report::Sender sender(Options(cfg, "http://127.0.0.1:" + std::to_string(collector->port()), spool));
      auto start = Clock::now();
      Produce(sender, cfg, per_thread, paced ? cfg.rate : 0, &hists, &after_sleep, &refused);
      double produce_s = std::chrono::duration<double>(Clock::now() - start).count();
      bool flushed = false;
      for (int i = 0; i < 20 && !flushed; ++i) flushed = sender.Flush(5000);
      seconds = std::chrono::duration<double>(Clock::now() - start).count();
      stats = sender.stats();
      std::printf("%s: %llu events from %d threads, produced in %.2f s, all stored after %.2f s = %.0f events/s "
                  "end to end%s\n",
                  cfg.mode.c_str(), static_cast<unsigned long long>(total), cfg.threads, produce_s, seconds,
                  static_cast<double>(total) / seconds, flushed ? "" : " (FLUSH DID NOT FINISH)");
      if (!flushed) rc = 1;
    }
    PrintStats(stats);
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    double own_cpu = static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
                     static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
    double collector_cpu = collector->CpuSeconds();
    std::printf("cpu: producers + sender %.2f s (%.2f us/event), collector %.2f s (%.2f us/event), wall %.2f s\n",
                own_cpu, own_cpu * 1e6 / static_cast<double>(total), collector_cpu,
                collector_cpu * 1e6 / static_cast<double>(total), seconds);
    collector->Stop(SIGTERM);
    auto opened = cli::EventStore::Open(store, false);
    uint64_t stored = 0;
    if (opened.ok()) stored = (*opened)->Count().value_or(0);
    std::printf("store: %llu events (%s)\n", static_cast<unsigned long long>(stored),
                stored == total ? "every event exactly once" : "MISMATCH");
    if (!cfg.control && (stored != total || stats.dropped != 0 || refused.load() != 0)) rc = 1;
  } else if (cfg.mode == "down") {
    int port = RefusedPort();
    uint64_t per_thread = static_cast<uint64_t>(cfg.rate * cfg.seconds / cfg.threads);
    uint64_t total = per_thread * static_cast<uint64_t>(cfg.threads);
    uint64_t rss_before = CurrentRssKb();
    report::SenderStats stats;
    uint64_t rss_after = 0;
    {
      report::Sender sender(Options(cfg, "http://127.0.0.1:" + std::to_string(port), spool));
      auto start = Clock::now();
      Produce(sender, cfg, per_thread, cfg.rate, &hists, &after_sleep, &refused);
      double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      sender.Flush(5000);
      stats = sender.stats();
      rss_after = CurrentRssKb();
      std::printf("down: %llu events from %d threads in %.2f s (%.0f events/s offered), collector unreachable\n",
                  static_cast<unsigned long long>(total), cfg.threads, seconds,
                  static_cast<double>(total) / seconds);
    }
    PrintStats(stats);
    std::printf("memory: RSS %llu KiB before the sender, %llu KiB at the end, peak %llu KiB; spool on disk %llu "
                "KiB (cap %llu MiB)\n",
                static_cast<unsigned long long>(rss_before), static_cast<unsigned long long>(rss_after),
                static_cast<unsigned long long>(PeakRssKb()),
                static_cast<unsigned long long>(DirBytes(spool) / 1024),
                static_cast<unsigned long long>(cfg.spool_mb));
    // Every event is accounted for: spooled or dropped (and counted).
    if (!cfg.control && (stats.spooled + stats.dropped != total || stats.delivered != 0)) {
      std::printf("accounting MISMATCH: spooled + dropped != enqueued attempts\n");
      rc = 1;
    }
  } else {
    std::fprintf(stderr, "unknown mode %s\n", cfg.mode.c_str());
    fs::remove_all(dir);
    return 2;
  }
  Histogram all, woke;
  for (auto& h : hists) all.Merge(h);
  for (auto& h : after_sleep) woke.Merge(h);
  PrintLatency(cfg.mode.c_str(), all, timer_ns);
  if (woke.count() > 0) PrintLatency("  of which first after a sleep:", woke, timer_ns);
  fs::remove_all(dir);
  return rc;
}

}  // namespace
}  // namespace fnguard

int main(int argc, char** argv) {
  fnguard::Config cfg;
  if (argc < 2 || argv[1][0] == '-') {
    std::fprintf(stderr,
                 "usage: %s throughput|paced|down [--events N] [--threads T] [--rate R] [--seconds S] "
                 "[--spool-mb M] [--batch N] [--evict-kb K] [--control 1] [--fnguard PATH]\n",
                 argv[0]);
    return 2;
  }
  cfg.mode = argv[1];
  if (cfg.mode == "stages") cfg.events = 81920;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char* v = argv[i + 1];
    if (flag == "--events") cfg.events = std::strtoull(v, nullptr, 10);
    else if (flag == "--threads") cfg.threads = std::max(1, std::atoi(v));
    else if (flag == "--rate") cfg.rate = std::strtod(v, nullptr);
    else if (flag == "--seconds") cfg.seconds = std::strtod(v, nullptr);
    else if (flag == "--spool-mb") cfg.spool_mb = std::strtoull(v, nullptr, 10);
    else if (flag == "--batch") cfg.batch_events = std::strtoull(v, nullptr, 10);
    else if (flag == "--fnguard") cfg.fnguard = v;
    else if (flag == "--evict-kb") cfg.evict_kb = std::strtoull(v, nullptr, 10);
    else if (flag == "--control") cfg.control = std::strcmp(v, "1") == 0;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (cfg.events == 0 || cfg.rate <= 0 || cfg.seconds <= 0) {
    std::fprintf(stderr, "--events, --rate and --seconds must be positive\n");
    return 2;
  }
  if (cfg.mode == "stages") return fnguard::Stages(cfg);
  return fnguard::Run(cfg);
}
