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

// This process's resident set, KiB.
uint64_t RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// A `fnguard collector` child process.
class CollectorProcess {
 public:
  CollectorProcess(const std::string& listen, const std::string& store) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::string bin = Binary();
      execl(bin.c_str(), bin.c_str(), "collector", "--listen", listen.c_str(), "--store", store.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    // Wait for "listening on HOST:PORT".
    std::string text;
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (text.find('\n') == std::string::npos && Clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      ssize_t n = read(out_, buf, sizeof(buf));
      if (n <= 0) break;
      text.append(buf, static_cast<size_t>(n));
    }
    const std::string prefix = "listening on ";
    if (text.rfind(prefix, 0) == 0) {
      std::string addr = text.substr(prefix.size(), text.find('\n') - prefix.size());
      port_ = std::atoi(addr.substr(addr.rfind(':') + 1).c_str());
    }
  }
  ~CollectorProcess() {
    if (pid_ > 0) Stop(SIGKILL);
    if (out_ >= 0) close(out_);
  }
  int port() const { return port_; }
  // Sends `sig` and returns the exit code (-1 when killed by a signal).
  int Stop(int sig) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
};

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
  auto collector = std::make_unique<CollectorProcess>("127.0.0.1:0", store);
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
      collector = std::make_unique<CollectorProcess>("127.0.0.1:" + std::to_string(port), store);
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
  CollectorProcess collector("127.0.0.1:0", dir_ + "/events.db");
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
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::string bin = Binary();
    std::string store = dir_ + "/t.db";
    execl(bin.c_str(), bin.c_str(), "collector", "--listen", "127.0.0.1:0", "--store", store.c_str(), "--token",
          "tok", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  char buf[256] = {0};
  pollfd p{fds[0], POLLIN, 0};
  ASSERT_GT(poll(&p, 1, 10000), 0);
  ASSERT_GT(read(fds[0], buf, sizeof(buf) - 1), 0);
  std::string line(buf);
  int port = std::atoi(line.substr(line.rfind(':') + 1).c_str());
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
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  close(fds[0]);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace fnguard
