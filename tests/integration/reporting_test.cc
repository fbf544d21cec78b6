// End to end: Sender -> real `fnguard collector` process -> SQLite store,
// with the collector killed (SIGKILL) mid-stream and restarted on the same
// port and store. Every event must be stored exactly once, none dropped.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "runtime/report/sender.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/collector_process.h"
#include "wrappers/cli/report_commands.h"

namespace fnguard {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// FNGUARD_BIN points the test at another build of the binary.
std::string Binary() {
  const char* override_path = std::getenv("FNGUARD_BIN");
  return override_path != nullptr ? override_path : testing::FnguardBinary();
}

testing::CollectorOptions Collector(const std::string& listen, const std::string& token = "") {
  testing::CollectorOptions o;
  o.binary = Binary();
  o.listen = listen;
  o.token = token;
  return o;
}

// This process's resident set, KiB.
uint64_t RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

class ReportingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto help = testing::RunCommand(testing::Quote(Binary()) + " collector --help >/dev/null 2>&1; echo $?");
    if (help.out != "0\n") GTEST_SKIP() << Binary() << " has no 'collector' command in this build";
    char tmpl[] = "/tmp/fnguard-reporting-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  report::SenderOptions Options(int port) {
    report::SenderOptions o;
    o.endpoint = "http://127.0.0.1:" + std::to_string(port);
    o.spool_dir = dir_ + "/spool";
    o.resource = report::ResourceInfo{"it-fn", "it-fn", "3", "eu-central-1"};
    o.initial_backoff = std::chrono::milliseconds(50);
    o.max_backoff = std::chrono::milliseconds(400);
    o.max_batch_age = std::chrono::milliseconds(50);
    return o;
  }

  static report::SecurityEvent Event(int thread, int i) {
    report::SecurityEvent e;
    e.event_id = report::NewEventId();
    e.kind = "injection";
    e.action = i % 3 == 0 ? Action::kMonitor : Action::kBlock;
    e.detector = "cmdi";
    e.rule_id = "cmdi.chain";
    e.field_path = "query.host";
    e.excerpt = "8.8.8.8; cat /etc/hostname";
    e.reason = "command chaining in query.host";
    e.request_id = "req-" + std::to_string(thread) + "-" + std::to_string(i);
    e.time_unix_ns = report::NowUnixNanos();
    return e;
  }

  std::multiset<std::string> StoredIds() {
    std::multiset<std::string> ids;
    auto store = cli::EventStore::Open(dir_ + "/events.db", false);
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return ids;
    EXPECT_TRUE((*store)->List({}, [&](const fnguard::v1::SecurityEvent& e) { ids.insert(e.event_id()); }).ok());
    return ids;
  }

  std::string dir_;
};

