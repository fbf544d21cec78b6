// The interface between libfnguard and its HTTP server plugin.
//
// fnguard::http::Serve needs an HTTP server, and cpp-httplib (as Debian
// builds it) brings OpenSSL, brotli and zlib with it. libfnguard.so does not
// link it: the server lives in a separate module, libfnguard_http.so
// (wrappers/http/plugin/), which Serve() loads at its first call
// (wrappers/http/plugin_loader.h). A process that never serves (every Lambda
// function) never maps cpp-httplib or OpenSSL.
//
// The split: the plugin only runs the server and converts between its
// request/response types and fnguard's; inspection, blocking, the event,
// error bodies, logging, signals and the stop pipe stay in libfnguard, which
// the plugin calls back through Host. Both sides come from one build, so the
// interface uses C++ types; kVersion guards against a plugin from another
// build.
//
// The plugin exports one C symbol, kEntryPoint:
//   extern "C" const fnguard::http::plugin::Api* fnguard_http_plugin(int version);
// It returns nullptr when `version` is not the kVersion it was built with.
//
// Internal: not installed, and libfnguard's public headers never include it.
#ifndef FNGUARD_WRAPPERS_HTTP_PLUGIN_API_H_
#define FNGUARD_WRAPPERS_HTTP_PLUGIN_API_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "fnguard/http.h"

namespace fnguard::http::plugin {

// Bumped whenever anything in this header changes.
inline constexpr int kVersion = 1;
inline constexpr const char* kEntryPoint = "fnguard_http_plugin";
// The module's file name: installed next to libfnguard.so.
inline constexpr const char* kFileName = "libfnguard_http.so";

// What goes back to the client for one request.
struct Reply {
  int status = 200;
  // Sent as given, in order; never Content-Type or Content-Length.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;
};

// libfnguard's side, called on the server's worker threads (concurrently).
class Host {
 public:
  // Inspects `request` (received over HTTP version `protocol`, e.g.
  // "HTTP/1.1"), runs the handler unless the verdict blocks it, and fills
  // `reply`. Never throws.
  virtual void Handle(const Request& request, const std::string& protocol,
                      Reply* reply) noexcept = 0;
  // The request could not be converted (`what` says why): logs it and fills
  // `reply` with a 500. Never throws.
  virtual void Fail(const char* what, Reply* reply) noexcept = 0;

 protected:
  ~Host() = default;
};

// Taken as given: Serve() has already applied ServeOptions' defaults (at
// least one worker, a positive read timeout).
struct ServerOptions {
  size_t worker_threads = 1;
  size_t max_body_bytes = 0;
  int read_timeout_seconds = 30;
};

// One HTTP server (the plugin's side). Bind, then Listen on one thread;
// IsRunning and Stop from any other.
class Server {
 public:
  virtual ~Server() = default;
  // Binds `host`:`port` (port 0: an ephemeral port). The bound port, or -1.
  virtual int Bind(const std::string& host, int port) = 0;
  // Serves until Stop(), then lets the requests in flight finish. False when
  // the listener failed.
  virtual bool Listen() = 0;
  virtual bool IsRunning() const = 0;
  virtual void Stop() = 0;
};

// The plugin's entry points.
struct Api {
  int version = 0;  // kVersion of the plugin's build
  // A new server that routes every request of every method to `host`, which
  // must outlive it. Deleted by the caller (virtual destructor).
  Server* (*create_server)(const ServerOptions& options, Host* host) = nullptr;
};

using EntryPointFn = const Api* (*)(int version);

}  // namespace fnguard::http::plugin

#endif  // FNGUARD_WRAPPERS_HTTP_PLUGIN_API_H_
