// libfnguard_http.so: the cpp-httplib server behind fnguard::http::Serve.
//
// Loaded by libfnguard at the first Serve() (wrappers/http/plugin_loader.h),
// so only processes that serve load cpp-httplib and the OpenSSL it links.
// It runs the server and converts requests and replies; everything else is
// libfnguard's (wrappers/http/plugin_api.h).
#include <httplib.h>

#include <exception>
#include <string>
#include <string_view>

#include "wrappers/http/plugin_api.h"

namespace fnguard::http::plugin {
namespace {

// Headers cpp-httplib adds to every request for the connection's endpoints;
// they were not sent by the client.
constexpr std::string_view kConnectionPseudoHeaders[] = {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR",
                                                         "LOCAL_PORT"};

bool IsPseudoHeader(const std::string& name) {
  for (std::string_view p : kConnectionPseudoHeaders) {
    if (name == p) return true;
  }
  return false;
}

Request ToRequest(const httplib::Request& raw) {
  Request req;
  req.method = raw.method;
  std::string_view target = raw.target;
  size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  if (req.path.empty()) req.path = raw.path;
  for (const auto& [name, value] : raw.headers) {
    if (IsPseudoHeader(name)) continue;
    req.headers.emplace_back(name, value);
  }
  req.body = raw.body;
  req.remote_addr = raw.remote_addr;
  return req;
}

void Send(const Reply& reply, httplib::Response& res) {
  res.headers.clear();
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name.c_str(), value);
  res.set_content(reply.body, reply.content_type.c_str());
}

class HttplibServer final : public Server {
 public:
  HttplibServer(const ServerOptions& options, Host* host) {
    const size_t workers = options.worker_threads;
    server_.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    server_.set_payload_max_length(options.max_body_bytes);
    server_.set_read_timeout(options.read_timeout_seconds, 0);
    httplib::Server::Handler route = [host](const httplib::Request& raw, httplib::Response& res) {
      Reply reply;
      try {
        Request req = ToRequest(raw);
        host->Handle(req, raw.version, &reply);
      } catch (const std::exception& e) {
        reply = Reply();
        host->Fail(e.what(), &reply);
      } catch (...) {
        reply = Reply();
        host->Fail("a non-standard exception", &reply);
      }
      Send(reply, res);
    };
    const std::string kAnyPath = ".*";
    server_.Get(kAnyPath, route);
    server_.Post(kAnyPath, route);
    server_.Put(kAnyPath, route);
    server_.Patch(kAnyPath, route);
    server_.Delete(kAnyPath, route);
    server_.Options(kAnyPath, route);
  }

  int Bind(const std::string& host, int port) override {
    if (port == 0) {
      int bound = server_.bind_to_any_port(host);
      return bound > 0 ? bound : -1;
    }
    if (port < 0 || port > 65535) return -1;
    return server_.bind_to_port(host, port) ? port : -1;
  }
  bool Listen() override { return server_.listen_after_bind(); }
  bool IsRunning() const override { return server_.is_running(); }
  void Stop() override { server_.stop(); }

 private:
  httplib::Server server_;
};

Server* CreateServer(const ServerOptions& options, Host* host) {
  return new HttplibServer(options, host);
}

constexpr Api kApi{kVersion, &CreateServer};

}  // namespace
}  // namespace fnguard::http::plugin

extern "C" __attribute__((visibility("default"))) const fnguard::http::plugin::Api*
fnguard_http_plugin(int version) {
  if (version != fnguard::http::plugin::kVersion) return nullptr;
  return &fnguard::http::plugin::kApi;
}
