// The handler-facing client (guard.http(), fnguard/client.h) and the guarded
// egress client under it, against a real HTTPS server on 127.0.0.1 with
// certificates generated at run time.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fnguard/fnguard.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"
#include "runtime/egress/http_client.h"
#include "tests/unit/client/tls_server.h"
#include "tests/unit/core/missing_libcurl.h"

namespace fnguard {
namespace {

using ::testing::HasSubstr;
using testing::TestCertificates;
using testing::TlsServer;

class ClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { certs_ = new TestCertificates(); }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(certs_->ok()) << "openssl could not make the test certificates";
  }

  // A policy allowing 127.0.0.1:`port` (and the name localhost) over https,
  // trusting the test CA; `extra` is appended to the egress section.
  static std::string Policy(int port, const std::string& extra = "",
                            const std::string& mode = "enforce") {
    const std::string p = std::to_string(port);
    return "version: 1\n"
           "egress:\n"
           "  mode: " + mode + "\n"
           "  allow:\n"
           "    - {host: localhost, ports: [" + p + "]}\n"
           "    - {cidr: 127.0.0.1/32, ports: [" + p + "]}\n"
           "  tls: {ca_file: " + certs_->ca() + "}\n" + extra;
  }

  static std::unique_ptr<Guard> MakeGuard(const std::string& policy) {
    auto g = Guard::FromString(policy, "client_test.yaml");
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? std::move(g).value() : nullptr;
  }

  static TestCertificates* certs_;
};

TestCertificates* ClientTest::certs_ = nullptr;

TEST_F(ClientTest, GetFromAnAllowedServer) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  auto guard = MakeGuard(Policy(server.port()));
  ASSERT_NE(guard, nullptr);
  HttpResult r = guard->http().Get(server.url("/hello"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_THAT(r->header("Content-Type"), HasSubstr("text/plain"));
  EXPECT_EQ(r->url, server.url("/hello"));
  EXPECT_TRUE(r.status().ok());
}

TEST_F(ClientTest, PostAndOtherMethodsSendTheirBody) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  auto guard = MakeGuard(Policy(server.port()));
  ASSERT_NE(guard, nullptr);
  HttpResult post = guard->http().Post(server.url("/echo"), R"({"n":1})");
  ASSERT_TRUE(post.ok()) << post.error().message;
  EXPECT_EQ(post->body, R"(POST application/json {"n":1})");

  HttpOptions form;
  form.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  HttpResult put = guard->http().Request("PUT", server.url("/echo"), "a=1&b=2", form);
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->body, "PUT application/x-www-form-urlencoded a=1&b=2");

  HttpResult empty = guard->http().Post(server.url("/echo"), "");
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_EQ(empty->body, "POST  ");  // no body, no Content-Type

  HttpResult del = guard->http().Request("DELETE", server.url("/echo"));
  ASSERT_TRUE(del.ok()) << del.error().message;
  EXPECT_EQ(del->body, "DELETE  ");

  HttpResult head = guard->http().Request("HEAD", server.url("/hello"));
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
}

TEST_F(ClientTest, HeadersAreSent) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  auto guard = MakeGuard(Policy(server.port()));
  ASSERT_NE(guard, nullptr);
  HttpOptions o;
  o.headers = {{"Authorization", "Bearer abc"}, {"X-Test", "1"}};
  HttpResult r = guard->http().Get(server.url("/headers"), o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "authorization=Bearer abc x-test=1");
}

TEST_F(ClientTest, SequentialRequestsReuseOneConnection) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  auto guard = MakeGuard(Policy(server.port()));
  ASSERT_NE(guard, nullptr);
  for (int i = 0; i < 20; ++i) {
    HttpResult r = guard->http().Get(server.url("/hello"));
    ASSERT_TRUE(r.ok()) << i << ": " << r.error().message;
  }
  EXPECT_EQ(server.requests(), 20u);
  EXPECT_EQ(server.connections(), 1u);
}

