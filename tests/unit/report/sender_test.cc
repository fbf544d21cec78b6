#include "runtime/report/sender.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "runtime/report/gzip.h"
#include "tests/unit/core/missing_libcurl.h"

namespace fnguard::report {
namespace {

using Clock = std::chrono::steady_clock;

// An in-process OTLP receiver whose answers the test scripts.
class ScriptedCollector {
 public:
  struct Seen {
    std::string content_type, content_encoding;
    std::vector<std::string> event_ids;
    std::vector<std::string> rule_ids;
    std::vector<std::string> reasons;
    Clock::time_point at;
  };
  // Returns the status to answer for the n-th request (0-based) and may set headers/body.
  using Script = std::function<int(int n, httplib::Response& res)>;

  explicit ScriptedCollector(Script script) : script_(std::move(script)) {
    server_.Post("/v1/logs", [this](const httplib::Request& req, httplib::Response& res) {
      Seen seen;
      seen.at = Clock::now();
      seen.content_type = req.get_header_value("Content-Type");
      seen.content_encoding = req.get_header_value("Content-Encoding");
      std::string body = req.body;
      if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f) {
        body = GzipDecompress(body, 64 << 20).value_or("");
      }
      otlp_collector::ExportLogsServiceRequest request;
      bool parsed = request.ParseFromString(body);
      for (const auto& rl : request.resource_logs()) {
        for (const auto& sl : rl.scope_logs()) {
          for (const auto& r : sl.log_records()) {
            auto e = EventFromLogRecord(rl, r);
            seen.event_ids.push_back(e.event_id());
            seen.rule_ids.push_back(e.rule_id());
            seen.reasons.push_back(e.reason());
          }
        }
      }
      int n;
      {
        std::lock_guard<std::mutex> lock(mu_);
        n = static_cast<int>(seen_.size());
        seen_.push_back(std::move(seen));
      }
      res.status = parsed ? script_(n, res) : 400;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ScriptedCollector() {
    server_.stop();
    thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/logs"; }
  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  Script script_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

class SenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fnguard-sender-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    spool_dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(spool_dir_); }

  SenderOptions Options(const std::string& endpoint) {
    SenderOptions o;
    o.endpoint = endpoint;
    o.spool_dir = spool_dir_;
    o.resource = ResourceInfo{"test-fn", "test-fn", "1", "us-east-1"};
    o.initial_backoff = std::chrono::milliseconds(50);
    o.max_backoff = std::chrono::milliseconds(200);
    o.max_batch_age = std::chrono::milliseconds(20);
    return o;
  }

  static SecurityEvent Event(int i) {
    SecurityEvent e;
    e.event_id = NewEventId();
    e.kind = "injection";
    e.action = Action::kBlock;
    e.detector = "xss";
    e.rule_id = "xss.script";
    e.field_path = "body.comment";
    e.reason = "script tag " + std::to_string(i);
    e.time_unix_ns = NowUnixNanos();
    return e;
  }

  std::string spool_dir_;
};

TEST_F(SenderTest, DeliversGzippedProtobufBatches) {
  ScriptedCollector collector([](int, httplib::Response&) { return 200; });
  std::set<std::string> sent;
  {
    SenderOptions o = Options(collector.endpoint());
    o.max_batch_events = 512;
    Sender sender(o);
    for (int i = 0; i < 1500; ++i) {
      SecurityEvent e = Event(i);
      sent.insert(e.event_id);
      ASSERT_TRUE(sender.Enqueue(std::move(e)));
    }
    ASSERT_TRUE(sender.Flush(10000));
    auto st = sender.stats();
    EXPECT_EQ(st.delivered, 1500u);
    EXPECT_EQ(st.dropped, 0u);
    EXPECT_EQ(st.spooled, 0u);
  }
  auto seen = collector.seen();
  ASSERT_GE(seen.size(), 3u);  // batches of at most 512
  std::multiset<std::string> received;
  for (const auto& s : seen) {
    EXPECT_EQ(s.content_type, "application/x-protobuf");
    EXPECT_EQ(s.content_encoding, "gzip");
    EXPECT_LE(s.event_ids.size(), 512u);
    received.insert(s.event_ids.begin(), s.event_ids.end());
  }
  EXPECT_EQ(received.size(), 1500u);
  EXPECT_EQ(std::set<std::string>(received.begin(), received.end()), sent);
}

TEST_F(SenderTest, RetriesAfter503HonouringRetryAfter) {
  ScriptedCollector collector([](int n, httplib::Response& res) {
    if (n == 0) {
      res.set_header("Retry-After", "1");
      return 503;
    }
    return 200;
  });
  Sender sender(Options(collector.endpoint()));
  for (int i = 0; i < 10; ++i) sender.Enqueue(Event(i));
  EXPECT_FALSE(sender.Flush(5000));  // the first attempt fails: events go to the spool
  EXPECT_EQ(sender.stats().spooled, 10u);
  EXPECT_TRUE(sender.Flush(5000));   // replayed once Retry-After has passed
  auto seen = collector.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].event_ids, seen[1].event_ids);
  EXPECT_GE(seen[1].at - seen[0].at, std::chrono::milliseconds(950));
  auto st = sender.stats();
  EXPECT_EQ(st.delivered, 10u);
  EXPECT_EQ(st.retryable_failures, 1u);
  EXPECT_EQ(st.backlog_events, 0u);
}

TEST_F(SenderTest, RetriesGatewayErrorsWithBackoffUntilTheCollectorAnswers) {
  int attempts_to_fail = 3;
  ScriptedCollector collector([&](int n, httplib::Response&) { return n < attempts_to_fail ? 502 : 200; });
  Sender sender(Options(collector.endpoint()));
  for (int i = 0; i < 5; ++i) sender.Enqueue(Event(i));
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (sender.stats().delivered < 5 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto st = sender.stats();
  EXPECT_EQ(st.delivered, 5u);
  EXPECT_EQ(st.retryable_failures, 3u);
  auto seen = collector.seen();
  ASSERT_EQ(seen.size(), 4u);
  // Exponential backoff: each wait at least half the (doubling) base.
  EXPECT_GE(seen[1].at - seen[0].at, std::chrono::milliseconds(25));
  EXPECT_GE(seen[3].at - seen[2].at, std::chrono::milliseconds(100));
}

TEST_F(SenderTest, DoesNotRetryA400) {
  ScriptedCollector collector([](int, httplib::Response&) { return 400; });
  Sender sender(Options(collector.endpoint()));
  for (int i = 0; i < 7; ++i) sender.Enqueue(Event(i));
  EXPECT_TRUE(sender.Flush(5000));  // nothing left to send
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto st = sender.stats();
  EXPECT_EQ(st.rejected, 7u);
  EXPECT_EQ(st.delivered, 0u);
  EXPECT_EQ(st.spooled, 0u);
  EXPECT_EQ(collector.seen().size(), 1u);
}

TEST_F(SenderTest, PartialSuccessIsCountedNotRetried) {
  ScriptedCollector collector([](int, httplib::Response& res) {
    otlp_collector::ExportLogsServiceResponse answer;
    answer.mutable_partial_success()->set_rejected_log_records(3);
    answer.mutable_partial_success()->set_error_message("3 records too old");
    res.set_content(answer.SerializeAsString(), "application/x-protobuf");
    return 200;
  });
  Sender sender(Options(collector.endpoint()));
  for (int i = 0; i < 8; ++i) sender.Enqueue(Event(i));
  EXPECT_TRUE(sender.Flush(5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto st = sender.stats();
  EXPECT_EQ(st.partial_rejected, 3u);
  EXPECT_EQ(st.delivered, 8u);
  EXPECT_EQ(collector.seen().size(), 1u);
}

// A collector whose 200 answer is protobuf with a string that is not UTF-8:
// the batch counts as delivered, and protobuf's complaint stays out of the
// function's log.
TEST_F(SenderTest, MalformedAnswerIsDeliveredQuietly) {
  ScriptedCollector collector([](int, httplib::Response& res) {
    // ExportLogsServiceResponse { partial_success (1) { error_message (2): "\xff" } }
    res.set_content(std::string("\x0a\x03\x12\x01\xff", 5), "application/x-protobuf");
    return 200;
  });
  ::testing::internal::CaptureStderr();
  {
    Sender sender(Options(collector.endpoint()));
    for (int i = 0; i < 4; ++i) sender.Enqueue(Event(i));
    EXPECT_TRUE(sender.Flush(5000));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(sender.stats().delivered, 4u);
  }
  const std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(logged.find("libprotobuf"), std::string::npos) << logged;
  EXPECT_EQ(collector.seen().size(), 1u);
}

TEST_F(SenderTest, DropsAtTheQueueCapAreReportedOnceDeliveryResumes) {
  ScriptedCollector collector([](int, httplib::Response&) { return 200; });
  SenderOptions o = Options(collector.endpoint());
  o.queue_max_events = 10;
  o.max_batch_age = std::chrono::milliseconds(2000);
  Sender sender(o);
  int accepted = 0;
  for (int i = 0; i < 50; ++i) accepted += sender.Enqueue(Event(i)) ? 1 : 0;
  EXPECT_EQ(accepted, 10);
  EXPECT_EQ(sender.stats().dropped, 40u);
  EXPECT_TRUE(sender.Flush(5000));
  bool reported = false;
  for (const auto& s : collector.seen()) {
    for (size_t i = 0; i < s.rule_ids.size(); ++i) {
      if (s.rule_ids[i] == "reporting.dropped") {
        reported = true;
        EXPECT_NE(s.reasons[i].find("40 security events were dropped"), std::string::npos) << s.reasons[i];
      }
    }
  }
  EXPECT_TRUE(reported);
}

TEST_F(SenderTest, UnreachableCollectorSpoolsAndTheDestructorReturnsPromptly) {
  // A port nobody listens on: bind, note it, close.
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
    close(fd);  // bound, never listened: connections are refused
  }
  auto start = Clock::now();
  {
    Sender sender(Options("http://127.0.0.1:" + std::to_string(port) + "/v1/logs"));
    for (int i = 0; i < 100; ++i) sender.Enqueue(Event(i));
    EXPECT_FALSE(sender.Flush(3000));
    EXPECT_EQ(sender.stats().spooled, 100u);
    EXPECT_EQ(sender.stats().dropped, 0u);
  }
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(4));
  // The events are on disk for the next process.
  Spool::Options so;
  so.dir = spool_dir_;
  auto spool = Spool::Open(so);
  ASSERT_TRUE(spool.ok());
  EXPECT_EQ((*spool)->pending_events(), 100u);
}

TEST_F(SenderTest, ANewSenderReplaysWhatAnEarlierOneSpooled) {
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
    close(fd);
  }
  std::vector<std::string> order;
  {
    Sender down(Options("http://127.0.0.1:" + std::to_string(port)));
    for (int i = 0; i < 30; ++i) {
      SecurityEvent e = Event(i);
      order.push_back(e.event_id);
      down.Enqueue(std::move(e));
      if (i % 10 == 9) down.Flush(2000);  // three batches, three spool records
    }
    EXPECT_EQ(down.stats().spooled, 30u);
  }
  ScriptedCollector collector([](int, httplib::Response&) { return 200; });
  Sender up(Options(collector.endpoint()));
  EXPECT_TRUE(up.Flush(5000));
  std::vector<std::string> received;
  for (const auto& s : collector.seen()) received.insert(received.end(), s.event_ids.begin(), s.event_ids.end());
  EXPECT_EQ(received, order);  // every event, in the original order
  EXPECT_EQ(up.stats().delivered, 30u);
}

// Enqueue's cost is measured by tests/bench/report_throughput.cc (p50/p99
// histogram); here: many events queued while the thread sleeps, from several
// threads, all arrive exactly once and in per-thread order.
TEST_F(SenderTest, EventsQueuedWhileTheThreadSleepsAllArriveInOrder) {
  ScriptedCollector collector([](int, httplib::Response&) { return 200; });
  SenderOptions o = Options(collector.endpoint());
  o.max_batch_events = 100000;  // no full batch: only Flush sends
  o.max_batch_age = std::chrono::milliseconds(60000);
  constexpr int kThreads = 3, kPerThread = 7000;
  std::vector<std::vector<std::string>> sent(kThreads);
  {
    Sender sender(o);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          SecurityEvent e = Event(i);
          sent[static_cast<size_t>(t)].push_back(e.event_id);
          EXPECT_TRUE(sender.Enqueue(std::move(e)));
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(sender.stats().queued, static_cast<uint64_t>(kThreads * kPerThread));
    EXPECT_TRUE(collector.seen().empty());
    EXPECT_TRUE(sender.Flush(20000));
    EXPECT_EQ(sender.stats().delivered, static_cast<uint64_t>(kThreads * kPerThread));
    EXPECT_EQ(sender.stats().queued, 0u);
  }
  std::vector<std::string> received;
  for (const auto& s : collector.seen()) received.insert(received.end(), s.event_ids.begin(), s.event_ids.end());
  ASSERT_EQ(received.size(), static_cast<size_t>(kThreads * kPerThread));
  // Each thread's events keep their order.
  std::map<std::string, std::pair<int, int>> where;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) where[sent[static_cast<size_t>(t)][static_cast<size_t>(i)]] = {t, i};
  }
  std::vector<int> next(kThreads, 0);
  for (const auto& id : received) {
    auto it = where.find(id);
    ASSERT_NE(it, where.end());
    EXPECT_EQ(it->second.second, next[static_cast<size_t>(it->second.first)]++);
  }
}

