#include "wrappers/lambda/runtime_api_client.h"


#include <algorithm>
#include <cctype>
#include <charconv>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/core/json.h"
#include "runtime/core/libcurl.h"
#include "runtime/sandbox/internal_scope.h"

namespace fnguard::lambda {
namespace {

constexpr char kApiVersion[] = "2018-06-01";

// The headers of one answer, names lower-cased. Only the few the Runtime API
// defines are kept, so an endless header stream cannot grow memory.
struct ResponseHeaders {
  std::string request_id;
  std::string deadline_ms;
  std::string function_arn;
  std::string trace_id;
  std::string client_context;
  std::string cognito_identity;

  void Clear() { *this = ResponseHeaders(); }
};

// Hard cap on any answer body we keep (events are at most 6 MB; leave room).
constexpr size_t kMaxBodyBytes = size_t{32} << 20;
// Hard cap on one kept header value.
constexpr size_t kMaxHeaderValueBytes = size_t{64} << 10;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' ||
                        s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// ASCII case-insensitive equality (header names), without allocating.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Characters a URL path segment carries as they are (RFC 3986 unreserved).
bool IsUnreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool ParseInt64(std::string_view s, long long* out) {
  s = Trim(s);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

std::string ErrorDocument(std::string_view error_message, std::string_view error_type) {
  std::string out = "{\"errorMessage\":";
  json::AppendString(&out, error_message);
  out += ",\"errorType\":";
  json::AppendString(&out, error_type);
  out += ",\"stackTrace\":[]}";
  return out;
}

struct RuntimeApiClient::Transport {
  explicit Transport(const libcurl::Api& api) : lib(api) {}

  const libcurl::Api& lib;
  CURL* curl = nullptr;
  std::string body;
  bool body_truncated = false;
  ResponseHeaders headers;
  char error_buffer[CURL_ERROR_SIZE] = {};

  ~Transport() {
    if (curl != nullptr) lib.easy_cleanup(curl);
  }

  static size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
    auto* t = static_cast<Transport*>(user);
    size_t n = size * nmemb;
    size_t room = kMaxBodyBytes - std::min(kMaxBodyBytes, t->body.size());
    if (n > room) t->body_truncated = true;
    t->body.append(data, std::min(n, room));
    return n;
  }

  static size_t OnHeader(char* data, size_t size, size_t nitems, void* user) {
    auto* t = static_cast<Transport*>(user);
    size_t n = size * nitems;
    std::string_view line(data, n);
    if (line.substr(0, 5) == "HTTP/") {  // a new status line (e.g. after 100 Continue)
      t->headers.Clear();
      return n;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string_view name = Trim(line.substr(0, colon));
    constexpr std::string_view kPrefix = "lambda-runtime-";
    if (name.size() <= kPrefix.size() || !EqualsIgnoreCase(name.substr(0, kPrefix.size()), kPrefix)) {
      return n;  // not one of the API's own headers
    }
    name.remove_prefix(kPrefix.size());
    std::string* slot = nullptr;
    if (EqualsIgnoreCase(name, "aws-request-id")) slot = &t->headers.request_id;
    else if (EqualsIgnoreCase(name, "deadline-ms")) slot = &t->headers.deadline_ms;
    else if (EqualsIgnoreCase(name, "invoked-function-arn")) slot = &t->headers.function_arn;
    else if (EqualsIgnoreCase(name, "trace-id")) slot = &t->headers.trace_id;
    else if (EqualsIgnoreCase(name, "client-context")) slot = &t->headers.client_context;
    else if (EqualsIgnoreCase(name, "cognito-identity")) slot = &t->headers.cognito_identity;
    if (slot == nullptr) return n;
    std::string_view value = Trim(line.substr(colon + 1));
    if (value.size() > kMaxHeaderValueBytes) value = value.substr(0, kMaxHeaderValueBytes);
    slot->assign(value);
    return n;
  }

  // Performs one request. `post_body` null means GET. Returns the curl code;
  // the HTTP status goes to `http_status`.
  // The options every request shares, set once: re-setting them per request
  // (or curl_easy_reset) is measurable in the per-invocation cost.
  void Configure(const RetryPolicy& retry) {
    lib.easy_setopt(curl, CURLOPT_NOPROXY, "*");
    lib.easy_setopt(curl, CURLOPT_PROXY, "");
    lib.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    lib.easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    lib.easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    lib.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(retry.connect_timeout.count()));
    lib.easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    lib.easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Transport::OnBody);
    lib.easy_setopt(curl, CURLOPT_WRITEDATA, this);
    lib.easy_setopt(curl, CURLOPT_HEADERFUNCTION, &Transport::OnHeader);
    lib.easy_setopt(curl, CURLOPT_HEADERDATA, this);
    lib.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  }