TEST_F(ClientTest, ManyThreadsAtOnceGetTheirOwnAnswersOverFewConnections) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  auto guard = MakeGuard(Policy(server.port()));
  ASSERT_NE(guard, nullptr);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> good{0};
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string body = "t" + std::to_string(t) + "-" + std::to_string(i);
        HttpResult r = (i % 2 == 0) ? guard->http().Post(server.url("/echo"), body)
                                    : guard->http().Get(server.url("/hello"));
        const std::string want = (i % 2 == 0) ? "POST application/json " + body : "hello";
        if (r.ok() && r->status == 200 && r->body == want) {
          good.fetch_add(1);
        } else if (failures[t].empty()) {
          failures[t] = r.ok() ? "got '" + r->body + "'" : r.error().message;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& f : failures) EXPECT_EQ(f, "");
  EXPECT_EQ(good.load(), kThreads * kPerThread);
  // One pooled handle per concurrent request at most, each keeping its
  // connection: far fewer connections than requests.
  EXPECT_LE(server.connections(), static_cast<size_t>(kThreads));
}

TEST_F(ClientTest, EveryNewConnectionIsOpenedThroughTheCheck) {
  // The engine under guard.http(): when the server closes each connection,
  // every request opens (and checks) a new socket; with keep-alive, one.
  auto pol = policy::LoadPolicyText(Policy(1), "p.yaml");
  ASSERT_TRUE(pol.ok());
  for (size_t keep_alive_max : {size_t{1}, size_t{1000}}) {
    TlsServer server(*certs_, keep_alive_max);
    ASSERT_TRUE(server.ok());
    policy::Egress egress = (*pol)->egress;
    for (policy::EgressAllow& a : egress.allow) a.ports = {static_cast<uint16_t>(server.port())};
    auto client = egress::HttpClient::Create(egress);
    ASSERT_TRUE(client.ok());
    for (int i = 0; i < 5; ++i) {
      egress::FetchResult r = client->Get(server.url("/hello"));
      ASSERT_TRUE(r.ok()) << r.error.message;
    }
    EXPECT_EQ(client->connections_opened(), keep_alive_max == 1 ? 5u : 1u) << keep_alive_max;
    EXPECT_EQ(server.connections(), keep_alive_max == 1 ? 5u : 1u) << keep_alive_max;
  }
}

TEST_F(ClientTest, DeniedHostsAreDeniedWithTheirRule) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  auto guard = MakeGuard(Policy(server.port()));
  ASSERT_NE(guard, nullptr);
  ::testing::internal::CaptureStderr();
  HttpResult metadata = guard->http().Get("http://169.254.169.254/latest/meta-data/");
  HttpResult unlisted = guard->http().Get("https://api.example.com/v1/items");
  HttpResult port = guard->http().Get("https://127.0.0.1:1/");
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(metadata.ok());
  EXPECT_EQ(metadata.error().kind, HttpErrorKind::kDenied);
  EXPECT_EQ(metadata.status().code(), StatusCode::kPermissionDenied);
  ASSERT_FALSE(unlisted.ok());
  EXPECT_EQ(unlisted.error().kind, HttpErrorKind::kDenied);
  EXPECT_EQ(unlisted.error().rule, "default-deny");
  EXPECT_THAT(unlisted.error().message, HasSubstr("api.example.com"));
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.error().kind, HttpErrorKind::kDenied);
  // No reporting section: one JSON line per denial on stderr.
  EXPECT_THAT(err, HasSubstr(R"("kind":"egress","action":"block","detector":"egress")"));
  EXPECT_THAT(err, HasSubstr(R"("host":"api.example.com")"));
  EXPECT_THAT(err, HasSubstr(R"("excerpt":"https://api.example.com/v1/items")"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 3) << err;
}

TEST_F(ClientTest, MetadataIsDeniedEvenWhenTheHandlerAllowsAnything) {
  auto guard = MakeGuard(
      "version: 1\negress:\n  allow:\n    - {cidr: 169.254.0.0/16, ports: [80], schemes: [http]}\n"
      "  deny_private_addresses: false\n");
  ASSERT_NE(guard, nullptr);
  ::testing::internal::CaptureStderr();
  HttpResult r = guard->http().Get("http://169.254.169.254/latest/meta-data/");
  ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, HttpErrorKind::kDenied);
  EXPECT_EQ(r.error().rule, "metadata-endpoint");
}

