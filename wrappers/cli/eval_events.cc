#include "wrappers/cli/eval_events.h"

#include <cctype>

#include "runtime/core/json.h"
#include "runtime/event/text_codecs.h"
#include "runtime/report/gzip.h"

namespace fnguard::cli {
namespace {

// Decodes one query component the way API Gateway fills
// queryStringParameters: %XX and '+' as space.
std::string QueryDecode(std::string_view s) {
  std::string out(s.size(), '\0');
  out.resize(event::PercentDecode(s, /*plus_as_space=*/true, out.data()));
  return out;
}

void BeginV2(json::Writer& w, std::string_view method, std::string_view path,
             std::string_view raw_query) {
  w.BeginObject();
  w.Field("version", "2.0");
  w.Field("routeKey", "$default");
  w.Field("rawPath", path);
  w.Field("rawQueryString", raw_query);
}

void RequestContext(json::Writer& w, std::string_view method, std::string_view path) {
  w.Key("requestContext").BeginObject();
  w.Field("accountId", "123456789012");
  w.Field("apiId", "evalapi");
  w.Field("domainName", "evalapi.execute-api.us-east-1.amazonaws.com");
  w.Key("http").BeginObject();
  w.Field("method", method);
  w.Field("path", path);
  w.Field("protocol", "HTTP/1.1");
  w.Field("sourceIp", "203.0.113.10");
  w.Field("userAgent", "fnguard-eval/1.0");
  w.EndObject();
  w.Field("requestId", "eval-request");
  w.Field("routeKey", "$default");
  w.Field("stage", "$default");
  w.Field("timeEpoch", int64_t{1700000000000});
  w.EndObject();
}

}  // namespace

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string JsonUnicodeEscaped(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 6 + 2);
  auto unit = [&](uint32_t u) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(u >> shift) & 15]);
  };
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (b < 0x80) {
      cp = b;
    } else {
      size_t need = b >= 0xF0 && b <= 0xF4 ? 3 : b >= 0xE0 && b < 0xF0 ? 2 : b >= 0xC2 && b < 0xE0 ? 1 : 0;
      uint32_t v = need == 3 ? b & 0x07u : need == 2 ? b & 0x0Fu : b & 0x1Fu;
      bool ok = need > 0 && i + need < s.size();
      for (size_t k = 1; ok && k <= need; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) ok = false;
        else v = (v << 6) | (c & 0x3Fu);
      }
      // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
      const uint32_t min = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000;
      if (ok && v >= min && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF)) {
        cp = v;
        len = need + 1;
      }
    }
    if (cp > 0xFFFF) {
      cp -= 0x10000;
      unit(0xD800 + (cp >> 10));
      unit(0xDC00 + (cp & 0x3FF));
    } else {
      unit(cp);
    }
    i += len;
  }
  out.push_back('"');
  return out;
}

std::string BuildEmbeddedEvent(Embed embed, std::string_view payload) {
  json::Writer w;
  const bool xml = embed == Embed::kXmlBody;
  const bool post = embed == Embed::kJsonBody || embed == Embed::kJsonBodyEscaped ||
                    embed == Embed::kJsonBodyGzip || xml;
  const std::string raw_query = embed == Embed::kQuery ? "q=" + UrlEncode(payload) : "";
  BeginV2(w, post ? "POST" : "GET", "/items", raw_query);
  w.Key("headers").BeginObject();
  w.Field("accept", "application/json");
  w.Field("host", "evalapi.execute-api.us-east-1.amazonaws.com");
  w.Field("user-agent", "fnguard-eval/1.0");
  if (post) w.Field("content-type", xml ? "application/xml" : "application/json");
  if (embed == Embed::kJsonBodyGzip) w.Field("content-encoding", "gzip");
  if (embed == Embed::kHeader) w.Field("x-input", payload);
  w.EndObject();
  if (embed == Embed::kQuery) {
    w.Key("queryStringParameters").BeginObject().Field("q", payload).EndObject();
  }
  RequestContext(w, post ? "POST" : "GET", "/items");
  if (embed == Embed::kJsonBody || embed == Embed::kJsonBodyGzip) {
    json::Writer body;
    body.BeginObject().Field("q", payload).EndObject();
    w.Field("body", embed == Embed::kJsonBody
                        ? body.str()
                        : event::Base64Encode(report::GzipCompress(body.str())));
  } else if (embed == Embed::kJsonBodyEscaped) {
    w.Field("body", "{\"q\":" + JsonUnicodeEscaped(payload) + "}");
  } else if (xml) {
    std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<request><q>";
    for (char c : payload) {
      if (c == '&') body += "&amp;";
      else if (c == '<') body += "&lt;";
      else if (c == '>') body += "&gt;";
      else body.push_back(c);
    }
    body += "</q></request>";
    w.Field("body", body);
  }
  w.Field("isBase64Encoded", embed == Embed::kJsonBodyGzip);
  w.EndObject();
  return w.Take();
}

std::string BuildRequestEvent(const RequestLine& req) {
  std::string_view uri = req.uri;
  // Absolute-form URIs (http://host/path?q) keep only path and query.
  if (auto scheme = uri.find("://"); scheme != std::string_view::npos && scheme < 8) {
    auto slash = uri.find('/', scheme + 3);
    uri = slash == std::string_view::npos ? std::string_view("/") : uri.substr(slash);
  }
  std::string_view path = uri;
  std::string_view query;
  if (auto q = uri.find('?'); q != std::string_view::npos) {
    path = uri.substr(0, q);
    query = uri.substr(q + 1);
  }
  json::Writer w;
  BeginV2(w, req.method, path, query);
  w.Key("headers").BeginObject();
  std::string cookies;
  for (const auto& [name, value] : req.headers) {
    std::string lower;
    for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (lower == "cookie") {
      cookies = value;
      continue;
    }
    w.Field(lower, value);
  }
  w.EndObject();
  if (!cookies.empty()) {
    w.Key("cookies").BeginArray();
    size_t start = 0;
    while (start <= cookies.size()) {
      size_t end = cookies.find(';', start);
      if (end == std::string::npos) end = cookies.size();
      std::string_view c = std::string_view(cookies).substr(start, end - start);
      while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
      if (!c.empty()) w.String(c);
      start = end + 1;
    }
    w.EndArray();
  }
  if (!query.empty()) {
    w.Key("queryStringParameters").BeginObject();
    size_t start = 0;
    while (start <= query.size()) {
      size_t end = query.find('&', start);
      if (end == std::string_view::npos) end = query.size();
      std::string_view pair = query.substr(start, end - start);
      if (!pair.empty()) {
        size_t eq = pair.find('=');
        std::string name = QueryDecode(pair.substr(0, eq));
        std::string value = eq == std::string_view::npos ? "" : QueryDecode(pair.substr(eq + 1));
        w.Field(name, value);
      }
      start = end + 1;
    }
    w.EndObject();
  }
  RequestContext(w, req.method, path);
  if (!req.body.empty()) w.Field("body", req.body);
  w.Field("isBase64Encoded", false);
  w.EndObject();
  return w.Take();
}

}  // namespace fnguard::cli
