// Builds the Lambda events `fnguard eval` inspects: a payload embedded in an
// HTTP API (payload format 2.0) request the way API Gateway would deliver it.
#ifndef FNGUARD_WRAPPERS_CLI_EVAL_EVENTS_H_
#define FNGUARD_WRAPPERS_CLI_EVAL_EVENTS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fnguard::cli {

enum class Embed { kRaw, kQuery, kJsonBody, kHeader };

// Percent-encodes every byte outside RFC 3986's unreserved set.
std::string UrlEncode(std::string_view s);

// An HTTP API v2 event carrying `payload` as query parameter `q`
// (rawQueryString percent-encoded, queryStringParameters decoded), as the
// JSON body field `q`, or as the request header `x-input`.
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
