// Fuzzes the collector's request decoding: content type and encoding
// selection, gzip inflation with its size cap, protobuf and OTLP JSON
// parsing, and the mapping of every record back to a security event.
// The first input byte picks the content type and encoding; the rest is the
// request body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/report/otlp.h"
#include "wrappers/cli/report_commands.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kTypes[] = {"application/x-protobuf", "application/json",
                                                "application/json; charset=utf-8", "text/plain"};
  static constexpr std::string_view kEncodings[] = {"", "gzip", "identity", "br"};
  std::string_view type = kTypes[data[0] & 3];
  std::string_view encoding = kEncodings[(data[0] >> 2) & 3];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  fnguard::report::otlp_collector::ExportLogsServiceRequest request;
  fnguard::report::DecodeError error;
  if (!fnguard::report::DecodeExportLogsRequest(type, encoding, body, &request, &error)) {
    if (error.http_status != 400 && error.http_status != 413 && error.http_status != 415) __builtin_trap();
    return 0;
  }
  for (const auto& rl : request.resource_logs()) {
    for (const auto& sl : rl.scope_logs()) {
      for (const auto& record : sl.log_records()) {
        auto event = fnguard::report::EventFromLogRecord(rl, record);
        if (event.event_id().empty()) (void)fnguard::cli::ContentHashId(rl, record);
        (void)fnguard::cli::EventToJson(event);
      }
    }
  }
  return 0;
}
