#include "runtime/egress/http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "policy/policy.h"

namespace fnguard::egress {
namespace {

HttpClient ClientFor(const std::string& text) {
  auto pol = policy::LoadPolicyText(text, "egress.yaml");
  EXPECT_TRUE(pol.ok()) << pol.status();
  absl::StatusOr<HttpClient> client =
      HttpClient::Create(pol.ok() ? (*pol)->egress : policy::Egress{});
  EXPECT_TRUE(client.ok()) << client.status();
  return *std::move(client);
}

// A non-blocking listening socket on 127.0.0.1 that records whether anyone
// connected to it.
class LoopbackListener {
 public:
  LoopbackListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(fd_, 8), 0);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  ~LoopbackListener() { close(fd_); }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  uint16_t port() const { return port_; }
  bool WasConnected() const {
    const int conn = accept(fd_, nullptr, nullptr);
    if (conn >= 0) {
      close(conn);
      return true;
    }
    return errno != EAGAIN && errno != EWOULDBLOCK;
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

FetchOptions ShortTimeouts() {
  FetchOptions options;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.total_timeout = std::chrono::milliseconds(2000);
  return options;
}

TEST(HttpClientTest, MetadataEndpointIsDeniedBeforeConnecting) {
  HttpClient client = ClientFor("version: 1\negress:\n  allow:\n    - {host: api.example.com}\n");
  const auto start = std::chrono::steady_clock::now();
  FetchResult r = client.Get("https://169.254.169.254/latest/meta-data/", ShortTimeouts());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.category, FetchErrorCategory::kDenied);
  EXPECT_FALSE(r.error.decision.allow);
  EXPECT_FALSE(r.error.decision.reason.empty());
  EXPECT_EQ(r.error.message, r.error.decision.reason);
  EXPECT_EQ(r.error.url, "https://169.254.169.254/latest/meta-data/");
  // A connection attempt would have waited for the connect timeout.
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

TEST(HttpClientTest, HostNotOnAllowlistIsDenied) {
  HttpClient client = ClientFor("version: 1\negress:\n  allow:\n    - {host: api.example.com}\n");
  FetchResult r = client.Get("https://evil.example.net/", ShortTimeouts());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.category, FetchErrorCategory::kDenied);
  EXPECT_EQ(r.error.decision.rule, "default-deny");
  EXPECT_NE(r.error.message.find("evil.example.net"), std::string::npos) << r.error.message;
}

TEST(HttpClientTest, UnparsableUrlIsDenied) {
  HttpClient client = ClientFor("version: 1\negress:\n  allow:\n    - {host: api.example.com}\n");
  FetchResult r = client.Get("https://0x7f.1/", ShortTimeouts());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.category, FetchErrorCategory::kDenied);
  EXPECT_EQ(r.error.decision.rule, "url");
}

TEST(HttpClientTest, AllowedNameResolvingToLoopbackIsDeniedWithoutConnecting) {
  LoopbackListener listener;
  const std::string port = std::to_string(listener.port());
  HttpClient client = ClientFor("version: 1\negress:\n  allow:\n    - {host: localhost, ports: [" +
                                port + "], schemes: [http, https]}\n");
  for (const std::string scheme : {"https", "http"}) {
    FetchResult r = client.Get(scheme + "://localhost:" + port + "/", ShortTimeouts());
    ASSERT_FALSE(r.ok()) << scheme;
    EXPECT_EQ(r.error.category, FetchErrorCategory::kDenied) << r.error.message;
    EXPECT_NE(r.error.message.find("loopback"), std::string::npos) << r.error.message;
  }
  EXPECT_FALSE(listener.WasConnected());
}

TEST(HttpClientTest, LoopbackPortNotListedIsDeniedWithoutConnecting) {
  LoopbackListener listener;
  HttpClient client = ClientFor(
      "version: 1\negress:\n  allow:\n    - {cidr: 127.0.0.1/32, ports: [1]}\n");
  FetchResult r =
      client.Get("https://127.0.0.1:" + std::to_string(listener.port()) + "/", ShortTimeouts());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.category, FetchErrorCategory::kDenied);
  EXPECT_FALSE(listener.WasConnected());
}

TEST(HttpClientTest, AllowedLoopbackIsConnectedTo) {
  // The control for the tests above: with the cidr the client does connect
  // (plain HTTP to a socket that never answers, so the transfer times out).
  LoopbackListener listener;
  const std::string port = std::to_string(listener.port());
  HttpClient client = ClientFor("version: 1\negress:\n  allow:\n    - {cidr: 127.0.0.1/32, ports: [" +
                                port + "], schemes: [http]}\n");
  FetchOptions options;
  options.total_timeout = std::chrono::milliseconds(300);
  FetchResult r = client.Get("http://127.0.0.1:" + port + "/", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.category, FetchErrorCategory::kTimeout) << r.error.message;
  EXPECT_TRUE(listener.WasConnected());
}

TEST(HttpClientTest, CategoryNames) {
  EXPECT_EQ(FetchErrorCategoryName(FetchErrorCategory::kDenied), "denied");
  EXPECT_EQ(FetchErrorCategoryName(FetchErrorCategory::kTls), "tls");
  EXPECT_EQ(FetchErrorCategoryName(FetchErrorCategory::kTimeout), "timeout");
  EXPECT_EQ(FetchErrorCategoryName(FetchErrorCategory::kTooLarge), "too_large");
  EXPECT_EQ(FetchErrorCategoryName(FetchErrorCategory::kOther), "other");
}

}  // namespace
}  // namespace fnguard::egress
