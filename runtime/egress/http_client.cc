#include "runtime/egress/http_client.h"

#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "policy/text.h"
#include "runtime/egress/url.h"

namespace fnguard::egress {
namespace {

using policy::IpAddress;

constexpr size_t kMaxCheckedAddresses = 32;

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

FetchResult Fail(FetchErrorCategory category, std::string message, std::string_view url) {
  FetchResult r;
  r.error.category = category;
  r.error.message = std::move(message);
  r.error.url = std::string(url);
  return r;
}

FetchResult Denied(Decision decision, std::string_view url) {
  FetchResult r = Fail(FetchErrorCategory::kDenied, decision.reason, url);
  r.error.decision = std::move(decision);
  return r;
}

bool SameAddress(const IpAddress& a, const IpAddress& b) {
  return a.family == b.family && a.bytes == b.bytes;
}

std::optional<IpAddress> FromSockaddr(const sockaddr* address) {
  IpAddress ip;
  if (address->sa_family == AF_INET) {
    sockaddr_in sin;
    std::memcpy(&sin, address, sizeof(sin));
    ip.family = 4;
    std::memcpy(ip.bytes.data(), &sin.sin_addr, 4);
    return ip;
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, address, sizeof(sin6));
    ip.family = 6;
    std::memcpy(ip.bytes.data(), &sin6.sin6_addr, 16);
    return ip;
  }
  return std::nullopt;
}

// Every distinct address `host` resolves to, or a message.
absl::StatusOr<std::vector<IpAddress>> Resolve(const std::string& host) {
  addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &result);
  if (rc != 0) {
    return absl::UnavailableError(
        policy::ToAbsl("host '" + host + "' could not be resolved: " + gai_strerror(rc)));
  }
  std::vector<IpAddress> addresses;
  for (addrinfo* ai = result; ai != nullptr && addresses.size() < kMaxCheckedAddresses;
       ai = ai->ai_next) {
    if (ai->ai_addr == nullptr) continue;
    if ((ai->ai_family == AF_INET && ai->ai_addrlen < sizeof(sockaddr_in)) ||
        (ai->ai_family == AF_INET6 && ai->ai_addrlen < sizeof(sockaddr_in6))) {
      continue;
    }
    std::optional<IpAddress> ip = FromSockaddr(ai->ai_addr);
    if (!ip.has_value()) continue;
    const bool seen = std::any_of(addresses.begin(), addresses.end(),
                                  [&](const IpAddress& a) { return SameAddress(a, *ip); });
    if (!seen) addresses.push_back(*ip);
  }
  freeaddrinfo(result);
  if (addresses.empty()) {
    return absl::UnavailableError(
        policy::ToAbsl("host '" + host + "' resolved to no IPv4 or IPv6 address"));
  }
  return addresses;
}

// State shared with libcurl's callbacks during one transfer.
struct TransferState {
  const HostPolicy* host_policy = nullptr;
  std::string host;
  uint16_t port = 0;
  bool via_proxy = false;
  std::vector<IpAddress> checked;  // the addresses the socket may connect to
  std::optional<Decision> socket_denied;

  size_t max_body_bytes = 0;
  bool body_too_large = false;
  std::string body;

  size_t header_bytes = 0;
  bool headers_too_large = false;
  std::vector<std::pair<std::string, std::string>> headers;
};

curl_socket_t OpenCheckedSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
  auto* state = static_cast<TransferState*>(clientp);
  if (purpose != CURLSOCKTYPE_IPCXN || address == nullptr) return CURL_SOCKET_BAD;
  if (!state->via_proxy) {
    std::optional<IpAddress> ip = FromSockaddr(&address->addr);
    if (!ip.has_value()) {
      Decision d;
      d.reason = "connection attempt to a socket address that is not IPv4 or IPv6";
      d.rule = "address";
      state->socket_denied = std::move(d);
      return CURL_SOCKET_BAD;
    }
    const bool was_checked =
        std::any_of(state->checked.begin(), state->checked.end(),
                    [&](const IpAddress& a) { return SameAddress(a, *ip); });
    if (!was_checked) {
      Decision d;
      d.reason = "connection attempt to " + FormatIpAddress(*ip) + ", which is not an address '" +
                 state->host + "' was checked to resolve to";
      d.rule = "address";
      state->socket_denied = std::move(d);
      return CURL_SOCKET_BAD;
    }
    Decision d = state->host_policy->CheckAddress(*ip, state->host, state->port);
    if (!d.allow) {
      state->socket_denied = std::move(d);
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype, address->protocol);
}

