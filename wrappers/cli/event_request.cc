#include "wrappers/cli/event_request.h"

#include <simdjson.h>

#include <cctype>

#include "absl/status/status.h"
#include "runtime/event/json_surrogates.h"
#include "wrappers/cli/eval_events.h"

namespace fnguard::cli {
namespace {

using simdjson::dom::element;
using Lookup = simdjson::simdjson_result<element>;  // an element, or why there is none

std::string_view StringAt(Lookup el, std::string_view key) {
  std::string_view s;
  if (el[key].get_string().get(s) == simdjson::SUCCESS) return s;
  return {};
}

bool Has(Lookup el, std::string_view key) {
  element child;
  return el[key].get(child) == simdjson::SUCCESS && !child.is_null();
}

std::string_view StringAt(element el, std::string_view key) {
  return StringAt(Lookup(std::move(el)), key);
}
bool Has(element el, std::string_view key) { return Has(Lookup(std::move(el)), key); }

// Standard or URL-safe base64; whitespace and padding skipped. Returns false
// on any other character (the body is then passed on as it is).
bool DecodeBase64(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=' || c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    else return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

std::string Body(element event) {
  std::string_view body = StringAt(event, "body");
  bool base64 = false;
  if (event["isBase64Encoded"].get_bool().get(base64) == simdjson::SUCCESS && base64) {
    std::string decoded;
    if (DecodeBase64(body, &decoded)) return decoded;
  }
  return std::string(body);
}

// Adds "name: value" for each string (or array-of-strings) member of `obj`.
void AddHeaders(element obj, std::vector<std::pair<std::string, std::string>>* out) {
  simdjson::dom::object headers;
  if (obj.get_object().get(headers) != simdjson::SUCCESS) return;
  for (auto [name, value] : headers) {
    std::string_view s;
    if (value.get_string().get(s) == simdjson::SUCCESS) {
      out->emplace_back(std::string(name), std::string(s));
    } else if (value.is_array()) {
      for (element item : value.get_array()) {
        if (item.get_string().get(s) == simdjson::SUCCESS) {
          out->emplace_back(std::string(name), std::string(s));
        }
      }
    }
  }
}

// Appends name=value pairs of a (multi-value) parameter object to `query`.
// `encode` percent-encodes names and values that API Gateway decoded.
void AppendQuery(element params, bool encode, std::string* query) {
  simdjson::dom::object obj;
  if (params.get_object().get(obj) != simdjson::SUCCESS) return;
  auto append = [&](std::string_view name, std::string_view value) {
    if (!query->empty()) query->push_back('&');
    query->append(encode ? UrlEncode(name) : std::string(name));
    query->push_back('=');
    query->append(encode ? UrlEncode(value) : std::string(value));
  };
  for (auto [name, value] : obj) {
    std::string_view s;
    if (value.get_string().get(s) == simdjson::SUCCESS) {
      append(name, s);
    } else if (value.is_array()) {
      for (element item : value.get_array()) {
        if (item.get_string().get(s) == simdjson::SUCCESS) append(name, s);
      }
    }
  }
}

void FromHttpApiV2(element event, HttpRequest* req) {
  Lookup http = event["requestContext"]["http"];
  if (http.error() == simdjson::SUCCESS) {
    if (auto m = StringAt(http, "method"); !m.empty()) req->method = std::string(m);
    if (auto ip = StringAt(http, "sourceIp"); !ip.empty()) req->client_ip = std::string(ip);
    std::string_view protocol = StringAt(http, "protocol");
    if (protocol.substr(0, 5) == "HTTP/" && protocol.size() > 5) {
      req->http_version = std::string(protocol.substr(5));
    }
  }
  std::string_view path = StringAt(event, "rawPath");
  if (path.empty()) path = StringAt(http, "path");
  req->uri = path.empty() ? "/" : std::string(path);
  if (std::string_view q = StringAt(event, "rawQueryString"); !q.empty()) {
    req->uri.push_back('?');
    req->uri.append(q);
  }
  element headers;
  if (event["headers"].get(headers) == simdjson::SUCCESS) AddHeaders(headers, &req->headers);
  simdjson::dom::array cookies;
  if (event["cookies"].get_array().get(cookies) == simdjson::SUCCESS) {
    std::string joined;
    for (element c : cookies) {
      std::string_view s;
      if (c.get_string().get(s) != simdjson::SUCCESS) continue;
      if (!joined.empty()) joined.append("; ");
      joined.append(s);
    }
    if (!joined.empty()) req->headers.emplace_back("cookie", std::move(joined));
  }
  req->body = Body(event);
}

void FromRestOrAlb(element event, bool alb, HttpRequest* req) {
  if (auto m = StringAt(event, "httpMethod"); !m.empty()) req->method = std::string(m);
  std::string_view ip = StringAt(event["requestContext"]["identity"], "sourceIp");
  if (!ip.empty()) req->client_ip = std::string(ip);
  std::string_view path = StringAt(event, "path");
  req->uri = path.empty() ? "/" : std::string(path);
  std::string query;
  element params;
  if (event["multiValueQueryStringParameters"].get(params) == simdjson::SUCCESS &&
      params.is_object()) {
    AppendQuery(params, !alb, &query);
  } else if (event["queryStringParameters"].get(params) == simdjson::SUCCESS) {
    AppendQuery(params, !alb, &query);
  }
  if (!query.empty()) {
    req->uri.push_back('?');
    req->uri.append(query);
  }
  element headers;
  if (event["multiValueHeaders"].get(headers) == simdjson::SUCCESS && headers.is_object()) {
    AddHeaders(headers, &req->headers);
  } else if (event["headers"].get(headers) == simdjson::SUCCESS) {
    AddHeaders(headers, &req->headers);
  }
  req->body = Body(event);
}

}  // namespace

std::string_view RequestSourceName(RequestSource source) {
  switch (source) {
    case RequestSource::kHttpApiV2: return "http-api-v2";
    case RequestSource::kRestApiV1: return "rest-api-v1";
    case RequestSource::kAlb: return "alb";
    case RequestSource::kOtherEvent: return "other-event";
  }
  return "other-event";
}

absl::StatusOr<EventRequest> HttpRequestFromEvent(std::string_view event_json) {
  simdjson::dom::parser parser;
  element event;
  simdjson::error_code err = parser.parse(event_json.data(), event_json.size()).get(event);
  std::string repaired;  // as the decoder reads it: lone surrogates as U+FFFD
  if (err == simdjson::STRING_ERROR && event::ReplaceLoneSurrogates(event_json, &repaired)) {
    err = parser.parse(repaired).get(event);
  }
  if (err) {
    return absl::InvalidArgumentError(std::string("event is not JSON: ") +
                                      simdjson::error_message(err));
  }
  EventRequest out;
  HttpRequest& req = out.request;
  if (!event.is_object()) {
    out.source = RequestSource::kOtherEvent;  // e.g. an AppSync batch: a JSON array
  } else if (Has(event, "rawPath") || Has(event["requestContext"], "http")) {
    out.source = RequestSource::kHttpApiV2;
    FromHttpApiV2(event, &req);
  } else if (Has(event, "httpMethod")) {
    const bool alb = Has(event["requestContext"], "elb");
    out.source = alb ? RequestSource::kAlb : RequestSource::kRestApiV1;
    FromRestOrAlb(event, alb, &req);
  }
  if (out.source == RequestSource::kOtherEvent) {
    req.method = "POST";  // to the default uri "/"
    req.headers = {{"host", "function.example.com"},
                   {"content-type", "application/json"},
                   {"user-agent", "aws-lambda-event-source"}};
    req.body = std::string(event_json);
  }
  // A server always sees a Host header; HTTP API events carry it, other
  // shapes may not.
  bool has_host = false;
  bool has_length = false;
  for (const auto& [name, value] : req.headers) {
    std::string lower;
    for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    has_host = has_host || lower == "host";
    has_length = has_length || lower == "content-length";
  }
  if (!has_host) req.headers.emplace_back("host", "function.example.com");
  if (!has_length && !req.body.empty()) {
    req.headers.emplace_back("content-length", std::to_string(req.body.size()));
  }
  return out;
}

}  // namespace fnguard::cli