  CURLcode Perform(const std::string& url, const std::string_view* post_body,
                   curl_slist* extra_headers, const RetryPolicy& retry, bool long_poll,
                   long* http_status) {
    // One handle for every request keeps the connection, so the TCP
    // connection is reused; only what differs per request is set here.
    body.clear();
    body_truncated = false;
    headers.Clear();
    error_buffer[0] = '\0';
    lib.easy_setopt(curl, CURLOPT_URL, url.c_str());
    lib.easy_setopt(curl, CURLOPT_TIMEOUT_MS, long_poll ? 0L : static_cast<long>(retry.post_timeout.count()));
    if (post_body != nullptr) {
      lib.easy_setopt(curl, CURLOPT_POST, 1L);
      lib.easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->data());
      lib.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()));
    } else {
      lib.easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    lib.easy_setopt(curl, CURLOPT_HTTPHEADER, extra_headers);
    CURLcode rc;
    {
      // fnguard's own connection: the socket guard (runtime/sandbox) lets it
      // through, while it denies the Runtime API to handler code.
      sandbox::InternalScope internal;
      rc = lib.easy_perform(curl);
    }
    *http_status = 0;
    if (rc == CURLE_OK) lib.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, http_status);
    return rc;
  }

  std::string Describe(CURLcode rc) const {
    return error_buffer[0] != '\0' ? std::string(error_buffer) : std::string(lib.easy_strerror(rc));
  }

  std::string Escape(std::string_view s) {
    // Request ids are UUIDs: nothing to escape, the common case.
    if (std::all_of(s.begin(), s.end(), IsUnreserved)) return std::string(s);
    char* e = lib.easy_escape(curl, s.data(), static_cast<int>(s.size()));
    if (e == nullptr) return std::string(s);
    std::string out(e);
    lib.free(e);
    return out;
  }
};

namespace {

// Owns a curl header list (made once libcurl is loaded).
struct HeaderList {
  const libcurl::Api& lib;
  curl_slist* list = nullptr;
  ~HeaderList() { lib.slist_free_all(list); }
  void Add(const std::string& line) {
    curl_slist* next = lib.slist_append(list, line.c_str());
    if (next != nullptr) list = next;
  }
};

// Header values must not smuggle new lines into the request.
std::string HeaderSafe(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c != '\r' && c != '\n' && c != '\0') out.push_back(c);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RuntimeApiClient>> RuntimeApiClient::Create(std::string endpoint,
                                                                           RetryPolicy retry) {
  endpoint = std::string(Trim(endpoint));
  if (endpoint.empty()) return absl::InvalidArgumentError("empty Runtime API endpoint");
  if (endpoint.find("://") != std::string::npos) {
    endpoint = endpoint.substr(endpoint.find("://") + 3);
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  for (char c : endpoint) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '?' || c == '#') {
      return absl::InvalidArgumentError(
          absl::StrCat("Runtime API endpoint is not host:port: '", endpoint, "'"));
    }
  }
  const libcurl::Api* lib = libcurl::Get();
  if (lib == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot talk to the Runtime API: ", libcurl::LoadError()));
  }
  auto transport = std::make_unique<Transport>(*lib);
  transport->curl = lib->easy_init();
  if (transport->curl == nullptr) return absl::InternalError("curl_easy_init failed");
  retry.max_attempts = std::max(1, retry.max_attempts);
  transport->Configure(retry);
  std::string base = absl::StrCat("http://", endpoint, "/", kApiVersion);
  return std::unique_ptr<RuntimeApiClient>(
      new RuntimeApiClient(std::move(base), retry, std::move(transport)));
}

RuntimeApiClient::RuntimeApiClient(std::string base_url, RetryPolicy retry,
                                   std::unique_ptr<Transport> transport)
    : base_url_(std::move(base_url)), retry_(retry), transport_(std::move(transport)) {}

RuntimeApiClient::~RuntimeApiClient() = default;