size_t WriteBody(char* data, size_t size, size_t count, void* userdata) {
  auto* state = static_cast<TransferState*>(userdata);
  const size_t n = size * count;
  if (n > state->max_body_bytes - state->body.size()) {
    state->body_too_large = true;
    return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
  }
  state->body.append(data, n);
  return n;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* userdata) {
  auto* state = static_cast<TransferState*>(userdata);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new response (an interim 1xx, or the response after a proxy CONNECT):
    // keep only the headers of the last one.
    state->headers.clear();
    return n;
  }
  state->header_bytes += n;
  if (state->header_bytes > kMaxResponseHeaderBytes ||
      state->headers.size() >= kMaxResponseHeaders) {
    state->headers_too_large = true;
    return 0;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;  // the blank line ending the headers
  state->headers.emplace_back(std::string(TrimSpace(line.substr(0, colon))),
                              std::string(TrimSpace(line.substr(colon + 1))));
  return n;
}

bool IsTlsError(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return true;
    default:
      return false;
  }
}

// "host:port:addr" for CURLOPT_RESOLVE.
std::string ResolveEntry(const std::string& host, uint16_t port, const IpAddress& ip) {
  std::string addr = FormatIpAddress(ip);
  if (ip.family == 6) addr = "[" + addr + "]";
  return host + ":" + std::to_string(port) + ":" + addr;
}

}  // namespace

std::string_view FetchErrorCategoryName(FetchErrorCategory category) {
  switch (category) {
    case FetchErrorCategory::kDenied:
      return "denied";
    case FetchErrorCategory::kTls:
      return "tls";
    case FetchErrorCategory::kOther:
      return "other";
  }
  return "other";
}

absl::StatusOr<HttpClient> HttpClient::Create(const policy::Egress& egress) {
  absl::StatusOr<HostPolicy> host_policy = HostPolicy::Compile(egress);
  if (!host_policy.ok()) return host_policy.status();
  return HttpClient(*std::move(host_policy), egress);
}

HttpClient::HttpClient(HostPolicy host_policy, const policy::Egress& egress)
    : host_policy_(std::move(host_policy)),
      tls_(egress.tls),
      follow_redirects_(egress.follow_redirects),
      proxy_(egress.proxy) {}

FetchResult HttpClient::Get(std::string_view url, const FetchOptions& options) const {
  const auto deadline = std::chrono::steady_clock::now() + options.total_timeout;
  std::string current(url);
  for (int hop = 0;; ++hop) {
    std::string redirect_url;
    FetchResult r = GetOnce(current, options, deadline, &redirect_url);
    if (!r.ok()) return r;
    r.response->redirects = hop;
    if (!follow_redirects_ || redirect_url.empty()) return r;
    const long status = r.response->status;
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
      return r;
    }
    if (hop >= kMaxRedirects) {
      return Fail(FetchErrorCategory::kOther,
                  "more than " + std::to_string(kMaxRedirects) + " redirects", redirect_url);
    }
    current = std::move(redirect_url);
  }
}

