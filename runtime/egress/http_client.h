// HttpClient: outbound HTTP(S) requests that enforce the policy's egress
// section. The engine under the handler-facing fnguard::HttpClient
// (fnguard/client.h) and `fnguard fetch`.
//
// Every request goes through these steps, and any failed step ends it
// before (or instead of) a connection:
//
//   1. The URL is parsed strictly (url.h) and decided by HostPolicy; a deny
//      means no connection is made.
//   2. The host is resolved here (getaddrinfo) and EVERY address is checked
//      with HostPolicy::CheckAddress; one denied address denies the request.
//   3. The transfer uses the same parsed libcurl URL handle that was decided
//      on (CURLOPT_CURLU) and is pinned to the first checked address
//      (CURLOPT_RESOLVE), so libcurl does no resolution of its own.
//   4. Every socket libcurl opens is checked again
//      (CURLOPT_OPENSOCKETFUNCTION): its address must be one of the addresses
//      checked for this request and still pass CheckAddress, which also
//      defeats DNS rebinding between steps 2 and 4.
//   5. TLS: peer and host verification always on, TLS 1.2 minimum (1.3 when
//      the policy says so), OpenSSL security level 2 (RSA/DH keys >= 2048
//      bits, no SHA-1 signatures) whatever the system configuration says, CA
//      bundle from the per-call option, else the policy's tls.ca_file, else
//      the system store; public-key pins from tls.pins. Only the scheme that
//      was decided on is enabled (https, or http when the policy allowed http
//      for that URL).
//   6. No proxy unless the policy names one (then every request goes through
//      it, and step 4 trusts the proxy's address, because the policy named
//      it). Redirects are not followed unless egress.follow_redirects; then
//      each Location is decided again from step 1, at most kMaxRedirects hops
//      (credentials are not sent to another origin).
//   7. Connect and total timeouts, and limits on the body and header sizes.
//
// Keep-alive: libcurl easy handles are pooled and reused, so a later request
// to the same scheme, host and port reuses the open connection (and TLS
// sessions are shared between handles). A reused connection is one that
// passed step 4 when it was opened, for the same host name and port; every
// NEW connection goes through steps 1-4 of the request that opens it.
//
//   absl::StatusOr<HttpClient> client = HttpClient::Create(policy->egress);
//   FetchResult r = client->Get("https://api.example.com/v1");
//   if (!r.ok() && r.error.category == FetchErrorCategory::kDenied) ...
//
// Notices: denials, TLS failures and (in report mode) requests that
// enforcement would have denied are passed to the NoticeSink given to
// Create(), which turns them into security events (egress_event.h).
//
// Errors are values; nothing throws. Thread-safe: Send() and Get() are const;
// each request borrows a pooled handle for its duration.
#ifndef FNGUARD_RUNTIME_EGRESS_HTTP_CLIENT_H_
#define FNGUARD_RUNTIME_EGRESS_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/policy.h"
#include "runtime/egress/host_policy.h"

namespace fnguard::libcurl {
struct Api;  // runtime/core/libcurl.h
}  // namespace fnguard::libcurl