void RuntimeApiClient::Backoff(int attempt) const {
  auto delay = retry_.initial_backoff;
  for (int i = 0; i < attempt && delay < retry_.max_backoff; ++i) delay *= 2;
  std::this_thread::sleep_for(std::min(delay, retry_.max_backoff));
}

absl::StatusOr<NextInvocation> RuntimeApiClient::Next() {
  const std::string url = absl::StrCat(base_url_, "/runtime/invocation/next");
  std::string last_error;
  bool unusable_answer = false;
  for (int attempt = 0; attempt < retry_.max_attempts; ++attempt) {
    if (attempt > 0) Backoff(attempt - 1);
    long status = 0;
    CURLcode rc = transport_->Perform(url, nullptr, nullptr, retry_, /*long_poll=*/true, &status);
    if (rc != CURLE_OK) {
      last_error = absl::StrCat("GET ", url, ": ", transport_->Describe(rc));
      unusable_answer = false;
      continue;
    }
    if (status != 200) {
      last_error = absl::StrCat("GET ", url, ": HTTP ", status, " ", transport_->body.substr(0, 200));
      unusable_answer = status < 500;
      continue;
    }
    const ResponseHeaders& h = transport_->headers;
    if (h.request_id.empty()) {
      last_error = absl::StrCat("GET ", url, ": answer without Lambda-Runtime-Aws-Request-Id");
      unusable_answer = true;
      continue;
    }
    if (transport_->body_truncated) {
      last_error = absl::StrCat("GET ", url, ": event larger than ", kMaxBodyBytes, " bytes");
      unusable_answer = true;
      continue;
    }
    NextInvocation next;
    next.payload = std::move(transport_->body);
    transport_->body.clear();
    next.request_id = h.request_id;
    long long deadline = 0;
    if (ParseInt64(h.deadline_ms, &deadline) && deadline > 0) next.deadline_ms = deadline;
    next.function_arn = h.function_arn;
    next.trace_id = h.trace_id;
    next.client_context = h.client_context;
    next.cognito_identity = h.cognito_identity;
    return next;
  }
  if (unusable_answer) return absl::InternalError(last_error);
  return absl::UnavailableError(last_error);
}

absl::StatusOr<PostOutcome> RuntimeApiClient::Post(const std::string& url, std::string_view body,
                                                   std::string_view content_type,
                                                   std::string_view error_type) {
  HeaderList headers{transport_->lib};
  headers.Add(absl::StrCat("Content-Type: ", HeaderSafe(content_type)));
  headers.Add("Expect:");  // no 100-continue round trip for large payloads
  if (!error_type.empty()) {
    headers.Add(absl::StrCat("Lambda-Runtime-Function-Error-Type: ", HeaderSafe(error_type)));
  }
  std::string last_error;
  for (int attempt = 0; attempt < retry_.max_attempts; ++attempt) {
    if (attempt > 0) Backoff(attempt - 1);
    long status = 0;
    CURLcode rc = transport_->Perform(url, &body, headers.list, retry_, /*long_poll=*/false, &status);
    if (rc != CURLE_OK) {
      last_error = absl::StrCat("POST ", url, ": ", transport_->Describe(rc));
      continue;
    }
    if (status >= 500) {
      last_error = absl::StrCat("POST ", url, ": HTTP ", status);
      continue;
    }
    return PostOutcome{status, std::move(transport_->body)};
  }
  return absl::UnavailableError(last_error);
}

absl::StatusOr<PostOutcome> RuntimeApiClient::PostResponse(std::string_view request_id,
                                                           std::string_view payload,
                                                           std::string_view content_type) {
  std::string url = absl::StrCat(base_url_, "/runtime/invocation/",
                                 transport_->Escape(request_id), "/response");
  return Post(url, payload, content_type.empty() ? "application/json" : content_type, "");
}

absl::StatusOr<PostOutcome> RuntimeApiClient::PostError(std::string_view request_id,
                                                        std::string_view error_message,
                                                        std::string_view error_type) {
  std::string url =
      absl::StrCat(base_url_, "/runtime/invocation/", transport_->Escape(request_id), "/error");
  return Post(url, ErrorDocument(error_message, error_type), "application/json", error_type);
}

absl::StatusOr<PostOutcome> RuntimeApiClient::PostInitError(std::string_view error_message,
                                                            std::string_view error_type) {
  std::string url = absl::StrCat(base_url_, "/runtime/init/error");
  return Post(url, ErrorDocument(error_message, error_type), "application/json", error_type);
}

}  // namespace fnguard::lambda
