#include "runtime/egress/http_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <mutex>

#include "policy/text.h"
#include "runtime/core/libcurl.h"
#include "runtime/egress/url.h"

namespace fnguard::egress {
namespace {

using policy::IpAddress;

constexpr size_t kMaxCheckedAddresses = 32;
constexpr size_t kMaxMethodLength = 16;
constexpr const char* kUserAgent = "fnguard/0.1";
// OpenSSL security level 2: RSA, DSA and DH keys of at least 2048 bits, ECC
// keys of at least 224 bits, no SHA-1 signatures, whatever openssl.cnf says.
constexpr const char* kCipherList = "DEFAULT:@SECLEVEL=2";

// Whether libcurl's TLS backend is OpenSSL (kCipherList is OpenSSL syntax).
bool TlsBackendIsOpenSsl(const libcurl::Api& curl) {
  static const bool openssl = [&curl] {
    const curl_version_info_data* info = curl.version_info(CURLVERSION_NOW);
    return info != nullptr && info->ssl_version != nullptr &&
           std::string_view(info->ssl_version).starts_with("OpenSSL");
  }();
  return openssl;
}

// Lists exist only once libcurl is loaded, so Get() is not null here.
struct SlistDeleter {
  void operator()(curl_slist* list) const { libcurl::Get()->slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

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

// An address as libcurl prints it (CURLINFO_PRIMARY_IP, "::1" without brackets).
std::optional<IpAddress> FromText(const char* text) {
  if (text == nullptr) return std::nullopt;
  IpAddress ip;
  if (inet_pton(AF_INET, text, ip.bytes.data()) == 1) {
    ip.family = 4;
    return ip;
  }
  if (inet_pton(AF_INET6, text, ip.bytes.data()) == 1) {
    ip.family = 6;
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
  std::vector<IpAddress> checked;  // the addresses a new socket may connect to
  std::optional<Decision> socket_denied;
  std::optional<Decision> flagged;  // report mode: the first would-deny decision
  std::atomic<uint64_t>* sockets_opened = nullptr;

  size_t max_body_bytes = 0;
  bool body_too_large = false;
  std::string body;

  size_t header_bytes = 0;
  bool headers_too_large = false;
  Headers headers;

  // Applies a decision made in a callback: true when the transfer may go on.
  bool Accept(Decision d) {
    if (!d.allow) {
      socket_denied = std::move(d);
      return false;
    }
    if (d.would_deny && !flagged.has_value()) flagged = std::move(d);
    return true;
  }
  // A structural denial (not from HostPolicy), under the policy's mode.
  bool AcceptStructural(std::string reason) {
    Decision d;
    d.rule = "address";
    d.reason = std::move(reason);
    switch (host_policy->mode()) {
      case policy::EgressMode::kOff:
        return true;
      case policy::EgressMode::kReport:
        d.allow = true;
        d.would_deny = true;
        break;
      case policy::EgressMode::kEnforce:
        break;
    }
    return Accept(std::move(d));
  }
};

curl_socket_t OpenCheckedSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
  auto* state = static_cast<TransferState*>(clientp);
  if (purpose != CURLSOCKTYPE_IPCXN || address == nullptr) return CURL_SOCKET_BAD;
  if (!state->via_proxy) {
    std::optional<IpAddress> ip = FromSockaddr(&address->addr);
    if (!ip.has_value()) {
      if (!state->AcceptStructural(
              "connection attempt to a socket address that is not IPv4 or IPv6")) {
        return CURL_SOCKET_BAD;
      }
    } else {
      const bool was_checked =
          std::any_of(state->checked.begin(), state->checked.end(),
                      [&](const IpAddress& a) { return SameAddress(a, *ip); });
      if (!was_checked &&
          !state->AcceptStructural("connection attempt to " + FormatIpAddress(*ip) +
                                   ", which is not an address '" + state->host +
                                   "' was checked to resolve to")) {
        return CURL_SOCKET_BAD;
      }
      if (!state->Accept(state->host_policy->CheckAddress(*ip, state->host, state->port))) {
        return CURL_SOCKET_BAD;
      }
    }
  }
  const curl_socket_t fd = socket(address->family, address->socktype, address->protocol);
  if (fd != CURL_SOCKET_BAD && state->sockets_opened != nullptr) {
    state->sockets_opened->fetch_add(1, std::memory_order_relaxed);
  }
  return fd;
}

// Runs before every request is sent, on a new or a reused connection: the
// address the connection is actually connected to is checked again.
int CheckConnectedAddress(void* clientp, char* conn_primary_ip, char* /*conn_local_ip*/,
                          int /*conn_primary_port*/, int /*conn_local_port*/) {
  auto* state = static_cast<TransferState*>(clientp);
  if (state->via_proxy) return CURL_PREREQFUNC_OK;
  std::optional<IpAddress> ip = FromText(conn_primary_ip);
  if (!ip.has_value()) {
    return state->AcceptStructural("the connection's peer address is unknown")
               ? CURL_PREREQFUNC_OK
               : CURL_PREREQFUNC_ABORT;
  }
  return state->Accept(state->host_policy->CheckAddress(*ip, state->host, state->port))
             ? CURL_PREREQFUNC_OK
             : CURL_PREREQFUNC_ABORT;
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

// The rule of a TLS failure, or "" when `code` is not one.
std::string_view TlsRule(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return "tls.certificate";
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return "tls.pin";
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
      return "tls.ca_file";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return "tls.handshake";
    default:
      return "";
  }
}

// "host:port:addr" for CURLOPT_RESOLVE.
std::string ResolveEntry(const std::string& host, uint16_t port, const IpAddress& ip) {
  std::string addr = FormatIpAddress(ip);
  if (ip.family == 6) addr = "[" + addr + "]";
  return host + ":" + std::to_string(port) + ":" + addr;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Header fields only the client sets: they decide where and how the request
// is framed and sent.
bool IsReservedHeader(std::string_view name) {
  for (std::string_view reserved : {"host", "content-length", "transfer-encoding", "connection",
                                    "upgrade", "expect", "te", "keep-alive"}) {
    if (EqualsIgnoreCase(name, reserved)) return true;
  }
  return name.size() >= 6 && EqualsIgnoreCase(name.substr(0, 6), "proxy-");
}

// Credentials that must not follow a redirect to another origin.
bool IsCredentialHeader(std::string_view name) {
  return EqualsIgnoreCase(name, "authorization") || EqualsIgnoreCase(name, "cookie");
}

// An error message when the request itself is malformed, else "".
std::string ValidateRequest(const RequestSpec& request) {
  const std::string_view method = request.method;
  if (method.empty() || method.size() > kMaxMethodLength ||
      !std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return "the method must be an upper-case HTTP method such as GET or POST";
  }
  if (method == "CONNECT" || method == "TRACE") {
    return "the " + std::string(method) + " method is not supported";
  }
  if (!request.body.empty() && (method == "GET" || method == "HEAD")) {
    return "a " + std::string(method) + " request has no body";
  }
  if (request.headers == nullptr) return "";
  if (request.headers->size() > kMaxRequestHeaders) {
    return "more than " + std::to_string(kMaxRequestHeaders) + " request headers";
  }
  size_t bytes = 0;
  for (const auto& [name, value] : *request.headers) {
    bytes += name.size() + value.size() + 4;
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
      return "request header name '" + name + "' is not an HTTP token";
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return "request header '" + name + "' has a CR, LF or NUL in its value";
    }
    if (IsReservedHeader(name)) {
      return "request header '" + name + "' is set by the client and cannot be given";
    }
  }
  if (bytes > kMaxRequestHeaderBytes) return "request headers exceed 64 KiB";
  return "";
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

// Idle libcurl easy handles (each with its connection cache) and the share
// of TLS sessions between them. Nothing of libcurl is touched before the
// first request: creating a client does not load it.
class HttpClient::HandlePool {
 public:
  HandlePool() = default;
  ~HandlePool() {
    if (curl_ == nullptr) return;
    for (CURL* h : idle_) curl_->easy_cleanup(h);
    if (share_ != nullptr) curl_->share_cleanup(share_);
  }
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;

  // libcurl, loaded by the first call (with the share set up); nullptr when
  // it cannot be loaded.
  const libcurl::Api* Curl() {
    std::call_once(init_once_, [this] {
      const libcurl::Api* curl = libcurl::Get();
      if (curl == nullptr) return;
      share_ = curl->share_init();
      if (share_ != nullptr) {
        curl->share_setopt(share_, CURLSHOPT_LOCKFUNC, &HandlePool::Lock);
        curl->share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &HandlePool::Unlock);
        curl->share_setopt(share_, CURLSHOPT_USERDATA, static_cast<void*>(this));
        curl->share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
      }
      curl_ = curl;
    });
    return curl_;
  }

  // A handle with no options set (nullptr when libcurl is out of memory).
  // Only after Curl() returned libcurl.
  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();  // the most recently used: its connections are warm
        idle_.pop_back();
        return h;
      }
    }
    return curl_->easy_init();
  }
  // Clears the handle's options (its connection, DNS and TLS session caches
  // stay) and keeps it for the next request.
  void Release(CURL* h) {
    curl_->easy_reset(h);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < kMaxPooledHandles) {
        idle_.push_back(h);
        return;
      }
    }
    curl_->easy_cleanup(h);
  }

  CURLSH* share() const { return share_; }
  std::atomic<uint64_t> sockets_opened{0};

 private:
  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* userptr) {
    static_cast<HandlePool*>(userptr)->locks_[Index(data)].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* userptr) {
    static_cast<HandlePool*>(userptr)->locks_[Index(data)].unlock();
  }
  static size_t Index(curl_lock_data data) {
    const auto i = static_cast<size_t>(data);
    return i < kLocks ? i : 0;
  }

  static constexpr size_t kLocks = static_cast<size_t>(CURL_LOCK_DATA_LAST);
  std::array<std::mutex, kLocks> locks_;
  std::mutex mu_;
  std::vector<CURL*> idle_;
  std::once_flag init_once_;
  const libcurl::Api* curl_ = nullptr;  // set once by Curl()
  CURLSH* share_ = nullptr;             // set once by Curl()
};

