// Builds the Lambda events `fnguard eval` inspects: a payload embedded in an
// HTTP API (payload format 2.0) request the way API Gateway would deliver it.
#ifndef FNGUARD_WRAPPERS_CLI_EVAL_EVENTS_H_
#define FNGUARD_WRAPPERS_CLI_EVAL_EVENTS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fnguard::cli {

enum class Embed { kRaw, kQuery, kJsonBody, kJsonBodyEscaped, kJsonBodyGzip, kHeader, kXmlBody };

// Percent-encodes every byte outside RFC 3986's unreserved set.
std::string UrlEncode(std::string_view s);

// A JSON string literal (with its quotes) whose every character is a \uXXXX
// escape (UTF-16 surrogate pairs above U+FFFF; an invalid UTF-8 byte becomes
// U+FFFD). A JSON parser reads back exactly `s` when `s` is valid UTF-8.
std::string JsonUnicodeEscaped(std::string_view s);

// An HTTP API v2 event carrying `payload` as query parameter `q`
// (rawQueryString percent-encoded, queryStringParameters decoded), as the
// JSON body field `q` (kJsonBodyEscaped: the same field with every character
// written as a \u escape; kJsonBodyGzip: the JSON body gzip-compressed, sent
// as base64 with Content-Encoding: gzip), as the request header `x-input`, or
// (kXmlBody) as the text of element `q` of an application/xml body, with
// '&', '<' and '>' escaped as an XML serializer writes them.
std::string BuildEmbeddedEvent(Embed embed, std::string_view payload);

// An HTTP API v2 event for a whole request line of a request corpus.
struct RequestLine {
  std::string method = "GET";
  std::string uri = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
std::string BuildRequestEvent(const RequestLine& req);

}  // namespace fnguard::cli

#endif  // FNGUARD_WRAPPERS_CLI_EVAL_EVENTS_H_