// A port nobody listens on: bound, never listened, closed.
int RefusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);
  return ntohs(addr.sin_port);
}

// The spool's read position survives a process restart: a Sender that
// delivered part of the spool and stopped, then a new Sender on the same
// directory, together deliver every spooled event exactly once.
TEST_F(SenderTest, ARestartedSenderResumesTheSpoolWhereTheLastOneStopped) {
  std::vector<std::vector<std::string>> batches(3);
  {
    Sender down(Options("http://127.0.0.1:" + std::to_string(RefusedPort())));
    for (int b = 0; b < 3; ++b) {
      for (int i = 0; i < 10; ++i) {
        SecurityEvent e = Event(b * 10 + i);
        batches[static_cast<size_t>(b)].push_back(e.event_id);
        down.Enqueue(std::move(e));
      }
      down.Flush(2000);  // one spool record per batch
    }
    EXPECT_EQ(down.stats().spooled, 30u);
  }
  {
    // Takes the first record, then asks to come back in a minute.
    ScriptedCollector partial([](int n, httplib::Response& res) {
      if (n == 0) return 200;
      res.set_header("Retry-After", "60");
      return 503;
    });
    Sender second(Options(partial.endpoint()));
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (second.stats().requests < 2 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(second.stats().delivered, 10u);
    auto seen = partial.seen();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].event_ids, batches[0]);
    EXPECT_EQ(seen[1].event_ids, batches[1]);
  }  // stops without retrying: the server said when
  ScriptedCollector collector([](int, httplib::Response&) { return 200; });
  Sender third(Options(collector.endpoint()));
  EXPECT_TRUE(third.Flush(5000));
  std::vector<std::string> received;
  for (const auto& s : collector.seen()) received.insert(received.end(), s.event_ids.begin(), s.event_ids.end());
  std::vector<std::string> want = batches[1];
  want.insert(want.end(), batches[2].begin(), batches[2].end());
  EXPECT_EQ(received, want);  // not the first record again
  EXPECT_EQ(third.stats().delivered, 20u);
}

