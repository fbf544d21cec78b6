// fnguard/client.h: outbound HTTP(S) from the handler, under the egress policy.
//
// The Guard owns one HttpClient; handlers reach it with guard.http():
//
//   fnguard::HttpResult r = guard.http().Get("https://api.example.com/v1/items");
//   if (!r.ok()) {
//     // r.error().kind: kDenied (egress policy), kTls (verification failed),
//     // kTimeout, kTooLarge (body over max_response_bytes), kOther
//     return Fail(r.error().message);
//   }
//   if (r->status == 200) Use(r->body);
//
//   fnguard::HttpOptions o;
//   o.headers = {{"authorization", "Bearer " + token}};
//   o.timeout = std::chrono::seconds(3);
//   auto created = guard.http().Post("https://api.example.com/v1/items", R"({"n":1})", o);
//
// What every request goes through (docs/EGRESS.md has the details):
//   - the URL is parsed strictly and decided by the policy's egress allowlist
//     (hosts, wildcards, cidrs, ports, schemes, deny list);
//   - the host is resolved and every address checked (loopback, private,
//     link-local, metadata endpoints, ... are denied unless the policy lifts
//     them); the connection is pinned to a checked address and the address
//     actually connected to is checked again, on new and reused connections;
//   - TLS 1.2+ with peer and host-name verification, always: nothing here
//     can turn verification off. The CA bundle and public-key pins come from
//     the policy only;
//   - proxies from the environment are ignored; redirects are followed only
//     when the policy says so, each hop decided again.
// Every denial and TLS failure is reported as a security event (kind egress
// or tls) through the policy's reporting section, else as one JSON line on
// stderr. In egress mode `report` a request the policy would deny is sent
// and reported; in mode `off` no egress checks are made (TLS verification
// stays on).
//
// Connections are kept alive and reused between requests (and invocations)
// to the same scheme, host and port.
//
// Thread-safety: every method is const and may be called from many threads
// at once. Nothing throws; the results are values.
#ifndef FNGUARD_CLIENT_H_
#define FNGUARD_CLIENT_H_

#include <cassert>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fnguard/export.h"
#include "fnguard/status.h"

namespace fnguard {

class Guard;

// Per-request settings. There is deliberately no way to relax TLS here.
struct HttpOptions {
  // Request header fields, sent in this order. Names must be HTTP tokens,
  // values must not contain CR, LF or NUL. Host, Content-Length,
  // Transfer-Encoding, Connection, Upgrade, Expect, TE, Keep-Alive and
  // Proxy-* are set by the client and rejected here. A body without a
  // Content-Type header is sent as application/json. Authorization and
  // Cookie are not sent on to another origin when a redirect is followed.
  std::vector<std::pair<std::string, std::string>> headers;
  // Limit for establishing the connection (TCP and TLS).
  std::chrono::milliseconds connect_timeout{5000};
  // Limit for the whole request, redirects included.
  std::chrono::milliseconds timeout{30000};
  // The transfer is aborted with kTooLarge once the body grows beyond this.
  size_t max_response_bytes = size_t{10} << 20;
};

// A response: any HTTP status, 4xx and 5xx included (check `status`).
struct FNGUARD_API HttpResponse {
  int status = 0;
  // Header fields in arrival order (names as sent).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string url;    // the URL that answered (after redirects)
  int redirects = 0;  // redirects followed

  // The first value of header `name` (case-insensitive), or "" if absent.
  [[nodiscard]] std::string header(std::string_view name) const;
};

enum class HttpErrorKind {
  kDenied,    // the egress policy denied the URL, an address or a connection
  kTls,       // certificate, host name, pin or handshake failure
  kTimeout,   // connect_timeout or timeout reached
  kTooLarge,  // the response body (or its headers) exceeded the limit
  kOther,     // DNS failure, connection refused, invalid request, too many redirects, ...
};

// "denied", "tls", "timeout", "too_large", "other".
FNGUARD_API std::string_view HttpErrorKindName(HttpErrorKind kind);

struct HttpError {
  HttpErrorKind kind = HttpErrorKind::kOther;
  std::string message;  // one human sentence
  std::string url;      // the URL it is about (a redirect target, say)
  // kDenied: the policy rule that decided ("default-deny", "egress.deny[0]",
  // "egress.deny_private_addresses", "metadata-endpoint", "url", ...).
  // kTls: "tls.certificate", "tls.pin", "tls.handshake" or "tls.ca_file".
  std::string rule;
};

// A response, or the error that prevented one. Reads like StatusOr.
class HttpResult {
 public:
  HttpResult(HttpResponse response) : response_(std::move(response)) {}  // NOLINT: implicit
  HttpResult(HttpError error) : error_(std::move(error)) {}              // NOLINT: implicit

  // True when a response arrived (whatever its status code).
  [[nodiscard]] bool ok() const { return response_.has_value(); }

  const HttpResponse& value() const& { assert(ok()); return *response_; }
  HttpResponse& value() & { assert(ok()); return *response_; }
  HttpResponse&& value() && { assert(ok()); return std::move(*response_); }
  const HttpResponse& operator*() const& { return value(); }
  HttpResponse& operator*() & { return value(); }
  const HttpResponse* operator->() const { return &value(); }
  HttpResponse* operator->() { return &value(); }

  // Meaningful only when !ok().
  [[nodiscard]] const HttpError& error() const { return error_; }

  // OK, or the error as a Status: kDenied -> PERMISSION_DENIED, kTimeout ->
  // DEADLINE_EXCEEDED, kTooLarge -> RESOURCE_EXHAUSTED, kTls and kOther ->
  // UNAVAILABLE; the message names the kind.
  [[nodiscard]] Status status() const {
    if (ok()) return Status();
    StatusCode code = StatusCode::kUnavailable;
    switch (error_.kind) {
      case HttpErrorKind::kDenied: code = StatusCode::kPermissionDenied; break;
      case HttpErrorKind::kTimeout: code = StatusCode::kDeadlineExceeded; break;
      case HttpErrorKind::kTooLarge: code = StatusCode::kResourceExhausted; break;
      case HttpErrorKind::kTls:
      case HttpErrorKind::kOther: break;
    }
    return Status(code, std::string(HttpErrorKindName(error_.kind)) + ": " + error_.message);
  }

 private:
  std::optional<HttpResponse> response_;
  HttpError error_;
};

// The guarded client. Obtained from Guard::http(); lives as long as the Guard.
class FNGUARD_API HttpClient {
 public:
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  [[nodiscard]] HttpResult Get(std::string_view url, const HttpOptions& options = {}) const;
  [[nodiscard]] HttpResult Post(std::string_view url, std::string_view body,
                                const HttpOptions& options = {}) const;
  // Any method: an upper-case token such as "PUT", "PATCH", "DELETE",
  // "HEAD" or "OPTIONS" (CONNECT and TRACE are refused; GET and HEAD take no
  // body).
  [[nodiscard]] HttpResult Request(std::string_view method, std::string_view url,
                                   std::string_view body = {},
                                   const HttpOptions& options = {}) const;

  struct Impl;

 private:
  friend class Guard;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fnguard

#endif  // FNGUARD_CLIENT_H_