TEST_F(ClientTest, UntrustedCertificateIsATlsError) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  // No ca_file: the system store does not know the test CA.
  const std::string p = std::to_string(server.port());
  auto guard = MakeGuard("version: 1\negress:\n  allow:\n    - {cidr: 127.0.0.1/32, ports: [" + p +
                         "]}\n");
  ASSERT_NE(guard, nullptr);
  ::testing::internal::CaptureStderr();
  HttpResult r = guard->http().Get(server.url("/hello"));
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, HttpErrorKind::kTls) << r.error().message;
  EXPECT_EQ(r.error().rule, "tls.certificate");
  EXPECT_EQ(server.requests(), 0u);
  EXPECT_THAT(err, HasSubstr(R"("kind":"tls","action":"block","detector":"tls","rule_id":"tls.certificate")"));
  EXPECT_THAT(err, HasSubstr(R"("host":"127.0.0.1")"));
}

TEST_F(ClientTest, TimeoutAndSizeLimitsHaveTheirKinds) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  auto guard = MakeGuard(Policy(server.port()));
  ASSERT_NE(guard, nullptr);
  HttpOptions quick;
  quick.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  HttpResult slow = guard->http().Get(server.url("/slow"), quick);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().kind, HttpErrorKind::kTimeout) << slow.error().message;
  EXPECT_EQ(slow.status().code(), StatusCode::kDeadlineExceeded);

  HttpOptions small;
  small.max_response_bytes = 1000;
  HttpResult big = guard->http().Get(server.url("/big"), small);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().kind, HttpErrorKind::kTooLarge) << big.error().message;
  HttpResult fits = guard->http().Get(server.url("/big"));
  ASSERT_TRUE(fits.ok()) << fits.error().message;
  EXPECT_EQ(fits->body.size(), size_t{1} << 20);
}

TEST_F(ClientTest, MalformedRequestsAreRefusedBeforeConnecting) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  auto guard = MakeGuard(Policy(server.port()));
  ASSERT_NE(guard, nullptr);
  const HttpClient& http = guard->http();
  HttpOptions crlf;
  crlf.headers = {{"X-Test", "a\r\nHost: evil.example"}};
  HttpOptions host;
  host.headers = {{"Host", "internal.example"}};
  HttpOptions bad_name;
  bad_name.headers = {{"X Test", "1"}};
  HttpOptions zero;
  zero.timeout = std::chrono::milliseconds(0);
  for (const HttpResult& r : {http.Get(server.url("/hello"), crlf), http.Get(server.url("/hello"), host),
                              http.Get(server.url("/hello"), bad_name), http.Get(server.url("/hello"), zero),
                              http.Request("GET", server.url("/hello"), "body"),
                              http.Request("get", server.url("/hello")),
                              http.Request("CONNECT", server.url("/hello"))}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, HttpErrorKind::kOther);
    EXPECT_THAT(r.error().message, HasSubstr("invalid request"));
  }
  EXPECT_EQ(server.requests(), 0u);
}

TEST_F(ClientTest, RedirectsAreDecidedPerHopAndCredentialsStayWithTheirOrigin) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  auto guard = MakeGuard(Policy(server.port(), "  follow_redirects: true\n"));
  ASSERT_NE(guard, nullptr);
  HttpOptions o;
  o.headers = {{"Authorization", "Bearer abc"}, {"X-Test", "1"}};
  const std::string same = server.url("/headers");
  const std::string other = "https://localhost:" + std::to_string(server.port()) + "/headers";
  HttpResult r = guard->http().Get(server.url("/redirect?to=" + same), o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->redirects, 1);
  EXPECT_EQ(r->body, "authorization=Bearer abc x-test=1");
  r = guard->http().Get(server.url("/redirect?to=" + other), o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->url, other);
  EXPECT_EQ(r->body, "authorization= x-test=1");

  ::testing::internal::CaptureStderr();
  r = guard->http().Get(server.url("/redirect?to=https://api.example.com/"));
  ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, HttpErrorKind::kDenied);
  EXPECT_EQ(r.error().url, "https://api.example.com/");
}

