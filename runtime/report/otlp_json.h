// OTLP/JSON bodies read into the generated messages.
//
// The reporting schemas are generated for libprotobuf-lite, which has no
// descriptors and so no JSON support of its own; these readers implement the
// protobuf JSON mapping for the OTLP logs messages only: lowerCamelCase or
// original field names, 64-bit integers as numbers or decimal strings, enums
// by name or number, bytes as base64 (standard or URL-safe, padding
// optional), doubles also as "NaN" / "Infinity" / "-Infinity", null as the
// default value, unknown fields ignored. A value of the wrong type, an
// integer out of range or nesting deeper than 100 levels is an error.
//
// OTLP/JSON's hex trace and span ids are valid base64, so they arrive here as
// the base64 decoding of the hex text; DecodeExportLogsRequest() (otlp.h)
// turns them back into the id bytes.
#ifndef FNGUARD_RUNTIME_REPORT_OTLP_JSON_H_
#define FNGUARD_RUNTIME_REPORT_OTLP_JSON_H_

#include <string_view>

#include "absl/status/status.h"
#include "runtime/report/proto/otlp_logs_service.pb.h"

namespace fnguard::report {

// `out` is cleared first; on error it holds what was read before the error.
absl::Status ParseJsonExportLogsRequest(
    std::string_view json, ::opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest* out);
absl::Status ParseJsonExportLogsResponse(
    std::string_view json, ::opentelemetry::proto::collector::logs::v1::ExportLogsServiceResponse* out);

}  // namespace fnguard::report

#endif  // FNGUARD_RUNTIME_REPORT_OTLP_JSON_H_