// One hop of a request: what is sent to one URL.
struct HttpClient::Hop {
  std::string method;
  std::string url;
  std::string_view body;
  const Headers* headers = nullptr;
  bool drop_credentials = false;  // a redirect crossed to another origin
  // Filled by SendOnce: "scheme://host:port" of the URL sent to.
  mutable std::string origin;
};

std::string_view FetchErrorCategoryName(FetchErrorCategory category) {
  switch (category) {
    case FetchErrorCategory::kDenied:
      return "denied";
    case FetchErrorCategory::kTls:
      return "tls";
    case FetchErrorCategory::kTimeout:
      return "timeout";
    case FetchErrorCategory::kTooLarge:
      return "too_large";
    case FetchErrorCategory::kOther:
      return "other";
  }
  return "other";
}

absl::StatusOr<HttpClient> HttpClient::Create(const policy::Egress& egress, NoticeSink sink) {
  absl::StatusOr<HostPolicy> host_policy = HostPolicy::Compile(egress);
  if (!host_policy.ok()) return host_policy.status();
  return HttpClient(*std::move(host_policy), egress, std::move(sink));
}

HttpClient::HttpClient(HostPolicy host_policy, const policy::Egress& egress, NoticeSink sink)
    : host_policy_(std::move(host_policy)),
      tls_(egress.tls),
      follow_redirects_(egress.follow_redirects),
      proxy_(egress.proxy),
      sink_(std::move(sink)),
      pool_(std::make_unique<HandlePool>()) {}

HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

uint64_t HttpClient::connections_opened() const {
  return pool_->sockets_opened.load(std::memory_order_relaxed);
}

void HttpClient::Notify(EgressNotice::Type type, std::string_view url, std::string_view host,
                        const Decision& decision) const {
  if (!sink_) return;
  EgressNotice notice;
  notice.type = type;
  notice.url = std::string(url);
  notice.host = std::string(host);
  notice.decision = decision;
  try {
    sink_(notice);
  } catch (...) {
    // Reporting never breaks a request.
  }
}

FetchResult HttpClient::Get(std::string_view url, const FetchOptions& options) const {
  RequestSpec request;
  request.url = url;
  return Send(request, options);
}

FetchResult HttpClient::Send(const RequestSpec& request, const FetchOptions& options) const {
  FetchResult r = SendChecked(request, options);
  if (!r.ok() && (r.error.category == FetchErrorCategory::kDenied ||
                  r.error.category == FetchErrorCategory::kTls)) {
    std::string host;
    if (absl::StatusOr<ParsedUrl> parsed = ParseUrl(r.error.url); parsed.ok()) {
      host = parsed->host;
    }
    Notify(r.error.category == FetchErrorCategory::kDenied ? EgressNotice::Type::kDenied
                                                           : EgressNotice::Type::kTls,
           r.error.url, host, r.error.decision);
  }
  return r;
}

