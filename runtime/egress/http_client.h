// HttpClient: outbound HTTPS GET that enforces the policy's egress section.
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
//   4. The socket libcurl opens is checked again (CURLOPT_OPENSOCKETFUNCTION):
//      its address must be one of the checked addresses and still pass
//      CheckAddress, which also defeats DNS rebinding between steps 2 and 4.
//   5. TLS: peer and host verification always on, TLS 1.2 minimum (1.3 when
//      the policy says so), CA bundle from the per-call option, else the
//      policy's tls.ca_file, else the system store; public-key pins from
//      tls.pins. Only the scheme that was decided on is enabled (https, or
//      http when the policy allowed http for that URL).
//   6. No proxy unless the policy names one (then every request goes through
//      it, and step 4 trusts the proxy's address, because the policy named
//      it). Redirects are not followed unless egress.follow_redirects; then
//      each Location is decided again from step 1, at most kMaxRedirects hops.
//   7. Connect and total timeouts, and a limit on the body size.
//
//   absl::StatusOr<HttpClient> client = HttpClient::Create(policy->egress);
//   FetchResult r = client->Get("https://api.example.com/v1");
//   if (!r.ok() && r.error.category == FetchErrorCategory::kDenied) ...
//
// Errors are values; nothing throws. Thread-safe: Get() is const and uses
// one libcurl easy handle per hop.
#ifndef FNGUARD_RUNTIME_EGRESS_HTTP_CLIENT_H_
#define FNGUARD_RUNTIME_EGRESS_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/policy.h"
#include "runtime/egress/host_policy.h"

namespace fnguard::egress {

inline constexpr int kMaxRedirects = 5;
inline constexpr size_t kDefaultMaxBodyBytes = size_t{10} << 20;  // 10 MiB
inline constexpr size_t kMaxResponseHeaders = 200;
inline constexpr size_t kMaxResponseHeaderBytes = size_t{64} << 10;

struct FetchOptions {
  // PEM CA bundle for this call; overrides the policy's tls.ca_file.
  std::string ca_file;
  std::chrono::milliseconds connect_timeout{5000};
  // For the whole request, redirects included.
  std::chrono::milliseconds total_timeout{30000};
  // The transfer is aborted (kOther) once the body grows beyond this.
  size_t max_body_bytes = kDefaultMaxBodyBytes;
};

struct HttpResponse {
  long status = 0;  // HTTP status code of the final response
  // Header fields of the final response in arrival order (name as sent,
  // value without surrounding whitespace).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string url;    // the URL of the final response
  int redirects = 0;  // hops followed
};

enum class FetchErrorCategory {
  kDenied,  // the egress policy denied the URL or an address
  kTls,     // certificate, host name, pin or handshake failure
  kOther,   // DNS, connection, timeout, body too large, too many redirects, ...
};

struct FetchError {
  FetchErrorCategory category = FetchErrorCategory::kOther;
  std::string message;  // human sentence
  std::string url;      // the URL the error is about (a redirect target, say)
  Decision decision;    // kDenied: the deciding Decision (reason, rule)
};

// Either a response or an error.
struct FetchResult {
  std::optional<HttpResponse> response;
  FetchError error;  // meaningful only when !ok()
  bool ok() const { return response.has_value(); }
};

// "denied", "tls", "other".
std::string_view FetchErrorCategoryName(FetchErrorCategory category);

class HttpClient {
 public:
  // Compiles the egress section; InvalidArgument when HostPolicy rejects it.
  static absl::StatusOr<HttpClient> Create(const policy::Egress& egress);

  // GET `url` under the rules above.
  [[nodiscard]] FetchResult Get(std::string_view url, const FetchOptions& options = {}) const;

 private:
  HttpClient(HostPolicy host_policy, const policy::Egress& egress);

  // One request without redirect handling; `deadline` bounds the transfer.
  FetchResult GetOnce(std::string_view url, const FetchOptions& options,
                      std::chrono::steady_clock::time_point deadline,
                      std::string* redirect_url) const;

  HostPolicy host_policy_;
  policy::TlsSettings tls_;
  bool follow_redirects_ = false;
  std::string proxy_;
};

}  // namespace fnguard::egress

#endif  // FNGUARD_RUNTIME_EGRESS_HTTP_CLIENT_H_
