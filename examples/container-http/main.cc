// container-http: a tiny JSON API served from a container, protected by fnguard.
//
//   GET  /healthz           {"ok":true}
//   GET  /greet?name=Ada    {"message":"hello, Ada"}
//   POST /notes             {"stored_bytes":N}   (the body is a JSON note)
//
// fnguard::http::Serve listens on $PORT (8080 when unset), turns each request
// into an API Gateway HTTP API event, and inspects it before the handler runs:
// in block mode an attack gets the policy's 403 and never reaches the code
// below. SIGTERM stops it gracefully (in-flight requests finish, security
// events are flushed).
//
// Build: the `container_http_example` target. Run:
//   export FNGUARD_POLICY=examples/container-http/policy.yaml PORT=8080
//   build/examples/container-http/container_http_example
//   curl 'localhost:8080/greet?name=Ada'
//
// It depends on nothing but fnguard's public API.
#include <fnguard/fnguard.h>
#include <fnguard/http.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace {

constexpr size_t kMaxNameBytes = 64;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string DecodeQueryComponent(std::string_view s) {
  std::string out;
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

// The decoded value of query parameter `name`, or "" when absent.
std::string QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? "" : DecodeQueryComponent(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return "";
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

fnguard::http::Response Json(int status, std::string body) {
  return {status, {{"content-type", "application/json"}}, std::move(body)};
}

fnguard::http::Response HandleRequest(const fnguard::http::Request& req) {
  if (req.method == "GET" && req.path == "/healthz") return Json(200, R"({"ok":true})");
  if (req.method == "GET" && req.path == "/greet") {
    std::string name = QueryParam(req.query, "name");
    if (name.empty()) name = "world";
    if (name.size() > kMaxNameBytes) name.resize(kMaxNameBytes);
    return Json(200, "{\"message\":" + JsonQuote("hello, " + name) + "}");
  }
  if (req.method == "POST" && req.path == "/notes") {
    if (req.body.empty() || req.body.front() != '{') {
      return Json(400, R"({"message":"expected a JSON object"})");
    }
    return Json(201, "{\"stored_bytes\":" + std::to_string(req.body.size()) + "}");
  }
  return Json(404, R"({"message":"not found"})");
}

}  // namespace

int main() {
  auto guard = fnguard::Guard::FromEnv();
  if (!guard.ok()) {
    std::fprintf(stderr, "container-http: %s\n", guard.status().ToString().c_str());
    return 1;
  }
  return fnguard::http::Serve(**guard, HandleRequest);
}