FetchResult HttpClient::SendChecked(const RequestSpec& request,
                                    const FetchOptions& options) const {
  if (std::string problem = ValidateRequest(request); !problem.empty()) {
    return Fail(FetchErrorCategory::kOther, "invalid request: " + problem, request.url);
  }
  const libcurl::Api* curl = pool_->Curl();
  if (curl == nullptr) return Fail(FetchErrorCategory::kOther, libcurl::LoadError(), request.url);
  const auto deadline = std::chrono::steady_clock::now() + options.total_timeout;
  Hop hop;
  hop.method = std::string(request.method);
  hop.url = std::string(request.url);
  hop.body = request.body;
  hop.headers = request.headers;
  for (int n = 0;; ++n) {
    std::string redirect_url;
    FetchResult r = SendOnce(*curl, hop, options, deadline, &redirect_url);
    if (!r.ok()) return r;
    r.response->redirects = n;
    const long status = r.response->status;
    if (!follow_redirects_ || redirect_url.empty() || !IsRedirect(status)) return r;
    if (n >= kMaxRedirects) {
      return Fail(FetchErrorCategory::kOther,
                  "more than " + std::to_string(kMaxRedirects) + " redirects", redirect_url);
    }
    // 303 turns any method but HEAD into a GET; 301 and 302 turn a POST into
    // a GET (what browsers and libcurl do); 307 and 308 keep both.
    if ((status == 303 && hop.method != "HEAD") ||
        ((status == 301 || status == 302) && hop.method == "POST")) {
      hop.method = "GET";
      hop.body = {};
    }
    const std::string from_origin = hop.origin;
    hop.url = std::move(redirect_url);
    if (absl::StatusOr<ParsedUrl> next = ParseUrl(hop.url); next.ok()) {
      const std::string to_origin =
          next->scheme + "://" + next->host + ":" + std::to_string(next->port);
      if (to_origin != from_origin) hop.drop_credentials = true;
    }
  }
}

