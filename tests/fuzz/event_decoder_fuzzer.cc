// Fuzzes the event decoder two ways, selected by the first input byte:
//   even: the rest of the input is the whole event;
//   odd:  the rest is the body of an API Gateway v2 event (or an SQS message),
//         with a content type and base64 flag chosen by the second byte; or,
//         by its top bits, a body sent gzip- or Brotli-compressed (Content-Encoding;
//         with bit 0 set, in a REST v1 event whose Content-Type and
//         Content-Encoding lines are repeated), a CloudWatch Logs document,
//         or a Kafka record's value, key and header (compressed and
//         base64-encoded here, so that decoding gets past the framing; the
//         raw bytes too, for the corrupt paths).
// Every field value is read back so that dangling views show up under ASan.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/event/event.h"
#include "runtime/event/text_codecs.h"
#include "runtime/report/gzip.h"
#include "tests/support/brotli_compress.h"
#include "tests/fuzz/json_escape.h"

namespace {

using fnguard::event::Base64Encode;
using fnguard::event::DecodedEvent;
using fnguard::event::Decoder;
using fnguard::event::Limits;
using fnguard::fuzz::AppendJsonEscaped;

size_t Consume(const DecodedEvent& ev) {
  size_t sum = ev.content_type.size() + ev.method.size();
  for (const auto& f : ev.fields) {
    // Every byte is read, so that a view into freed memory trips ASan.
    for (char c : f.value) sum += static_cast<unsigned char>(c);
    for (char c : f.path) sum += static_cast<unsigned char>(c);
  }
  for (const auto& l : ev.limit_findings) sum += l.limit.size() + l.path.size();
  return sum;
}

Decoder& SmallDecoder() {
  static Decoder* decoder = new Decoder(Limits{
      .max_event_bytes = 256 * 1024, .max_body_bytes = 4096, .max_depth = 8, .max_fields = 200});
  return *decoder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  Decoder& decoder = SmallDecoder();
  DecodedEvent ev;
  volatile size_t sink = 0;
  if ((data[0] & 1) == 0) {
    std::string copy(input);  // exact-size buffer: reads past the end are caught
    if (decoder.Decode(copy, &ev).ok()) sink = sink + Consume(ev);
    return 0;
  }
  static const char* const kContentTypes[] = {
      "application/json",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=XyZ",
      "multipart/form-data; boundary=\\\"a b\\\"",
      "application/xml",
      "text/plain",
      "",
      "APPLICATION/vnd.api+JSON; charset=utf-8",
  };
  uint8_t selector = input.empty() ? 0 : static_cast<uint8_t>(input[0]);
  std::string_view body = input.empty() ? input : input.substr(1);
  const char* content_type = kContentTypes[selector % 8];
  bool base64 = (selector & 8) != 0;
  bool sqs = (selector & 16) != 0;
  const int compressed_shape = selector >> 5;  // 0..7
  // Valid compressed data half of the time, the raw bytes otherwise; a body
  // sent with Content-Encoding is Brotli-coded when bit 1 is set.
  const bool brotli = compressed_shape == 5 && (selector & 2) != 0;
  const std::string packed =
      (selector & 8) == 0 ? std::string(body)
      : brotli            ? Base64Encode(fnguard::test_support::BrotliCompress(body, 1, 16))
                          : Base64Encode(fnguard::report::GzipCompress(body, 1));
  std::string event;
  const char* coding = brotli ? "br" : (selector & 4) != 0 ? "gzip" : "deflate, x-gzip";
  if (compressed_shape == 5 && (selector & 1) != 0) {
    // REST v1 with repeated lines: two Content-Types, "identity" before the
    // coding, and the last line in the single-value map (each a reading).
    event = R"({"httpMethod":"POST","path":"/p","resource":"/p","headers":{"Content-Encoding":")";
    event += coding;
    event += R"("},"multiValueHeaders":{"Content-Type":[")";
    event += content_type;
    event += R"(",")";
    event += kContentTypes[(selector >> 1) % 8];
    event += R"("],"content-encoding":["identity",")";
    event += coding;
    event += R"("]},"isBase64Encoded":true,"body":")";
    AppendJsonEscaped(packed, &event);
    event += "\"}";
  } else if (compressed_shape == 5) {
    event = R"({"version":"2.0","rawPath":"/p","headers":{"content-type":")";
    event += content_type;
    event += R"(","content-encoding":")";
    event += coding;
    event += R"("},"requestContext":{"http":{"method":"POST"}},"isBase64Encoded":true,"body":")";
    AppendJsonEscaped(packed, &event);
    event += "\"}";
  } else if (compressed_shape == 6) {
    event = R"({"awslogs":{"data":")";
    AppendJsonEscaped(packed, &event);
    event += R"("}})";
  } else if (compressed_shape == 7) {
    event = R"({"eventSource":"aws:kafka","records":{"t-0":[{"key":")";
    AppendJsonEscaped(Base64Encode(body.substr(0, 16)), &event);
    event += R"(","value":")";
    AppendJsonEscaped((selector & 8) != 0 ? Base64Encode(body) : std::string(body),
                      &event);
    event += R"(","headers":[{"h":[)";
    for (size_t i = 0; i < body.size() && i < 32; ++i) {
      if (i > 0) event += ',';
      event += std::to_string(static_cast<int>(static_cast<int8_t>(body[i])));
    }
    event += "]}]}]}}";
  } else if (sqs) {
    event = R"({"Records":[{"eventSource":"aws:sqs","body":")";
    AppendJsonEscaped(body, &event);
    event += R"("},{"kinesis":{"data":")";
    AppendJsonEscaped(body, &event);
    event += R"("}}]})";
  } else {
    event = R"({"version":"2.0","rawPath":"/p","rawQueryString":")";
    AppendJsonEscaped(body.substr(0, 64), &event);
    event += R"(","cookies":["a=b"],"headers":{"content-type":")";
    event += content_type;
    event += R"(","cookie":"c=d"},"requestContext":{"http":{"method":"POST"}},"isBase64Encoded":)";
    event += base64 ? "true" : "false";
    event += R"(,"body":")";
    AppendJsonEscaped(body, &event);
    event += "\"}";
  }
  if (decoder.Decode(event, &ev).ok()) sink = sink + Consume(ev);
  return 0;
}
