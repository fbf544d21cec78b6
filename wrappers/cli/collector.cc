// `fnguard collector`: a local OTLP/HTTP logs receiver that stores fnguard
// security events durably (see report_commands.h).
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

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
  std::atomic<uint64_t> stored{0};

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
    std::string encoding = req.get_header_value("Content-Encoding");
    // The HTTP layer inflates gzip bodies while reading; take the body in
    // chunks and stop at the cap so a small compressed body cannot inflate
    // into unbounded memory.
    std::string body;
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
    // The HTTP layer inflates gzip bodies itself; a body that no longer
    // starts with the gzip magic was already decoded (neither protobuf nor
    // JSON can start with 0x1f 0x8b).
    if (!encoding.empty() && (body.size() < 2 || static_cast<unsigned char>(body[0]) != 0x1f ||
                              static_cast<unsigned char>(body[1]) != 0x8b)) {
      if (encoding == "gzip" || encoding == "deflate" || encoding == "br") encoding.clear();
    }
    report::otlp_collector::ExportLogsServiceRequest request;
    report::DecodeError error;
    if (!report::DecodeExportLogsRequest(content_type, encoding, body, &request, &error)) {
      Answer(res, error.http_status, error.message);
      return;
    }
    auto inserted = store->Insert(request);
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
