// fnguard::http::Serve: an HTTP server that turns every request into an API
// Gateway HTTP API (v2) event, inspects it with the guard, and calls the
// handler with the plain request unless the verdict blocks it.
//
// The server itself (cpp-httplib) runs in the plugin libfnguard_http.so,
// loaded at the first Serve() (wrappers/http/plugin_loader.h), so that
// libfnguard.so does not link cpp-httplib and OpenSSL; the plugin calls back
// into ServeHost below for every request.
//
// Stopping: SIGTERM/SIGINT (when handled) and Shutdown() write one byte to a
// pipe; a watcher thread reads it and stops the listener. The server then
// lets the worker pool finish the requests in flight before Listen returns.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <simdjson.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "fnguard/http.h"
#include "runtime/core/json.h"
#include "runtime/event/text_codecs.h"
#include "wrappers/http/plugin_api.h"
#include "wrappers/http/plugin_loader.h"

namespace fnguard::http {
namespace {

constexpr size_t kMaxLoggedErrorBytes = 512;
constexpr char kStopByte = 's';
constexpr char kQuitByte = 'q';

// The write end of the running server's stop pipe, -1 when nothing serves.
// Read by the signal handler, so it is a lock-free atomic.
std::atomic<int> g_stop_fd{-1};
std::mutex g_serve_mu;  // one Serve() at a time

void LogLine(const std::string& line) {
  std::fprintf(stderr, "fnguard: %s\n", line.c_str());
  std::fflush(stderr);
}

void WriteStopByte(char byte) {
  int fd = g_stop_fd.load();
  if (fd < 0) return;
  ssize_t n = write(fd, &byte, 1);
  (void)n;  // a full pipe already holds a pending stop
}

extern "C" void OnStopSignal(int) {
  int saved_errno = errno;
  WriteStopByte(kStopByte);
  errno = saved_errno;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
        absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The pieces of `s` between `sep` characters (empty pieces included).
std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

// Strict UTF-8 validation (no overlongs, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      unsigned char ck = static_cast<unsigned char>(s[i + k]);
      if (ck < 0x80 || ck > 0xbf) return false;
    }
    i += len;
  }
  return true;
}


