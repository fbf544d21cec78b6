// outbound: a Lambda function that calls other services through fnguard.
//
// On every invocation the handler makes two outbound requests through
// guard.http(), the client held to the policy's egress allowlist:
//
//   1. its API (OUTBOUND_API_URL, default https://api.example.com/v1/items),
//      which the policy allows: the request is made over verified TLS;
//   2. the EC2/ECS instance metadata credentials endpoint, what a
//      compromised dependency or an SSRF bug would reach for: denied before
//      any connection is made, and reported as a security event.
//
// It answers with what happened to each:
//   {"allowed":{"url":...,"ok":true,"status":200,"bytes":N},
//    "denied":{"url":...,"ok":false,"error":"denied","rule":"default-deny","message":...}}
//
// (an IP literal must be on the allowlist; were 169.254.0.0/16 allowed, the
// metadata address would still be denied, with rule "metadata-endpoint").
//
// Build: the `outbound_bootstrap` target produces examples/outbound/bootstrap.
// Run locally:
//   fnguard local --function build/examples/outbound/bootstrap
//                 --policy examples/outbound/policy.yaml examples/outbound/events/invoke.json
#include <fnguard/fnguard.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

constexpr const char* kDefaultApiUrl = "https://api.example.com/v1/items";
constexpr const char* kMetadataUrl =
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/";

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

// What happened to one request, as a JSON object.
std::string Outcome(const std::string& url, const fnguard::HttpResult& r) {
  std::string out = "{\"url\":" + JsonQuote(url);
  if (r.ok()) {
    out += ",\"ok\":true,\"status\":" + std::to_string(r->status) +
           ",\"bytes\":" + std::to_string(r->body.size());
  } else {
    out += ",\"ok\":false,\"error\":" + JsonQuote(fnguard::HttpErrorKindName(r.error().kind));
    if (!r.error().rule.empty()) out += ",\"rule\":" + JsonQuote(r.error().rule);
    out += ",\"message\":" + JsonQuote(r.error().message);
  }
  return out + "}";
}

std::string ApiUrl() {
  const char* v = std::getenv("OUTBOUND_API_URL");
  return v != nullptr && *v != '\0' ? std::string(v) : std::string(kDefaultApiUrl);
}

}  // namespace

int main() {
  auto guard = fnguard::Guard::FromEnv();
  if (!guard.ok()) return fnguard::lambda::ReportInitError(guard.status());
  const fnguard::Guard& g = **guard;
  const std::string api_url = ApiUrl();

  return fnguard::lambda::Run(g, [&](const fnguard::lambda::Request& request) {
    fnguard::HttpOptions options;
    options.headers = {{"accept", "application/json"}};
    // Never wait longer than the invocation has left (less a margin to answer).
    const auto left = request.get_time_remaining() - std::chrono::milliseconds(200);
    if (left > std::chrono::milliseconds(0) && left < options.timeout) {
      options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(left);
    }

    fnguard::HttpResult allowed = g.http().Get(api_url, options);
    fnguard::HttpResult denied = g.http().Get(kMetadataUrl, options);

    const std::string body = "{\"allowed\":" + Outcome(api_url, allowed) +
                             ",\"denied\":" + Outcome(kMetadataUrl, denied) + "}";
    return fnguard::lambda::Response::Success(
        "{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"},\"body\":" +
        JsonQuote(body) + "}");
  });
}