TEST_F(ClientTest, ReportModeSendsAndReports) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  // localhost is allowed by name; with no cidr its loopback address would
  // be denied: report mode connects anyway and reports it.
  const std::string p = std::to_string(server.port());
  auto guard = MakeGuard("version: 1\negress:\n  mode: report\n  allow:\n    - {host: localhost, ports: [" +
                         p + "]}\n  tls: {ca_file: " + certs_->ca() + "}\n");
  ASSERT_NE(guard, nullptr);
  ::testing::internal::CaptureStderr();
  HttpResult r = guard->http().Get("https://localhost:" + p + "/hello");
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "hello");
  EXPECT_THAT(err, HasSubstr(R"("kind":"egress","action":"monitor")"));
  EXPECT_THAT(err, HasSubstr("loopback"));
}

TEST_F(ClientTest, OffModeChecksNothingButStillVerifiesTls) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  auto guard = MakeGuard("version: 1\negress:\n  mode: off\n  tls: {ca_file: " + certs_->ca() + "}\n");
  ASSERT_NE(guard, nullptr);
  ::testing::internal::CaptureStderr();
  HttpResult r = guard->http().Get(server.url("/hello"));
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(err, "");
  auto untrusting = MakeGuard("version: 1\negress:\n  mode: off\n");
  ASSERT_NE(untrusting, nullptr);
  ::testing::internal::CaptureStderr();
  HttpResult bad = untrusting->http().Get(server.url("/hello"));
  ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, HttpErrorKind::kTls);
}

TEST_F(ClientTest, EventsFromAHandlerNameItsInvocation) {
  auto guard = MakeGuard(Policy(1));
  ASSERT_NE(guard, nullptr);
  InvocationInfo info;
  info.request_id = "req-7f3a";
  info.trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793";
  ::testing::internal::CaptureStderr();
  Invocation inv = guard->Invoke(R"({"ok":true})", [&](std::string_view) {
    HttpResult r = guard->http().Get("http://169.254.169.254/latest/meta-data/");
    return HandlerResult::Success(r.ok() ? "reached" : std::string(HttpErrorKindName(r.error().kind)));
  }, info);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(inv.result.payload, "denied");
  EXPECT_THAT(err, HasSubstr(R"("request_id":"req-7f3a")"));
  EXPECT_THAT(err, HasSubstr(R"("host":"169.254.169.254")"));
}

// Without libcurl (FNGUARD_LIBCURL names a file that is not there) the Guard
// still starts, and every request fails with kind `other`, naming libcurl,
// without a connection. Runs in a fresh process: libcurl is loaded once.
std::string ProblemsWithoutLibcurl(const std::string& policy, const std::string& url) {
  auto guard = Guard::FromString(policy, "client_test.yaml");
  if (!guard.ok()) return "the Guard did not start: " + guard.status().ToString();
  for (int i = 0; i < 2; ++i) {
    HttpResult r = (*guard)->http().Get(url);
    if (r.ok()) return "a request succeeded without libcurl";
    if (r.error().kind != HttpErrorKind::kOther) {
      return "kind " + std::string(HttpErrorKindName(r.error().kind)) + ": " + r.error().message;
    }
    if (!testing::NamesMissingLibcurl(r.error().message)) {
      return "unclear message: " + r.error().message;
    }
  }
  return "";
}

class ClientDeathTest : public ClientTest {};

TEST_F(ClientDeathTest, WithoutLibcurlRequestsFailWithKindOtherNamingIt) {
  TlsServer server(*certs_);
  ASSERT_TRUE(server.ok());
  const std::string policy = Policy(server.port());
  const std::string url = server.url("/hello");
  // The death test's child runs SetUpTestSuite() again and exits without
  // TearDownTestSuite(): it removes its own certificates.
  testing::ExpectNoProblemsWithoutLibcurl([&] {
    std::string problems = ProblemsWithoutLibcurl(policy, url);
    TearDownTestSuite();
    return problems;
  });
}

TEST(HttpErrorKindTest, Names) {
  EXPECT_EQ(HttpErrorKindName(HttpErrorKind::kDenied), "denied");
  EXPECT_EQ(HttpErrorKindName(HttpErrorKind::kTls), "tls");
  EXPECT_EQ(HttpErrorKindName(HttpErrorKind::kTimeout), "timeout");
  EXPECT_EQ(HttpErrorKindName(HttpErrorKind::kTooLarge), "too_large");
  EXPECT_EQ(HttpErrorKindName(HttpErrorKind::kOther), "other");
}

}  // namespace
}  // namespace fnguard