namespace fnguard::egress {

inline constexpr int kMaxRedirects = 5;
inline constexpr size_t kDefaultMaxBodyBytes = size_t{10} << 20;  // 10 MiB
inline constexpr size_t kMaxResponseHeaders = 200;
inline constexpr size_t kMaxResponseHeaderBytes = size_t{64} << 10;
inline constexpr size_t kMaxRequestHeaders = 100;
inline constexpr size_t kMaxRequestHeaderBytes = size_t{64} << 10;
// Idle easy handles (each with its own connection cache) kept for reuse.
inline constexpr size_t kMaxPooledHandles = 16;

using Headers = std::vector<std::pair<std::string, std::string>>;

struct FetchOptions {
  // PEM CA bundle for this call; overrides the policy's tls.ca_file. Only
  // `fnguard fetch --cacert` sets it; the handler-facing client does not
  // expose it.
  std::string ca_file;
  std::chrono::milliseconds connect_timeout{5000};
  // For the whole request, redirects included.
  std::chrono::milliseconds total_timeout{30000};
  // The transfer is aborted (kTooLarge) once the body grows beyond this.
  size_t max_body_bytes = kDefaultMaxBodyBytes;
};

// One request. `method` is an upper-case HTTP token ("GET", "POST", ...);
// `body` is sent when not empty (not allowed with GET and HEAD); a body
// without a Content-Type header is sent as application/json. Header names
// must be HTTP tokens and values must not contain CR, LF or NUL; Host,
// Content-Length, Transfer-Encoding, Connection, Upgrade, Expect, TE and
// Proxy-* are set by the client only.
struct RequestSpec {
  std::string_view method = "GET";
  std::string_view url;
  std::string_view body;
  const Headers* headers = nullptr;  // optional, not owned
};

struct HttpResponse {
  long status = 0;  // HTTP status code of the final response
  // Header fields of the final response in arrival order (name as sent,
  // value without surrounding whitespace).
  Headers headers;
  std::string body;
  std::string url;    // the URL of the final response
  int redirects = 0;  // hops followed
};

enum class FetchErrorCategory {
  kDenied,    // the egress policy denied the URL or an address
  kTls,       // certificate, host name, pin or handshake failure
  kTimeout,   // the connect or total time limit was reached
  kTooLarge,  // the response body or headers exceeded their limit
  kOther,     // DNS, connection, bad request, too many redirects, ...
};

struct FetchError {
  FetchErrorCategory category = FetchErrorCategory::kOther;
  std::string message;  // human sentence
  std::string url;      // the URL the error is about (a redirect target, say)
  // kDenied: the deciding Decision (reason, rule). kTls: `rule` names the
  // failure ("tls.certificate", "tls.pin", "tls.handshake", "tls.ca_file")
  // and `reason` repeats the message.
  Decision decision;
};

// Either a response or an error.
struct FetchResult {
  std::optional<HttpResponse> response;
  FetchError error;  // meaningful only when !ok()
  bool ok() const { return response.has_value(); }
};

// "denied", "tls", "timeout", "too_large", "other".
std::string_view FetchErrorCategoryName(FetchErrorCategory category);

// Something worth a security event.
struct EgressNotice {
  enum class Type {
    kDenied,     // enforced: the request was denied (decision)
    kWouldDeny,  // report mode: allowed, but enforcement would deny (decision)
    kTls,        // TLS verification or the handshake failed (decision.rule)
  };
  Type type = Type::kDenied;
  std::string url;   // the URL as the caller (or a redirect) gave it
  std::string host;  // the host it names ("" when the URL did not parse)
  Decision decision;
};

// Called on the requesting thread; must not throw.
using NoticeSink = std::function<void(const EgressNotice&)>;

class HttpClient {
 public:
  // Compiles the egress section; InvalidArgument when HostPolicy rejects it.
  // `sink` (optional) receives the notices described above.
  static absl::StatusOr<HttpClient> Create(const policy::Egress& egress, NoticeSink sink = nullptr);

  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  // Sends `request` under the rules above.
  [[nodiscard]] FetchResult Send(const RequestSpec& request, const FetchOptions& options = {}) const;
  // GET `url`.
  [[nodiscard]] FetchResult Get(std::string_view url, const FetchOptions& options = {}) const;

  // Sockets opened (and checked) so far: the number of new connections made,
  // against which the number of requests shows connection reuse.
  [[nodiscard]] uint64_t connections_opened() const;

  const HostPolicy& host_policy() const { return host_policy_; }

 private:
  class HandlePool;
  struct Hop;

  HttpClient(HostPolicy host_policy, const policy::Egress& egress, NoticeSink sink);

  FetchResult SendChecked(const RequestSpec& request, const FetchOptions& options) const;
  // One request without redirect handling, through the loaded `curl`;
  // `deadline` bounds the transfer.
  FetchResult SendOnce(const libcurl::Api& curl, const Hop& hop, const FetchOptions& options,
                       std::chrono::steady_clock::time_point deadline,
                       std::string* redirect_url) const;
  void Notify(EgressNotice::Type type, std::string_view url, std::string_view host,
              const Decision& decision) const;

  HostPolicy host_policy_;
  policy::TlsSettings tls_;
  bool follow_redirects_ = false;
  std::string proxy_;
  NoticeSink sink_;
  std::unique_ptr<HandlePool> pool_;
};

}  // namespace fnguard::egress

#endif  // FNGUARD_RUNTIME_EGRESS_HTTP_CLIENT_H_
