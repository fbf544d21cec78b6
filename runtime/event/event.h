// Event model: a Lambda invocation payload decoded into a flat list of
// (path, value) fields, in one pass.
//
// Paths name where a value came from, in the user's words:
//   path                       the HTTP request path (raw, still encoded)
//   query.<name>               one query-string value (URL-decoded once)
//   headers.<name>             one header value; the name is lower-cased
//   cookies.<name>             one cookie value (Cookie header or v2 `cookies`)
//   params.<name>              API Gateway path parameters
//   body                       the whole body when it is not structured
//   body.<a>.<b>[2].<c>        a value inside a JSON body
//   body.<name>                a form-urlencoded or multipart field value
//   records[0].body...         SQS/SNS/Kinesis-style record messages
//   records["t-0"][0].value... Kafka record values and keys (base64 decoded)
//   awslogs.data.logEvents[0].message  CloudWatch Logs lines (decompressed)
//   <a>.<b>                    any other JSON event: the JSON path from the root
// Repeated names (multi-value headers/query) produce one field each.
//
// Object keys that are not plain identifiers are also emitted as fields with
// `is_key` set (value = the key), so `$ne`, `__proto__` and friends can be
// judged on their own. So are query, form, multipart and cookie names that are
// not plain identifiers, with `is_param_name` set too: a name the sender typed
// into the request line or body reaches code that reads the raw query or body
// (`?;cat /etc/passwd`, `?../../etc/passwd`) and is judged like a value.
//
// Limits (bytes, depth, field count) are enforced while decoding; crossing one
// never fails the decode: it records a LimitFinding and stops descending into
// that part.
#ifndef FNGUARD_RUNTIME_EVENT_EVENT_H_
#define FNGUARD_RUNTIME_EVENT_EVENT_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace fnguard::event {

enum class Location : uint8_t {
  kPath = 0,  // request path
  kQuery,     // query-string value
  kHeader,    // header value
  kCookie,    // cookie value
  kParam,     // path parameter
  kBody,      // request body (whole or a field inside it)
  kMessage,   // a queue/topic/stream record message or attribute
  kOther,     // any other JSON value of a generic event
};

std::string_view LocationName(Location loc);

enum class Kind : uint8_t {
  kGeneric = 0,      // any other JSON
  kApiGatewayV1,     // REST API proxy (also API Gateway v1-format authorizers)
  kApiGatewayV2,     // HTTP API payload 2.0 (also Function URLs, whose events share it)
  kFunctionUrl,      // Lambda Function URL (requestContext.domainName *.lambda-url.*)
  kAlb,              // Application Load Balancer target
  kWebSocket,        // API Gateway WebSocket
  kSqs,
  kSns,
  kEventBridge,
  kKinesis,
  kKafka,            // Amazon MSK and self-managed Apache Kafka
  kS3,               // S3 event notifications
  kCloudWatchLogs,   // CloudWatch Logs subscription (awslogs.data, gzip)
};
// The last Kind, for loops over all of them.
inline constexpr Kind kLastKind = Kind::kCloudWatchLogs;

std::string_view KindName(Kind kind);  // "apigw-v1", "apigw-v2", "function-url", "alb", ...

// True for events that expect an HTTP-shaped response ({"statusCode":...}).
bool IsHttpKind(Kind kind);

struct Field {
  // Both views stay valid until the next Decode() on the same Decoder.
  std::string_view path;   // see the header comment
  std::string_view value;
  Location location = Location::kOther;
  bool is_key = false;     // `value` is an object key name
  bool is_param_name = false;  // ...a query, form, multipart or cookie name (is_key too)
  // The whole of an XML body whose nodes are fields of their own: custom
  // rules read it (a pattern written for the body as a whole), the
  // detectors read the nodes.
  bool xml_document = false;
};

struct LimitFinding {
  std::string limit;   // "max_event_bytes" | "max_body_bytes" | "max_depth" | "max_fields" |
                       // "body_encoding" | "content_encoding"
  std::string path;    // where it was crossed
  std::string detail;  // human sentence: "JSON nesting deeper than 32 levels"
};

struct Limits {
  size_t max_event_bytes = 6 * 1024 * 1024;  // Lambda's synchronous payload cap
  size_t max_body_bytes = 1024 * 1024;       // decoded body size inspected
  uint32_t max_depth = 32;                   // JSON/XML nesting
  size_t max_fields = 10000;                 // fields emitted
};

struct DecodedEvent {
  Kind kind = Kind::kGeneric;
  std::string_view content_type;  // lower-cased media type of the body, "" if none
  std::string_view method;        // HTTP method, "" if not an HTTP event
  std::vector<Field> fields;
  std::vector<LimitFinding> limit_findings;
  // How many payload strings were lifted out of the event before its parse
  // (json_lift.h); the fields are the same either way.
  size_t lifted_strings = 0;
  void Clear() {
    kind = Kind::kGeneric;
    content_type = {};
    method = {};
    fields.clear();
    limit_findings.clear();
    lifted_strings = 0;
  }
};

// Decodes events. Keeps parser buffers between calls so that steady-state
// decoding does not allocate. Not thread-safe: one per invocation context.
class Decoder {
 public:
  explicit Decoder(Limits limits = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes `json` into `out` (cleared first). Returns InvalidArgument when
  // `json` is not a JSON document at all (truncated, invalid UTF-8, ...);
  // limit crossings are not errors (see `out->limit_findings`). Field values
  // and paths stay valid until the next Decode() call on this Decoder, and
  // values require `json` to outlive them.
  absl::Status Decode(std::string_view json, DecodedEvent* out);

  const Limits& limits() const { return limits_; }

 private:
  struct State;
  Limits limits_;
  std::unique_ptr<State> state_;
};

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_EVENT_H_