// When the spool is full, whole batches are dropped; the count is exact and
// is reported once the collector answers again.
TEST_F(SenderTest, SpoolCapDropsAreCountedExactlyAndReported) {
  std::atomic<bool> up{false};
  ScriptedCollector collector([&](int, httplib::Response&) { return up.load() ? 200 : 503; });
  SenderOptions o = Options(collector.endpoint());
  o.spool_max_bytes = 4096;
  std::set<std::string> sent;
  Sender sender(o);
  constexpr int kBatches = 40, kPerBatch = 10;
  for (int b = 0; b < kBatches; ++b) {
    for (int i = 0; i < kPerBatch; ++i) {
      SecurityEvent e = Event(b * kPerBatch + i);
      sent.insert(e.event_id);
      ASSERT_TRUE(sender.Enqueue(std::move(e)));
    }
    sender.Flush(2000);
  }
  SenderStats st = sender.stats();
  EXPECT_EQ(st.enqueued, static_cast<uint64_t>(kBatches * kPerBatch));
  EXPECT_GT(st.dropped, 0u);
  EXPECT_GT(st.spooled, 0u);
  EXPECT_EQ(st.spooled + st.dropped, st.enqueued);  // every event: on disk or counted
  EXPECT_EQ(st.dropped % kPerBatch, 0u);            // whole batches
  EXPECT_EQ(st.backlog_events, st.spooled);
  up = true;
  ASSERT_TRUE(sender.Flush(10000));
  std::set<std::string> received;
  std::string drop_report;
  for (const auto& s : collector.seen()) {
    for (size_t i = 0; i < s.event_ids.size(); ++i) {
      if (s.rule_ids[i] == "reporting.dropped") {
        drop_report = s.reasons[i];
      } else {
        received.insert(s.event_ids[i]);
      }
    }
  }
  EXPECT_EQ(drop_report.find(std::to_string(st.dropped) + " security events were dropped"), 0u) << drop_report;
  EXPECT_EQ(sender.stats().delivered, st.spooled + 1);  // + the drop report
  for (const auto& id : received) EXPECT_EQ(sent.count(id), 1u);
}