int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes and '+' (a query-string space); malformed escapes stay.
std::string DecodeQueryComponent(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Name -> comma-joined values, in order of first appearance.
class JoinedValues {
 public:
  void Add(std::string name, std::string_view value) {
    auto [it, inserted] = index_.try_emplace(name, entries_.size());
    if (inserted) {
      entries_.emplace_back(std::move(name), std::string(value));
    } else {
      entries_[it->second].second.append(",").append(value);
    }
  }
  bool empty() const { return entries_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  absl::flat_hash_map<std::string, size_t> index_;
  std::vector<std::pair<std::string, std::string>> entries_;
};

std::string NewRequestId() {
  static std::atomic<uint64_t> counter{0};
  uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return absl::StrCat(absl::Hex(std::chrono::duration_cast<std::chrono::microseconds>(now).count(),
                                absl::kZeroPad12),
                      "-", absl::Hex(static_cast<uint32_t>(getpid()), absl::kZeroPad8), "-",
                      absl::Hex(n, absl::kZeroPad8));
}

// The request as an API Gateway HTTP API (payload format 2.0) event.
std::string BuildEvent(const Request& req, const std::string& protocol,
                       const std::string& request_id) {
  JoinedValues headers;
  std::vector<std::string> cookies;
  std::string host, user_agent;
  for (const auto& [name, value] : req.headers) {
    std::string lower = absl::AsciiStrToLower(name);
    if (lower == "cookie") {
      for (std::string_view part : SplitOn(value, ';')) {
        part = TrimSpaces(part);
        if (!part.empty()) cookies.emplace_back(part);
      }
      continue;
    }
    if (lower == "host" && host.empty()) host = value;
    if (lower == "user-agent" && user_agent.empty()) user_agent = value;
    headers.Add(std::move(lower), value);
  }
  JoinedValues query_params;
  if (!req.query.empty()) {
    for (std::string_view pair : SplitOn(req.query, '&')) {
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      std::string_view name = pair.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
      query_params.Add(DecodeQueryComponent(name), DecodeQueryComponent(value));
    }
  }

  json::Writer w;
  w.BeginObject();
  w.Field("version", "2.0");
  w.Field("routeKey", "$default");
  w.Field("rawPath", req.path);
  w.Field("rawQueryString", req.query);
  if (!cookies.empty()) {
    w.Key("cookies").BeginArray();
    for (const std::string& c : cookies) w.String(c);
    w.EndArray();
  }
  w.Key("headers").BeginObject();
  for (const auto& [name, value] : headers.entries()) w.Field(name, value);
  w.EndObject();
  if (!query_params.empty()) {
    w.Key("queryStringParameters").BeginObject();
    for (const auto& [name, value] : query_params.entries()) w.Field(name, value);
    w.EndObject();
  }
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  w.Key("requestContext").BeginObject();
  w.Field("domainName", host);
  w.Key("http").BeginObject();
  w.Field("method", req.method);
  w.Field("path", req.path);
  w.Field("protocol", protocol);
  w.Field("sourceIp", req.remote_addr);
  w.Field("userAgent", user_agent);
  w.EndObject();
  w.Field("requestId", request_id);
  w.Field("routeKey", "$default");
  w.Field("stage", "$default");
  w.Field("timeEpoch", static_cast<int64_t>(now_ms));
  w.EndObject();
  bool binary = !IsValidUtf8(req.body);
  if (!req.body.empty()) w.Field("body", binary ? event::Base64Encode(req.body) : req.body);
  w.Field("isBase64Encoded", binary);
  w.EndObject();
  return w.Take();
}

void WriteResponse(const Response& response, plugin::Reply& res) {
  res.status = response.status;
  res.headers.clear();
  res.content_type = "text/plain; charset=utf-8";
  for (const auto& [name, value] : response.headers) {
    if (EqualsIgnoreCase(name, "content-type")) {
      res.content_type = value;
    } else if (!EqualsIgnoreCase(name, "content-length")) {
      res.headers.emplace_back(name, value);
    }
  }
  res.body = response.body;
}

void WriteJsonError(int status, std::string_view message, plugin::Reply& res) {
  res.headers.clear();
  res.status = status;
  json::Writer w;
  w.BeginObject().Field("message", message).EndObject();
  res.body = w.Take();
  res.content_type = "application/json";
}

// A request that failed inside fnguard (not in the handler): logged, and
// answered with a 500 (an empty one when even that cannot be built).
void FailRequest(std::string_view what, plugin::Reply& res) noexcept {
  try {
    LogLine("request failed: " + std::string(what.substr(0, kMaxLoggedErrorBytes)));
    WriteJsonError(500, "Internal Server Error", res);
  } catch (...) {
    res.status = 500;
  }
}

// The policy's block response: Guard::BlockedResult renders it as an HTTP
// response document ({"statusCode":..,"headers":{..},"body":".."}).
void WriteBlocked(const HandlerResult& blocked, plugin::Reply& res) {
  if (!blocked.success) {
    WriteJsonError(403, "Forbidden", res);
    return;
  }
  simdjson::dom::parser parser;
  simdjson::padded_string padded(blocked.payload);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc)) {
    WriteJsonError(403, "Forbidden", res);
    return;
  }
  Response response;
  response.status = 403;
  int64_t status = 0;
  if (!doc["statusCode"].get(status) && status >= 100 && status <= 599) {
    response.status = static_cast<int>(status);
  }
  simdjson::dom::object headers;
  if (!doc["headers"].get(headers)) {
    for (auto [key, value] : headers) {
      std::string_view v;
      if (!value.get(v)) response.headers.emplace_back(std::string(key), std::string(v));
    }
  }
  std::string_view body;
  if (!doc["body"].get(body)) response.body = std::string(body);
  WriteResponse(response, res);
}

std::string TraceIdOf(const Request& req) {
  std::string trace = req.header("x-amzn-trace-id");
  return trace.empty() ? req.header("traceparent") : trace;
}

void HandleRequest(const Guard& guard, const RequestHandler& handler, const Request& req,
                   const std::string& protocol, plugin::Reply& res) {
  try {
    InvocationInfo info;
    info.request_id = NewRequestId();
    info.trace_id = TraceIdOf(req);
    std::string event = BuildEvent(req, protocol, info.request_id);
    std::optional<Response> handler_response;
    Handler adapter = [&](std::string_view) -> HandlerResult {
      handler_response.emplace(handler(req));
      return HandlerResult::Success("");
    };
    Invocation inv = guard.Invoke(event, adapter, info);
    if (!inv.handler_called) {
      WriteBlocked(inv.result, res);
    } else if (inv.handler_threw || !handler_response.has_value()) {
      LogLine(absl::StrCat("handler failed for ", req.method, " ", req.path.substr(0, 200), " (",
                           info.request_id,
                           "): ", inv.result.error_message.substr(0, kMaxLoggedErrorBytes)));
      WriteJsonError(500, "Internal Server Error", res);
    } else if (handler_response->status < 100 || handler_response->status > 599) {
      LogLine(absl::StrCat("handler returned an invalid HTTP status ", handler_response->status,
                           " for ", req.method, " ", req.path.substr(0, 200)));
      WriteJsonError(500, "Internal Server Error", res);
    } else {
      WriteResponse(*handler_response, res);
    }
  } catch (const std::exception& e) {
    FailRequest(e.what(), res);
  } catch (...) {
    FailRequest("a non-standard exception", res);
  }
}

