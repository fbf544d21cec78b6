// SecurityEvent <-> OTLP logs.
//
// Encoding (function side): each SecurityEvent becomes one LogRecord in one
// ExportLogsServiceRequest per batch. Severity follows the action (block ->
// WARN 13, monitor -> INFO 9, internal -> ERROR 17), the body is the reason,
// and every field is an attribute under the "fnguard." prefix. The resource
// carries service.name, faas.name, faas.version, cloud.provider, cloud.region;
// faas.invocation_id is a per-record attribute.
//
// Decoding (collector side): DecodeExportLogsRequest() turns an HTTP body
// into a request, validating content type, encoding and size; it is the
// function the collector fuzzer drives. EventFromLogRecord() maps a record
// back to the canonical fnguard.v1.SecurityEvent.
#ifndef FNGUARD_RUNTIME_REPORT_OTLP_H_
#define FNGUARD_RUNTIME_REPORT_OTLP_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/report/proto/otlp_logs_service.pb.h"
#include "runtime/report/proto/security_event.pb.h"
#include "runtime/report/reporter.h"

namespace fnguard::report {

namespace otlp_collector = ::opentelemetry::proto::collector::logs::v1;
namespace otlp_logs = ::opentelemetry::proto::logs::v1;

inline constexpr std::string_view kAttrPrefix = "fnguard.";
inline constexpr uint32_t kSchemaVersion = 1;

// Who produced the events: read once from the Lambda environment.
struct ResourceInfo {
  std::string service_name;  // AWS_LAMBDA_FUNCTION_NAME, else "fnguard"
  std::string function_name;
  std::string function_version;
  std::string region;
  static ResourceInfo FromEnv();
};

// "injection" -> INJECTION, ...; unknown names map to KIND_UNSPECIFIED.
fnguard::v1::SecurityEvent::Kind KindFromName(std::string_view kind);
std::string_view KindName(fnguard::v1::SecurityEvent::Kind kind);

// The canonical message for an event.
fnguard::v1::SecurityEvent ToProto(const SecurityEvent& e);

// Fills `record` from `e` (see the mapping above).
void EncodeLogRecord(const SecurityEvent& e, otlp_logs::LogRecord* record);

// One export request carrying `events` under one resource and scope.
otlp_collector::ExportLogsServiceRequest BuildExportRequest(const ResourceInfo& resource,
                                                            const std::vector<SecurityEvent>& events);

// Writes the serialized ExportLogsServiceRequest for a batch straight from
// the events, without building messages: byte for byte what
// BuildExportRequest(resource, events).SerializeAsString() gives (a unit
// test holds the two together), at a fraction of the cost. The sender's hot
// path. Reusable: Finish() resets it, keeping its buffer.
class ExportRequestEncoder {
 public:
  explicit ExportRequestEncoder(ResourceInfo resource) : resource_(std::move(resource)) {}
  void Add(const SecurityEvent& e);
  size_t events() const { return count_; }
  // Replaces *out with the request.
  void Finish(std::string* out);

 private:
  ResourceInfo resource_;
  std::string records_;  // the encoded ScopeLogs.log_records fields
  size_t count_ = 0;
};

// EncodeExportRequest(resource, events) == BuildExportRequest(...).SerializeAsString().
std::string EncodeExportRequest(const ResourceInfo& resource, const std::vector<SecurityEvent>& events);

// Limits applied to a request body by the collector.
inline constexpr size_t kMaxRequestBytes = 16u << 20;  // on the wire and decompressed

// Why a body was refused, with the HTTP status the collector answers.
struct DecodeError {
  int http_status = 400;  // 400 undecodable, 413 too large, 415 unsupported type/encoding
  std::string message;
};

// Whether the media type of `content_type` is application/x-protobuf.
bool IsProtobufContentType(std::string_view content_type);

// Decodes an OTLP/HTTP logs body. `content_type` is matched on its media type
// (parameters ignored): application/x-protobuf or application/json (the OTLP
// JSON mapping). `content_encoding` is "", "identity" or "gzip". Never
// crashes and never allocates more than about kMaxRequestBytes for the body.
bool DecodeExportLogsRequest(std::string_view content_type, std::string_view content_encoding,
                             std::string_view body, otlp_collector::ExportLogsServiceRequest* out,
                             DecodeError* error);

// Maps one received record (and its resource) back to the canonical event.
// Missing attributes stay empty; resource attributes fill function fields the
// record lacks. event_id is empty when the record carries none.
fnguard::v1::SecurityEvent EventFromLogRecord(const otlp_logs::ResourceLogs& resource_logs,
                                              const otlp_logs::LogRecord& record);
// The same into *out (cleared first), reusing its string buffers.
void EventFromLogRecord(const otlp_logs::ResourceLogs& resource_logs, const otlp_logs::LogRecord& record,
                        fnguard::v1::SecurityEvent* out);

}  // namespace fnguard::report

#endif  // FNGUARD_RUNTIME_REPORT_OTLP_H_
