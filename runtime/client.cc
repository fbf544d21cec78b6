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

HttpErrorKind KindOf(egress::FetchErrorCategory category) {
  switch (category) {
    case egress::FetchErrorCategory::kDenied:
      return HttpErrorKind::kDenied;
    case egress::FetchErrorCategory::kTls:
      return HttpErrorKind::kTls;
    case egress::FetchErrorCategory::kTimeout:
      return HttpErrorKind::kTimeout;
    case egress::FetchErrorCategory::kTooLarge:
      return HttpErrorKind::kTooLarge;
    case egress::FetchErrorCategory::kOther:
      return HttpErrorKind::kOther;
  }
  return HttpErrorKind::kOther;
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
  switch (kind) {
    case HttpErrorKind::kDenied:
      return "denied";
    case HttpErrorKind::kTls:
      return "tls";
    case HttpErrorKind::kTimeout:
      return "timeout";
    case HttpErrorKind::kTooLarge:
      return "too_large";
    case HttpErrorKind::kOther:
      return "other";
  }
  return "other";
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