TEST_F(ReportingTest, KillNineMidStreamStoresEveryEventExactlyOnce) {
  const std::string store = dir_ + "/events.db";
  auto collector = std::make_unique<testing::CollectorProcess>(store, Collector("127.0.0.1:0"));
  const int port = collector->port();
  ASSERT_GT(port, 0);

  constexpr int kThreads = 4;
  constexpr int kPerThread = 25000;  // 100 000 events
  std::mutex ids_mu;
  std::set<std::string> sent;
  auto start = Clock::now();
  report::SenderStats stats;
  int restarts = 0;
  {
    report::Sender sender(Options(port));
    std::vector<std::thread> producers;
    for (int t = 0; t < kThreads; ++t) {
      producers.emplace_back([&, t] {
        std::vector<std::string> mine;
        for (int i = 0; i < kPerThread; ++i) {
          report::SecurityEvent e = Event(t, i);
          mine.push_back(e.event_id);
          EXPECT_TRUE(sender.Enqueue(std::move(e)));
          // About 2 s of stream, so that the kill lands in the middle of it.
          if (i % 500 == 499) std::this_thread::sleep_for(std::chrono::milliseconds(40));
        }
        std::lock_guard<std::mutex> lock(ids_mu);
        sent.insert(mine.begin(), mine.end());
      });
    }
    // Kill the collector once part of the stream is stored.
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (sender.stats().delivered < 20000 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(collector->Stop(SIGKILL), -1);
    uint64_t delivered_at_kill = sender.stats().delivered;
    // Mid-stream: the producers were not done when the collector died.
    EXPECT_LT(sender.stats().enqueued, static_cast<uint64_t>(kThreads * kPerThread));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    // Restart on the same port and store (the port may need a moment).
    for (int attempt = 0; attempt < 50; ++attempt) {
      collector = std::make_unique<testing::CollectorProcess>(store, Collector("127.0.0.1:" + std::to_string(port)));
      if (collector->port() == port) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(collector->port(), port);
    ++restarts;
    for (auto& p : producers) p.join();
    bool flushed = false;
    for (int i = 0; i < 10 && !flushed; ++i) flushed = sender.Flush(3000);
    EXPECT_TRUE(flushed);
    stats = sender.stats();
    std::printf("kill test: delivered before kill %llu, spooled %llu, requests %llu, retryable failures %llu\n",
                static_cast<unsigned long long>(delivered_at_kill), static_cast<unsigned long long>(stats.spooled),
                static_cast<unsigned long long>(stats.requests),
                static_cast<unsigned long long>(stats.retryable_failures));
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(restarts, 1);
  EXPECT_EQ(stats.enqueued, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_EQ(stats.backlog_events, 0u);
  EXPECT_GE(stats.delivered, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(collector->Stop(SIGTERM), 0);

  std::multiset<std::string> stored = StoredIds();
  EXPECT_EQ(stored.size(), sent.size());
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()), sent);
  std::printf("kill test: %zu sent, %zu stored, %.2f s\n", sent.size(), stored.size(), seconds);

  // The CLI reads the same store.
  auto listed = testing::RunCommand(testing::Quote(Binary()) + " events --format json --store " +
                                    testing::Quote(store) + " | wc -l");
  EXPECT_EQ(std::atoi(listed.out.c_str()), kThreads * kPerThread);
}

// The collector is down for the whole run: enqueueing stays cheap (measured
// by tests/bench/report_throughput.cc `down`), memory stays bounded by the
// queue cap, every event is either in the spool or counted as dropped, and a
// later process delivers the spool to a collector exactly once.
TEST_F(ReportingTest, CollectorDownForTheWholeRunSpoolsWithBoundedMemory) {
  int port;
  {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port = ntohs(addr.sin_port);
    close(fd);  // bound, never listened: refused
  }
  constexpr int kThreads = 3;
  constexpr int kPerThread = 100000;
  std::atomic<uint64_t> refused{0};
  const uint64_t rss_before = RssKb();
  uint64_t rss_peak = rss_before;
  report::SenderStats stats;
  {
    report::Sender sender(Options(port));
    std::atomic<bool> producing{true};
    std::thread watcher([&] {
      while (producing) {
        rss_peak = std::max(rss_peak, RssKb());
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
    std::vector<std::thread> producers;
    for (int t = 0; t < kThreads; ++t) {
      producers.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          if (!sender.Enqueue(Event(t, i))) refused += 1;
        }
      });
    }
    for (auto& p : producers) p.join();
    producing = false;
    watcher.join();
    sender.Flush(10000);
    stats = sender.stats();
  }
  const uint64_t attempted = kThreads * kPerThread;
  std::printf("collector down: %llu events, %llu spooled, %llu dropped (%llu at the queue cap), RSS %llu -> peak "
              "%llu KiB\n",
              static_cast<unsigned long long>(attempted), static_cast<unsigned long long>(stats.spooled),
              static_cast<unsigned long long>(stats.dropped), static_cast<unsigned long long>(refused.load()),
              static_cast<unsigned long long>(rss_before), static_cast<unsigned long long>(rss_peak));
  EXPECT_EQ(stats.delivered, 0u);
  EXPECT_EQ(stats.enqueued + refused.load(), attempted);
  EXPECT_EQ(stats.spooled + stats.dropped, attempted);  // every event: on disk, or counted
  EXPECT_EQ(stats.queued, 0u);
  // The queue holds at most 32 MiB of events; the rest is on disk.
  EXPECT_LT(rss_peak - rss_before, 96u * 1024);

  // A later process replays the spool into a real collector.
  testing::CollectorProcess collector(dir_ + "/events.db", Collector("127.0.0.1:0"));
  ASSERT_GT(collector.port(), 0);
  {
    report::Sender replay(Options(collector.port()));
    bool flushed = false;
    for (int i = 0; i < 10 && !flushed; ++i) flushed = replay.Flush(5000);
    EXPECT_TRUE(flushed);
    EXPECT_EQ(replay.stats().delivered, stats.spooled);
  }
  EXPECT_EQ(StoredIds().size(), stats.spooled);
}

TEST_F(ReportingTest, CollectorAnswersHttpErrorsAndChecksTheToken) {
  testing::CollectorProcess collector(dir_ + "/t.db", Collector("127.0.0.1:0", "tok"));
  const int port = collector.port();
  ASSERT_GT(port, 0);
  auto curl = [&](const std::string& args, const std::string& path = "/v1/logs") {
    return testing::RunCommand("curl -s -o /dev/null -w '%{http_code}' --noproxy '*' " + args +
                               " http://127.0.0.1:" + std::to_string(port) + path)
        .out;
  };
  EXPECT_EQ(curl("-X POST -H 'Content-Type: application/json' --data '{}'"), "401");
  EXPECT_EQ(curl("-X POST -H 'Authorization: Bearer tok' -H 'Content-Type: text/plain' --data x"), "415");
  EXPECT_EQ(curl("-X POST -H 'Authorization: Bearer tok' -H 'Content-Type: application/x-protobuf' "
                 "--data-binary 'not protobuf'"),
            "400");
  EXPECT_EQ(curl("-X POST -H 'Authorization: Bearer tok' -H 'Content-Type: application/json' --data '{}'",
                 "/v1/traces"),
            "404");
  EXPECT_EQ(curl("-X POST -H 'Authorization: Bearer tok' -H 'Content-Type: application/json' --data '{}'"),
            "200");
  // 20 MB of zeros, ~20 KB gzipped: refused at the inflated-size cap.
  EXPECT_EQ(testing::RunCommand("head -c 20000000 /dev/zero | gzip | curl -s -o /dev/null -w '%{http_code}' "
                                "--noproxy '*' -H 'Authorization: Bearer tok' -H 'Content-Encoding: gzip' "
                                "-H 'Content-Type: application/x-protobuf' --data-binary @- "
                                "http://127.0.0.1:" + std::to_string(port) + "/v1/logs")
                .out,
            "413");
  EXPECT_EQ(collector.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace fnguard
