// `fnguard collector`: a local OTLP/HTTP logs receiver that stores fnguard
// security events durably (see report_commands.h).
#include <google/protobuf/arena.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "runtime/report/gzip.h"
#include "wrappers/cli/report_commands.h"

namespace fnguard::cli {
namespace {

constexpr const char* kCollectorUsage =
    R"(usage: fnguard collector --listen ADDR:PORT --store PATH [--token T]

Receives OTLP/HTTP logs on POST /v1/logs (application/x-protobuf or
application/json, gzip or identity) and stores each record in the SQLite
store PATH, keyed by fnguard.event_id. Port 0 picks a free port; the address
actually bound is printed as "listening on ADDR:PORT". With --token, requests
must carry "Authorization: Bearer T". SIGTERM or SIGINT stops it cleanly.
)";

bool SplitHostPort(const std::string& listen, std::string* host, int* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= listen.size()) return false;
  *host = listen.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  std::string p = listen.substr(colon + 1);
  if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
  *port = std::stoi(p);
  return *port <= 65535;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// Where the pre-routing handler parks Content-Encoding (see below).
constexpr const char* kEncodingHeader = "X-Fnguard-Content-Encoding";

void Answer(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(message + "\n", "text/plain");
}

}  // namespace

int CollectorCommand(const Args& args) {
  ArgParser parser({"--listen", "--store", "--token"}, {"--help"});
  if (!parser.Parse(args)) {
    std::fprintf(stderr, "fnguard collector: %s\n%s", parser.error().c_str(), kCollectorUsage);
    return kExitBadInput;
  }
  if (parser.Has("--help")) {
    std::fputs(kCollectorUsage, stdout);
    return kExitOk;
  }
  auto listen = parser.Get("--listen");
  auto store_path = parser.Get("--store");
  std::string host;
  int port = 0;
  if (!listen.has_value() || !store_path.has_value() || store_path->empty() ||
      !SplitHostPort(*listen, &host, &port) || !parser.positionals().empty()) {
    std::fputs(kCollectorUsage, stderr);
    return kExitBadInput;
  }
  std::string token = parser.Get("--token").value_or("");

  auto opened = EventStore::Open(*store_path, /*create=*/true);
  if (!opened.ok()) {
    std::fprintf(stderr, "fnguard collector: %s\n", std::string(opened.status().message()).c_str());
    return kExitBadInput;
  }
  std::unique_ptr<EventStore> store = *std::move(opened);

  // Signals are taken synchronously by one thread; every other thread
  // (including the server's workers, created later) inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server server;
  server.set_payload_max_length(report::kMaxRequestBytes);
  // An idle kept-alive connection holds a worker until this timeout, and
  // SIGTERM waits for the workers: keep it short (senders reconnect).
  server.set_keep_alive_timeout(1);
  std::atomic<uint64_t> stored{0};

  // The HTTP layer would inflate a gzip body itself without checking that
  // the stream is complete (a body missing its CRC trailer, or a bare gzip
  // header, would pass). Moving the header aside before the body is read
  // hands the encoded bytes to GzipDecompress, which checks the trailer and
  // caps the inflated size. The request object is not const in the server;
  // only the callback's view of it is.
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    auto& headers = const_cast<httplib::Headers&>(req.headers);
    auto it = headers.find("Content-Encoding");
    if (it != headers.end()) {
      std::string value = it->second;
      headers.erase(it);
      headers.emplace(kEncodingHeader, std::move(value));
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server.Post("/v1/logs", [&](const httplib::Request& req, httplib::Response& res,
                              const httplib::ContentReader& content_reader) {
    if (!token.empty()) {
      std::string auth = req.get_header_value("Authorization");
      if (!ConstantTimeEquals(auth, "Bearer " + token)) {
        res.set_header("WWW-Authenticate", "Bearer");
        Answer(res, 401, "missing or wrong bearer token");
        return;
      }
    }
    std::string content_type = req.get_header_value("Content-Type");
    std::string encoding = req.get_header_value(kEncodingHeader);
    // Take the body in chunks and stop at the cap.
    std::string body;
    body.reserve(std::min<size_t>(report::kMaxRequestBytes, 1u << 20));
    bool too_large = false;
    bool read_ok = content_reader([&](const char* data, size_t length) {
      if (body.size() + length > report::kMaxRequestBytes) {
        too_large = true;
        return false;
      }
      body.append(data, length);
      return true;
    });
    if (too_large) {
      Answer(res, 413, "request body too large");
      return;
    }
    if (!read_ok) {
      Answer(res, 400, "unreadable request body");
      return;
    }
    if (absl::EqualsIgnoreCase(encoding, "gzip")) {
      auto inflated = report::GzipDecompress(body, report::kMaxRequestBytes);
      if (!inflated.ok()) {
        bool too_big = inflated.status().code() == absl::StatusCode::kResourceExhausted;
        Answer(res, too_big ? 413 : 400,
               too_big ? "request body too large once decompressed"
                       : "corrupt or truncated gzip body: " + std::string(inflated.status().message()));
        return;
      }
      body = std::move(*inflated);
      encoding.clear();
    }
    // The common case, a protobuf body: mapped straight from the wire
    // format. Anything unusual in it takes the message path below, which
    // maps every body the fast path takes to the same events.
    if ((encoding.empty() || encoding == "identity") && report::IsProtobufContentType(content_type)) {
      thread_local report::MappedEvents mapped;
      if (report::FastMapExportLogs(body, &mapped)) {
        auto inserted = store->Insert(mapped);
        mapped.Clear();
        if (!inserted.ok()) {
          std::fprintf(stderr, "fnguard collector: %s\n", std::string(inserted.status().message()).c_str());
          Answer(res, 503, "store unavailable");
          res.set_header("Retry-After", "1");
          return;
        }
        stored += static_cast<uint64_t>(*inserted);
        res.status = 200;
        res.set_content(std::string(), "application/x-protobuf");  // an empty ExportLogsServiceResponse
        return;
      }
    }
    // The request's thousands of small messages live on one arena: a few
    // large blocks instead of an allocation per string and per message.
    google::protobuf::ArenaOptions arena_options;
    arena_options.start_block_size = 64 << 10;
    arena_options.max_block_size = 1 << 20;
    google::protobuf::Arena arena(arena_options);
    auto* request = google::protobuf::Arena::CreateMessage<report::otlp_collector::ExportLogsServiceRequest>(&arena);
    report::DecodeError error;
    if (!report::DecodeExportLogsRequest(content_type, encoding, body, request, &error)) {
      Answer(res, error.http_status, error.message);
      return;
    }
    auto inserted = store->Insert(*request);
    if (!inserted.ok()) {
      std::fprintf(stderr, "fnguard collector: %s\n", std::string(inserted.status().message()).c_str());
      Answer(res, 503, "store unavailable");
      res.set_header("Retry-After", "1");
      return;
    }
    stored += static_cast<uint64_t>(*inserted);
    report::otlp_collector::ExportLogsServiceResponse answer;
    res.status = 200;
    if (content_type.find("json") != std::string::npos) {
      res.set_content("{}", "application/json");
    } else {
      res.set_content(answer.SerializeAsString(), "application/x-protobuf");
    }
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) res.set_content(std::to_string(res.status) + "\n", "text/plain");
  });

  int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    std::fprintf(stderr, "fnguard collector: cannot listen on %s\n", listen->c_str());
    return kExitBadInput;
  }
  std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::printf("listening on %s:%d\n", shown_host.c_str(), bound);
  std::fflush(stdout);

  std::atomic<bool> done{false};
  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (!done.load()) server.stop();
  });
  bool ok = server.listen_after_bind();
  done = true;
  pthread_kill(signal_waiter.native_handle(), SIGTERM);  // wakes sigwait if no signal came
  signal_waiter.join();
  std::fprintf(stderr, "fnguard collector: stopped after storing %llu events\n",
               static_cast<unsigned long long>(stored.load()));
  return ok ? kExitOk : kExitBadInput;
}

}  // namespace fnguard::cli
