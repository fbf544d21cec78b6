// fnguard::HttpClient: the handler-facing client (fnguard/client.h) over the
// guarded egress client (runtime/egress/http_client.h).
#include "fnguard/client.h"

#include <algorithm>
#include <exception>

#include "runtime/egress/http_client.h"

namespace fnguard {

struct HttpClient::Impl {
  explicit Impl(egress::HttpClient c) : client(std::move(c)) {}

  static std::unique_ptr<HttpClient> Make(egress::HttpClient client) {
    return std::unique_ptr<HttpClient>(
        new HttpClient(std::make_unique<Impl>(std::move(client))));
  }

  egress::HttpClient client;
};

// The Guard's client (declared in runtime/guard.cc).
std::unique_ptr<HttpClient> MakeHttpClient(egress::HttpClient client) {
  return HttpClient::Impl::Make(std::move(client));
}

namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// The public kinds mirror the client's internal categories one to one.
constexpr bool SameValue(HttpErrorKind kind, egress::FetchErrorCategory category) {
  return static_cast<int>(kind) == static_cast<int>(category);
}
static_assert(SameValue(HttpErrorKind::kDenied, egress::FetchErrorCategory::kDenied) &&
              SameValue(HttpErrorKind::kTls, egress::FetchErrorCategory::kTls) &&
              SameValue(HttpErrorKind::kTimeout, egress::FetchErrorCategory::kTimeout) &&
              SameValue(HttpErrorKind::kTooLarge, egress::FetchErrorCategory::kTooLarge) &&
              SameValue(HttpErrorKind::kOther, egress::FetchErrorCategory::kOther));

HttpErrorKind KindOf(egress::FetchErrorCategory category) {
  return static_cast<HttpErrorKind>(category);
}

HttpError Error(HttpErrorKind kind, std::string message, std::string_view url) {
  HttpError e;
  e.kind = kind;
  e.message = std::move(message);
  e.url = std::string(url);
  return e;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

std::string_view HttpErrorKindName(HttpErrorKind kind) {
  return egress::FetchErrorCategoryName(static_cast<egress::FetchErrorCategory>(kind));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

HttpResult HttpClient::Get(std::string_view url, const HttpOptions& options) const {
  return Request("GET", url, {}, options);
}

HttpResult HttpClient::Post(std::string_view url, std::string_view body,
                            const HttpOptions& options) const {
  return Request("POST", url, body, options);
}

HttpResult HttpClient::Request(std::string_view method, std::string_view url,
                               std::string_view body, const HttpOptions& options) const {
  try {
    if (options.connect_timeout.count() <= 0 || options.timeout.count() <= 0) {
      return Error(HttpErrorKind::kOther, "invalid request: timeouts must be positive", url);
    }
    egress::RequestSpec spec;
    spec.method = method;
    spec.url = url;
    spec.body = body;
    spec.headers = &options.headers;
    egress::FetchOptions fetch;  // no CA override: the policy decides
    fetch.connect_timeout = std::min(options.connect_timeout, options.timeout);
    fetch.total_timeout = options.timeout;
    fetch.max_body_bytes = options.max_response_bytes;
    egress::FetchResult r = impl_->client.Send(spec, fetch);
    if (!r.ok()) {
      HttpError e = Error(KindOf(r.error.category), std::move(r.error.message), r.error.url);
      if (r.error.category == egress::FetchErrorCategory::kDenied ||
          r.error.category == egress::FetchErrorCategory::kTls) {
        e.rule = std::move(r.error.decision.rule);
      }
      return e;
    }
    HttpResponse response;
    response.status = static_cast<int>(r.response->status);
    response.headers = std::move(r.response->headers);
    response.body = std::move(r.response->body);
    response.url = std::move(r.response->url);
    response.redirects = r.response->redirects;
    return response;
  } catch (const std::exception& e) {
    return Error(HttpErrorKind::kOther, std::string("fnguard client failure: ") + e.what(), url);
  } catch (...) {
    return Error(HttpErrorKind::kOther, "fnguard client failure", url);
  }
}

}  // namespace fnguard