// libfnguard's side of the plugin's server: every request comes here.
class ServeHost final : public plugin::Host {
 public:
  ServeHost(const Guard& guard, const RequestHandler& handler) : guard_(guard), handler_(handler) {}

  void Handle(const Request& request, const std::string& protocol,
              plugin::Reply* reply) noexcept override {
    HandleRequest(guard_, handler_, request, protocol, *reply);
  }

  void Fail(const char* what, plugin::Reply* reply) noexcept override {
    FailRequest(what != nullptr ? what : "", *reply);
  }

 private:
  const Guard& guard_;
  const RequestHandler& handler_;
};

// SIGTERM/SIGINT handlers for the duration of one Serve().
class ScopedStopSignals {
 public:
  explicit ScopedStopSignals(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
    struct sigaction action = {};
    action.sa_handler = OnStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, &old_term_);
    sigaction(SIGINT, &action, &old_int_);
  }
  ~ScopedStopSignals() {
    if (!enabled_) return;
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGINT, &old_int_, nullptr);
  }
  ScopedStopSignals(const ScopedStopSignals&) = delete;
  ScopedStopSignals& operator=(const ScopedStopSignals&) = delete;

 private:
  bool enabled_;
  struct sigaction old_term_ = {};
  struct sigaction old_int_ = {};
};

}  // namespace

std::string Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

int Serve(const Guard& guard, const RequestHandler& handler, const ServeOptions& options) {
  std::unique_lock<std::mutex> serving(g_serve_mu, std::try_to_lock);
  if (!serving.owns_lock()) {
    LogLine("fnguard::http::Serve is already running in this process");
    return 1;
  }
  if (!handler) {
    LogLine("no handler was given to fnguard::http::Serve");
    return 1;
  }
  const plugin::Api* server_plugin = plugin::Get();
  if (server_plugin == nullptr) {
    LogLine(plugin::LoadError());
    return 1;
  }
  // The stop pipe lives as long as the process, so a signal that arrives
  // while Serve() returns never writes to a closed (or reused) descriptor.
  static int stop_pipe[2] = {-1, -1};
  if (stop_pipe[0] < 0) {
    if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
      stop_pipe[0] = stop_pipe[1] = -1;
      LogLine(absl::StrCat("could not create the stop pipe: errno ", errno));
      return 1;
    }
  }
  // Forget stop requests left over from an earlier run.
  char stale[64];
  while (read(stop_pipe[0], stale, sizeof(stale)) > 0) continue;

  ServeHost host(guard, handler);
  plugin::ServerOptions server_options;
  server_options.worker_threads =
      static_cast<size_t>(options.worker_threads > 0 ? options.worker_threads : 1);
  server_options.max_body_bytes = options.max_body_bytes;
  server_options.read_timeout_seconds =
      options.read_timeout_seconds > 0 ? options.read_timeout_seconds : 30;
  std::unique_ptr<plugin::Server> server;
  try {
    server.reset(server_plugin->create_server(server_options, &host));
  } catch (const std::exception& e) {
    LogLine(absl::StrCat("could not create the HTTP server: ", e.what()));
    return 1;
  }
  if (server == nullptr) {
    LogLine("could not create the HTTP server");
    return 1;
  }

  int port = server->Bind(options.host, options.port);
  if (port <= 0) {
    LogLine(absl::StrCat("could not listen on ", options.host, ":", options.port));
    return 1;
  }

  int exit_code = 0;
  {
    g_stop_fd.store(stop_pipe[1]);
    ScopedStopSignals signals(options.handle_signals);
    std::atomic<bool> listen_done{false};
    std::thread watcher([&server = *server, &listen_done, read_fd = stop_pipe[0]] {
      char byte = 0;
      while (true) {
        pollfd readable{read_fd, POLLIN, 0};
        if (poll(&readable, 1, -1) < 0 && errno != EINTR) return;
        ssize_t n = read(read_fd, &byte, 1);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0 || byte == kQuitByte) return;
        break;
      }
      // The listener may not have started yet: stop() only acts on a running one.
      while (!listen_done.load()) {
        if (server.IsRunning()) {
          server.Stop();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });

    std::fprintf(stderr, "listening on %s:%d\n", options.host.c_str(), port);
    std::fflush(stderr);
    if (options.on_listening) {
      try {
        options.on_listening(port);
      } catch (...) {
        LogLine("the on_listening callback threw; serving anyway");
      }
    }
    if (!server->Listen()) exit_code = 1;
    listen_done.store(true);
    g_stop_fd.store(-1);
    char quit = kQuitByte;
    ssize_t n = write(stop_pipe[1], &quit, 1);
    (void)n;
    watcher.join();
  }
  guard.Flush(options.flush_timeout_ms);
  return exit_code;
}

void Shutdown() { WriteStopByte(kStopByte); }

}  // namespace fnguard::http