FetchResult HttpClient::SendOnce(const libcurl::Api& curl, const Hop& hop,
                                 const FetchOptions& options,
                                 std::chrono::steady_clock::time_point deadline,
                                 std::string* redirect_url) const {
  redirect_url->clear();
  const std::string_view url = hop.url;
  // 1. Parse and decide on the URL as written.
  absl::StatusOr<ParsedUrl> parsed = ParseUrl(url);
  if (!parsed.ok()) {
    Decision d = host_policy_.Decide(url);
    if (!d.allow) return Denied(std::move(d), url);
    if (d.would_deny) Notify(EgressNotice::Type::kWouldDeny, url, "", d);
    return Fail(FetchErrorCategory::kOther,
                "invalid URL: " + std::string(policy::ToStd(parsed.status().message())), url);
  }
  hop.origin = parsed->scheme + "://" + parsed->host + ":" + std::to_string(parsed->port);
  TransferState state;
  state.host_policy = &host_policy_;
  state.host = parsed->host;
  state.port = parsed->port;
  state.via_proxy = !proxy_.empty();
  state.max_body_bytes = options.max_body_bytes;
  state.sockets_opened = &pool_->sockets_opened;
  if (!state.Accept(host_policy_.DecideParsed(*parsed))) {
    return Denied(std::move(*state.socket_denied), url);
  }

  // 2. Resolve here and check every address.
  if (parsed->ip.has_value()) {
    state.checked.push_back(*parsed->ip);
  } else {
    absl::StatusOr<std::vector<IpAddress>> addresses = Resolve(parsed->host);
    if (!addresses.ok()) {
      if (state.flagged.has_value()) {
        Notify(EgressNotice::Type::kWouldDeny, url, parsed->host, *state.flagged);
      }
      return Fail(FetchErrorCategory::kOther,
                  std::string(policy::ToStd(addresses.status().message())), url);
    }
    state.checked = *std::move(addresses);
  }
  for (const IpAddress& ip : state.checked) {
    if (!state.Accept(host_policy_.CheckAddress(ip, parsed->host, parsed->port))) {
      return Denied(std::move(*state.socket_denied), url);
    }
  }

  const auto now = std::chrono::steady_clock::now();
  if (now >= deadline) {
    return Fail(FetchErrorCategory::kTimeout, "total time limit reached before the request", url);
  }
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);

  // Request headers: the caller's (less credentials after a cross-origin
  // redirect), a default Content-Type for a body, and no Expect: 100-continue.
  Slist header_list;
  auto append_header = [&](const std::string& line) {
    curl_slist* next = curl.slist_append(header_list.get(), line.c_str());
    if (next == nullptr) return false;
    (void)header_list.release();
    header_list.reset(next);
    return true;
  };
  bool has_content_type = false;
  if (hop.headers != nullptr) {
    for (const auto& [name, value] : *hop.headers) {
      if (hop.drop_credentials && IsCredentialHeader(name)) continue;
      if (EqualsIgnoreCase(name, "content-type")) has_content_type = true;
      // "Name;" sends an empty value; "Name:" would remove the header.
      if (!append_header(value.empty() ? name + ";" : name + ": " + value)) {
        return Fail(FetchErrorCategory::kOther, "out of memory", url);
      }
    }
  }
  // A body without a Content-Type is JSON; an empty POST has none (libcurl
  // would otherwise announce a form).
  if (!has_content_type &&
      !append_header(hop.body.empty() ? "Content-Type:" : "Content-Type: application/json")) {
    return Fail(FetchErrorCategory::kOther, "out of memory", url);
  }
  if (!append_header("Expect:")) return Fail(FetchErrorCategory::kOther, "out of memory", url);

  // 3. The decided URL handle, pinned to a checked address.
  Slist resolve;
  if (!parsed->ip.has_value() && !state.via_proxy) {
    const std::string entry = ResolveEntry(parsed->host, parsed->port, state.checked.front());
    resolve.reset(curl.slist_append(nullptr, entry.c_str()));
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

  CURL* h = pool_->Acquire();
  if (h == nullptr) return Fail(FetchErrorCategory::kOther, "curl_easy_init failed", url);
  // Returns the handle to the pool on every path below.
  struct Lease {
    HandlePool* pool;
    CURL* handle;
    ~Lease() { pool->Release(handle); }
  } lease{pool_.get(), h};

  CURLcode set = CURLE_OK;
  auto setopt = [&](CURLoption option, auto value) {
    if (set == CURLE_OK) set = curl.easy_setopt(h, option, value);
  };
  if (pool_->share() != nullptr) setopt(CURLOPT_SHARE, pool_->share());
  setopt(CURLOPT_CURLU, parsed->handle.get());
  setopt(CURLOPT_NOSIGNAL, 1L);
  setopt(CURLOPT_ERRORBUFFER, error_buffer);
  setopt(CURLOPT_USERAGENT, kUserAgent);
  setopt(CURLOPT_PROTOCOLS_STR, parsed->scheme.c_str());
  setopt(CURLOPT_REDIR_PROTOCOLS_STR, parsed->scheme.c_str());
  setopt(CURLOPT_FOLLOWLOCATION, 0L);
  if (hop.method == "HEAD") {
    setopt(CURLOPT_NOBODY, 1L);
  } else if (!hop.body.empty()) {
    setopt(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(hop.body.size()));
    setopt(CURLOPT_POSTFIELDS, hop.body.data());
    if (hop.method != "POST") setopt(CURLOPT_CUSTOMREQUEST, hop.method.c_str());
  } else if (hop.method == "POST") {
    setopt(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
    setopt(CURLOPT_POSTFIELDS, "");
  } else {
    setopt(CURLOPT_HTTPGET, 1L);
    if (hop.method != "GET") setopt(CURLOPT_CUSTOMREQUEST, hop.method.c_str());
  }
  setopt(CURLOPT_HTTPHEADER, header_list.get());
  if (resolve != nullptr) setopt(CURLOPT_RESOLVE, resolve.get());
  // 4. Re-check the address of every socket libcurl opens, and the address
  // of the connection (new or reused) every request is sent on.
  setopt(CURLOPT_OPENSOCKETFUNCTION, &OpenCheckedSocket);
  setopt(CURLOPT_OPENSOCKETDATA, static_cast<void*>(&state));
  setopt(CURLOPT_PREREQFUNCTION, &CheckConnectedAddress);
  setopt(CURLOPT_PREREQDATA, static_cast<void*>(&state));
  // 5. TLS.
  setopt(CURLOPT_SSL_VERIFYPEER, 1L);
  setopt(CURLOPT_SSL_VERIFYHOST, 2L);
  setopt(CURLOPT_SSLVERSION, ssl_version);
  if (TlsBackendIsOpenSsl(curl)) setopt(CURLOPT_SSL_CIPHER_LIST, kCipherList);
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
  setopt(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::max<int64_t>(
                                        std::min(options.connect_timeout, remaining).count(), 1)));
  setopt(CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(remaining.count(), 1)));
  setopt(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body_bytes));
  setopt(CURLOPT_WRITEFUNCTION, &WriteBody);
  setopt(CURLOPT_WRITEDATA, static_cast<void*>(&state));
  setopt(CURLOPT_HEADERFUNCTION, &WriteHeader);
  setopt(CURLOPT_HEADERDATA, static_cast<void*>(&state));
  if (set != CURLE_OK) {
    return Fail(FetchErrorCategory::kOther,
                std::string("could not configure the transfer: ") + curl.easy_strerror(set), url);
  }

  const CURLcode rc = curl.easy_perform(h);
  if (state.flagged.has_value()) {
    Notify(EgressNotice::Type::kWouldDeny, url, parsed->host, *state.flagged);
  }
  if (state.socket_denied.has_value()) return Denied(std::move(*state.socket_denied), url);
  if (rc != CURLE_OK) {
    if (state.body_too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      return Fail(FetchErrorCategory::kTooLarge,
                  "response body exceeds " + std::to_string(options.max_body_bytes) + " bytes",
                  url);
    }
    if (state.headers_too_large) {
      return Fail(FetchErrorCategory::kTooLarge, "response headers exceed the size limit", url);
    }
    std::string message = curl.easy_strerror(rc);
    if (error_buffer[0] != '\0') message += std::string(": ") + error_buffer;
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      return Fail(FetchErrorCategory::kTimeout, std::move(message), url);
    }
    if (std::string_view rule = TlsRule(rc); !rule.empty()) {
      FetchResult r = Fail(FetchErrorCategory::kTls, message, url);
      r.error.decision.rule = std::string(rule);
      r.error.decision.reason = std::move(message);
      return r;
    }
    return Fail(FetchErrorCategory::kOther, std::move(message), url);
  }

  FetchResult r;
  r.response.emplace();
  long status = 0;
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  r.response->status = status;
  r.response->headers = std::move(state.headers);
  r.response->body = std::move(state.body);
  r.response->url = std::string(url);
  char* location = nullptr;
  if (curl.easy_getinfo(h, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != nullptr) {
    *redirect_url = location;
  }
  return r;
}

}  // namespace fnguard::egress