FetchResult HttpClient::GetOnce(std::string_view url, const FetchOptions& options,
                                std::chrono::steady_clock::time_point deadline,
                                std::string* redirect_url) const {
  redirect_url->clear();
  // 1. Parse and decide on the URL as written.
  absl::StatusOr<ParsedUrl> parsed = ParseUrl(url);
  if (!parsed.ok()) {
    Decision d = host_policy_.Decide(url);
    if (!d.allow) return Denied(std::move(d), url);
    return Fail(FetchErrorCategory::kOther,
                "invalid URL: " + std::string(policy::ToStd(parsed.status().message())), url);
  }
  Decision by_name = host_policy_.DecideParsed(*parsed);
  if (!by_name.allow) return Denied(std::move(by_name), url);

  TransferState state;
  state.host_policy = &host_policy_;
  state.host = parsed->host;
  state.port = parsed->port;
  state.via_proxy = !proxy_.empty();
  state.max_body_bytes = options.max_body_bytes;

  // 2. Resolve here and check every address.
  if (parsed->ip.has_value()) {
    state.checked.push_back(*parsed->ip);
  } else {
    absl::StatusOr<std::vector<IpAddress>> addresses = Resolve(parsed->host);
    if (!addresses.ok()) {
      return Fail(FetchErrorCategory::kOther,
                  std::string(policy::ToStd(addresses.status().message())), url);
    }
    state.checked = *std::move(addresses);
  }
  for (const IpAddress& ip : state.checked) {
    Decision d = host_policy_.CheckAddress(ip, parsed->host, parsed->port);
    if (!d.allow) return Denied(std::move(d), url);
  }

  const auto now = std::chrono::steady_clock::now();
  if (now >= deadline) {
    return Fail(FetchErrorCategory::kOther, "total time limit reached before the request", url);
  }
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);

  InitCurlOnce();
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (easy == nullptr) return Fail(FetchErrorCategory::kOther, "curl_easy_init failed", url);
  CURL* h = easy.get();

  // 3. The decided URL handle, pinned to a checked address.
  std::unique_ptr<curl_slist, SlistDeleter> resolve;
  if (!parsed->ip.has_value() && !state.via_proxy) {
    const std::string entry = ResolveEntry(parsed->host, parsed->port, state.checked.front());
    resolve.reset(curl_slist_append(nullptr, entry.c_str()));
    if (resolve == nullptr) return Fail(FetchErrorCategory::kOther, "out of memory", url);
  }
  std::string pins;
  for (const std::string& pin : tls_.pins) {
    if (!pins.empty()) pins += ';';
    pins += pin;
  }
  const std::string& ca_file = !options.ca_file.empty() ? options.ca_file : tls_.ca_file;
  const long ssl_version =
      static_cast<long>(tls_.min_version == "1.3" ? CURL_SSLVERSION_TLSv1_3
                                                  : CURL_SSLVERSION_TLSv1_2) |
      static_cast<long>(CURL_SSLVERSION_MAX_DEFAULT);
  char error_buffer[CURL_ERROR_SIZE];
  error_buffer[0] = '\0';

  CURLcode set = CURLE_OK;
  auto setopt = [&](CURLoption option, auto value) {
    if (set == CURLE_OK) set = curl_easy_setopt(h, option, value);
  };
  setopt(CURLOPT_CURLU, parsed->handle.get());
  setopt(CURLOPT_HTTPGET, 1L);
  setopt(CURLOPT_NOSIGNAL, 1L);
  setopt(CURLOPT_ERRORBUFFER, error_buffer);
  setopt(CURLOPT_PROTOCOLS_STR, parsed->scheme.c_str());
  setopt(CURLOPT_REDIR_PROTOCOLS_STR, parsed->scheme.c_str());
  setopt(CURLOPT_FOLLOWLOCATION, 0L);
  if (resolve != nullptr) setopt(CURLOPT_RESOLVE, resolve.get());
  // 4. Re-check the address of every socket libcurl opens.
  setopt(CURLOPT_OPENSOCKETFUNCTION, &OpenCheckedSocket);
  setopt(CURLOPT_OPENSOCKETDATA, static_cast<void*>(&state));
  // 5. TLS.
  setopt(CURLOPT_SSL_VERIFYPEER, 1L);
  setopt(CURLOPT_SSL_VERIFYHOST, 2L);
  setopt(CURLOPT_SSLVERSION, ssl_version);
  if (!ca_file.empty()) setopt(CURLOPT_CAINFO, ca_file.c_str());
  if (!pins.empty()) setopt(CURLOPT_PINNEDPUBLICKEY, pins.c_str());
  // 6. Proxy only when the policy names one.
  if (state.via_proxy) {
    setopt(CURLOPT_PROXY, proxy_.c_str());
    setopt(CURLOPT_HTTPPROXYTUNNEL, 1L);
  } else {
    setopt(CURLOPT_PROXY, "");
    setopt(CURLOPT_NOPROXY, "*");
  }
  // 7. Limits.
  setopt(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(options.connect_timeout,
                                                               remaining).count()));
  setopt(CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(remaining.count(), 1)));
  setopt(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body_bytes));
  setopt(CURLOPT_WRITEFUNCTION, &WriteBody);
  setopt(CURLOPT_WRITEDATA, static_cast<void*>(&state));
  setopt(CURLOPT_HEADERFUNCTION, &WriteHeader);
  setopt(CURLOPT_HEADERDATA, static_cast<void*>(&state));
  if (set != CURLE_OK) {
    return Fail(FetchErrorCategory::kOther,
                std::string("could not configure the transfer: ") + curl_easy_strerror(set), url);
  }

  const CURLcode rc = curl_easy_perform(h);
  if (state.socket_denied.has_value()) return Denied(std::move(*state.socket_denied), url);
  if (rc != CURLE_OK) {
    if (state.body_too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      return Fail(FetchErrorCategory::kOther,
                  "response body exceeds " + std::to_string(options.max_body_bytes) + " bytes",
                  url);
    }
    if (state.headers_too_large) {
      return Fail(FetchErrorCategory::kOther, "response headers exceed the size limit", url);
    }
    std::string message = curl_easy_strerror(rc);
    if (error_buffer[0] != '\0') message += std::string(": ") + error_buffer;
    return Fail(IsTlsError(rc) ? FetchErrorCategory::kTls : FetchErrorCategory::kOther,
                std::move(message), url);
  }

  FetchResult r;
  r.response.emplace();
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  r.response->status = status;
  r.response->headers = std::move(state.headers);
  r.response->body = std::move(state.body);
  r.response->url = std::string(url);
  char* location = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != nullptr) {
    *redirect_url = location;
  }
  return r;
}

}  // namespace fnguard::egress