TEST_F(SenderTest, ReporterStreamsVerdictsToTheConfiguredEndpoint) {
  ScriptedCollector collector([](int, httplib::Response&) { return 200; });
  policy::Policy policy;
  policy.version = 2;
  policy.reporting.otlp_endpoint = collector.endpoint();
  policy.reporting.spool_dir = spool_dir_;
  Verdict v;
  v.action = Action::kBlock;
  v.detector = "path_traversal";
  v.rule_id = "path_traversal.dotdot";
  v.field_path = "query.file";
  v.excerpt = "../../etc/shadow";
  v.reason = "parent directory traversal";
  {
    Reporter reporter(policy, stdout);
    EXPECT_TRUE(reporter.enabled());
    reporter.Report(FromVerdict(v, "req-42", ""));
    reporter.Flush(5000);
  }
  auto seen = collector.seen();
  ASSERT_EQ(seen.size(), 1u);
  ASSERT_EQ(seen[0].rule_ids, std::vector<std::string>{"path_traversal.dotdot"});
  EXPECT_EQ(seen[0].reasons[0], "parent directory traversal");
  EXPECT_EQ(seen[0].event_ids[0].size(), 32u);
}

// TLS is always verified: an unknown CA is a (retryable) failure, the right
// CA file delivers.
TEST_F(SenderTest, VerifiesTheCollectorsCertificate) {
  std::string cert = spool_dir_ + "-cert.pem", key = spool_dir_ + "-key.pem";
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                    "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  httplib::SSLServer server(cert.c_str(), key.c_str());
  std::atomic<int> received{0};
  server.Post("/v1/logs", [&](const httplib::Request&, httplib::Response& res) {
    received += 1;
    res.status = 200;
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::string endpoint = "https://127.0.0.1:" + std::to_string(port) + "/v1/logs";
  {
    Sender untrusted(Options(endpoint));
    untrusted.Enqueue(Event(1));
    EXPECT_FALSE(untrusted.Flush(5000));
    EXPECT_EQ(untrusted.stats().delivered, 0u);
    EXPECT_EQ(untrusted.stats().spooled, 1u);
  }
  EXPECT_EQ(received.load(), 0);
  {
    SenderOptions o = Options(endpoint);
    o.ca_file = cert;
    Sender trusted(o);
    trusted.Enqueue(Event(2));
    EXPECT_TRUE(trusted.Flush(5000));  // also replays the spooled event
    EXPECT_EQ(trusted.stats().delivered, 2u);
  }
  EXPECT_EQ(received.load(), 2);
  server.stop();
  serving.join();
  std::remove(cert.c_str());
  std::remove(key.c_str());
}

// Without libcurl (FNGUARD_LIBCURL names a file that is not there) every
// batch fails like one for an unreachable collector: spooled, counted as a
// retryable failure, said once on stderr. Runs in a fresh process: libcurl is
// loaded once per process.
std::string ProblemsWithoutLibcurl(const SenderOptions& options, ScriptedCollector& collector) {
  SenderStats st;
  {
    Sender sender(options);
    for (int i = 0; i < 10; ++i) {
      SecurityEvent e;
      e.event_id = NewEventId();
      e.kind = "injection";
      e.reason = "event " + std::to_string(i);
      sender.Enqueue(std::move(e));
    }
    if (sender.Flush(1000)) return "a flush succeeded without libcurl";
    st = sender.stats();
  }
  if (st.spooled != 10 || st.delivered != 0 || st.retryable_failures == 0) {
    return "spooled " + std::to_string(st.spooled) + ", delivered " +
           std::to_string(st.delivered) + ", retryable failures " +
           std::to_string(st.retryable_failures);
  }
  if (!collector.seen().empty()) return "the collector received a batch";
  return "";
}

using SenderDeathTest = SenderTest;

TEST_F(SenderDeathTest, WithoutLibcurlBatchesAreSpooledAndTheFailureIsSaid) {
  ScriptedCollector collector([](int, httplib::Response&) { return 200; });
  // The death test's child runs SetUp() again and exits without TearDown():
  // it removes its own spool directory.
  testing::ExpectNoProblemsWithoutLibcurl(
      [&] {
        std::string problems = ProblemsWithoutLibcurl(Options(collector.endpoint()), collector);
        std::filesystem::remove_all(spool_dir_);
        return problems;
      },
      std::string("cannot send security events: libcurl could not be loaded: ") +
          testing::kMissingLibcurl);
}

TEST(SenderOptionsTest, AuthHeadersFromEnvAndFile) {
  setenv("FNGUARD_TEST_OTLP_TOKEN", "Bearer s3cr3t", 1);
  char path[] = "/tmp/fnguard-headers-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string text = "# comment\nX-Api-Key: abc123\nbad line\nX Bad: x\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  policy::Reporting r;
  r.otlp_endpoint = "https://collector.example.com";
  r.headers_from_env = {{"Authorization", "FNGUARD_TEST_OTLP_TOKEN"}, {"X-Missing", "FNGUARD_TEST_UNSET_VAR"}};
  r.headers_file = path;
  auto o = SenderOptions::FromPolicy(r);
  unlink(path);
  ASSERT_EQ(o.headers.size(), 2u);
  EXPECT_EQ(o.headers[0], (std::pair<std::string, std::string>{"Authorization", "Bearer s3cr3t"}));
  EXPECT_EQ(o.headers[1], (std::pair<std::string, std::string>{"X-Api-Key", "abc123"}));
  EXPECT_TRUE(IsHttpUrl("https://collector.example.com"));
  EXPECT_FALSE(IsHttpUrl("file:///etc/passwd"));
  EXPECT_FALSE(IsHttpUrl("http:///x"));
}

}  // namespace
}  // namespace fnguard::report
