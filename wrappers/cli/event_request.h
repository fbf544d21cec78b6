// Turns a Lambda event back into the HTTP request a web server would have
// received, so that a conventional WAF (ModSecurity, see
// wrappers/cli/modsecurity_engine.h) can inspect exactly the data fnguard
// inspects.
//
//   HTTP API (payload 2.0) / Function URL: requestContext.http.method,
//     rawPath + "?" + rawQueryString, headers, cookies[] (joined into one
//     Cookie header), body (base64-decoded when isBase64Encoded).
//   REST API (payload 1.0) and ALB: httpMethod, path, the query rebuilt from
//     multiValueQueryStringParameters / queryStringParameters (REST values are
//     decoded by API Gateway and are percent-encoded again; ALB values arrive
//     still encoded and are used as they are), multiValueHeaders / headers,
//     body.
//   Any other event (SQS, S3, EventBridge, a JSON array, ...): a POST to "/" with the whole
//     event as an application/json body, which is how a WAF in front of the
//     function would see it.
//
// Example:
//   absl::StatusOr<EventRequest> r = HttpRequestFromEvent(event_json);
//   if (r.ok()) engine.Evaluate(r->request);
#ifndef FNGUARD_WRAPPERS_CLI_EVENT_REQUEST_H_
#define FNGUARD_WRAPPERS_CLI_EVENT_REQUEST_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace fnguard::cli {

// One HTTP/1.1 request as a server hands it to a WAF.
struct HttpRequest {
  std::string method = "GET";
  std::string uri = "/";  // request target: path, plus "?query" when there is one
  std::string http_version = "1.1";
  std::string client_ip = "203.0.113.10";
  std::vector<std::pair<std::string, std::string>> headers;  // in event order
  std::string body;
};

// Which event shape the request was rebuilt from.
enum class RequestSource {
  kHttpApiV2,   // HTTP API payload 2.0, Function URL
  kRestApiV1,   // REST API proxy integration (payload 1.0)
  kAlb,         // Application Load Balancer target
  kOtherEvent,  // not an HTTP event: posted whole as a JSON body
};

struct EventRequest {
  HttpRequest request;
  RequestSource source = RequestSource::kOtherEvent;
};

// Rebuilds the request. InvalidArgument when `event_json` is not JSON at all
// (any JSON document that is not an HTTP event is posted whole). Never throws.
absl::StatusOr<EventRequest> HttpRequestFromEvent(std::string_view event_json);

// "http-api-v2", "rest-api-v1", "alb", "other-event".
std::string_view RequestSourceName(RequestSource source);

}  // namespace fnguard::cli

#endif  // FNGUARD_WRAPPERS_CLI_EVENT_REQUEST_H_
