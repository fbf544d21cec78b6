// fnguard/http.h: serve a protected HTTP function from a container.
//
// For functions that run as an HTTP server (Cloud Run, App Runner, Lambda
// container images behind the Web Adapter, Knative, ...). fnguard::http::Serve
// runs the server: each request is turned into an API Gateway HTTP API (v2)
// event, inspected with the guard, and passed to the handler as a plain
// Request unless the verdict blocks it; a blocked request gets the policy's
// block response (403 by default) and never reaches the handler.
//
//   int main() {
//     auto guard = fnguard::Guard::FromEnv();
//     if (!guard.ok()) return 1;
//     return fnguard::http::Serve(**guard, [](const fnguard::http::Request& req) {
//       return fnguard::http::Response{200, {{"content-type", "application/json"}}, "{}"};
//     });
//   }
//
// SIGTERM and SIGINT stop the server gracefully: it stops accepting, finishes
// the requests in flight, flushes security events (up to 2 s) and Serve()
// returns 0. A handler that throws gets a 500 response; the server goes on.
#ifndef FNGUARD_HTTP_H_
#define FNGUARD_HTTP_H_

#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fnguard/export.h"
#include "fnguard/guard.h"

namespace fnguard::http {

// One HTTP request, as received.
struct FNGUARD_API Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // the request path as sent, without the query string
  std::string query;   // the raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, in order
  std::string body;
  std::string remote_addr;  // the peer's address

  // The first value of header `name` (case-insensitive), or "" if absent.
  [[nodiscard]] std::string header(std::string_view name) const;
};

// The handler's answer.
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using RequestHandler = std::function<Response(const Request&)>;

// $PORT when it holds a valid port number, else 8080.
inline int DefaultPort() {
  const char* env = std::getenv("PORT");
  if (env == nullptr || *env == '\0') return 8080;
  char* end = nullptr;
  long port = std::strtol(env, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) return 8080;
  return static_cast<int>(port);
}

struct ServeOptions {
  std::string host = "0.0.0.0";
  int port = DefaultPort();                 // 0: an ephemeral port
  int worker_threads = 8;                   // requests handled concurrently
  size_t max_body_bytes = 6 * 1024 * 1024;  // larger bodies get 413
  int read_timeout_seconds = 30;
  int flush_timeout_ms = 2000;  // security event delivery at shutdown
  // Stop on SIGTERM/SIGINT (the previous handlers are restored on return).
  bool handle_signals = true;
  // Called once with the bound port, after "listening on HOST:PORT" is
  // printed to stderr and before the first request is accepted.
  std::function<void(int port)> on_listening;
};

// Runs the server until Shutdown() or a handled signal. Returns a process exit
// code: 0 after a graceful stop, 1 if the address could not be bound or
// another Serve() is already running in this process.
FNGUARD_API int Serve(const Guard& guard, const RequestHandler& handler,
                      const ServeOptions& options = {});

// Asks the running Serve() to stop gracefully; returns at once. Safe to call
// from any thread, and a no-op when nothing is serving.
FNGUARD_API void Shutdown();

}  // namespace fnguard::http

#endif  // FNGUARD_HTTP_H_
