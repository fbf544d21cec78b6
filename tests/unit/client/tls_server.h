// A real HTTPS server on 127.0.0.1 for the client tests: certificates made
// at run time with the openssl command (a CA, and a leaf for localhost and
// 127.0.0.1), served by cpp-httplib's SSLServer with keep-alive.
//
// Routes: GET /hello ("hello"), POST|PUT|PATCH|DELETE /echo (method,
// content-type and body echoed), GET /headers (the authorization and x-test
// request headers), GET /big (1 MiB), GET /slow (answers after 1 s),
// GET /redirect?to=URL (302 to URL). Every request records the client port,
// so distinct ports count connections.
#ifndef FNGUARD_TESTS_UNIT_CLIENT_TLS_SERVER_H_
#define FNGUARD_TESTS_UNIT_CLIENT_TLS_SERVER_H_

#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace fnguard::testing {

// A CA and a leaf it signed, in a temporary directory.
class TestCertificates {
 public:
  TestCertificates() {
    char tmpl[] = "/tmp/fnguard-client-certs-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return;
    dir_ = tmpl;
    const std::string d = dir_;
    const std::string script =
        "cd '" + d + "' && "
        "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' >ext && "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
        "-subj '/CN=fnguard client test CA' && "
        "openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj '/CN=localhost' && "
        "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile ext -out leaf.pem";
    ok_ = std::system(("( " + script + " ) >/dev/null 2>&1").c_str()) == 0;
  }
  ~TestCertificates() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  bool ok() const { return ok_; }
  std::string ca() const { return dir_ + "/ca.pem"; }
  std::string cert() const { return dir_ + "/leaf.pem"; }
  std::string key() const { return dir_ + "/leaf.key"; }

 private:
  std::string dir_;
  bool ok_ = false;
};

class TlsServer {
 public:
  // `keep_alive_max` requests per connection (1: the server closes every
  // connection after one response).
  TlsServer(const TestCertificates& certs, size_t keep_alive_max = 1000)
      : server_(certs.cert().c_str(), certs.key().c_str()) {
    if (!server_.is_valid()) return;
    server_.set_keep_alive_max_count(keep_alive_max);
    server_.set_keep_alive_timeout(30);
    server_.set_tcp_nodelay(true);
    server_.Get("/hello", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      res.set_content("hello", "text/plain");
    });
    auto echo = [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      res.set_content(req.method + " " + req.get_header_value("content-type") + " " + req.body,
                      "text/plain");
    };
    server_.Post("/echo", echo);
    server_.Put("/echo", echo);
    server_.Patch("/echo", echo);
    server_.Delete("/echo", echo);
    server_.Get("/headers", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      res.set_content("authorization=" + req.get_header_value("authorization") +
                          " x-test=" + req.get_header_value("x-test"),
                      "text/plain");
    });
    server_.Get("/big", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      res.set_content(std::string(size_t{1} << 20, 'x'), "application/octet-stream");
    });
    server_.Get("/slow", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      std::this_thread::sleep_for(std::chrono::seconds(1));
      res.set_content("late", "text/plain");
    });
    server_.Get("/redirect", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      res.set_redirect(req.get_param_value("to"), 302);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 200 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~TlsServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  bool ok() const { return port_ > 0 && server_.is_running(); }
  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Distinct client connections seen so far, and requests served.
  size_t connections() const {
    std::lock_guard<std::mutex> lock(mu_);
    return ports_.size();
  }
  size_t requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    ports_.insert(req.remote_port);
    ++requests_;
  }

  httplib::SSLServer server_;
  int port_ = -1;
  std::thread thread_;
  mutable std::mutex mu_;
  std::set<int> ports_;
  size_t requests_ = 0;
};

}  // namespace fnguard::testing

#endif  // FNGUARD_TESTS_UNIT_CLIENT_TLS_SERVER_H_
