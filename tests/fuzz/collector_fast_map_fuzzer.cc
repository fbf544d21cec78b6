// Differential fuzzing of the collector's two protobuf decoders: whenever
// report::FastMapExportLogs() accepts a body, the protobuf parser must accept
// it too and the message path (MapRecord) must give the same events, byte for
// byte (runtime/report/event_map.h).
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/report/event_map.h"
#include "runtime/report/otlp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static google::protobuf::LogSilencer* quiet = new google::protobuf::LogSilencer();
  (void)quiet;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  fnguard::report::MappedEvents fast;
  if (!fnguard::report::FastMapExportLogs(body, &fast)) return 0;
  fnguard::report::otlp_collector::ExportLogsServiceRequest request;
  if (!request.ParseFromArray(body.data(), static_cast<int>(body.size()))) __builtin_trap();
  size_t i = 0;
  fnguard::report::EventMapper mapper;
  std::string blob;
  for (const auto& rl : request.resource_logs()) {
    for (const auto& sl : rl.scope_logs()) {
      for (const auto& record : sl.log_records()) {
        if (i >= fast.events.size()) __builtin_trap();
        fnguard::report::EventFields slow;
        fnguard::report::MapRecord(rl, record, &mapper, &slow);
        blob.clear();
        slow.AppendSerialized(&blob);
        if (blob != fast.blob(fast.events[i])) __builtin_trap();
        ++i;
      }
    }
  }
  if (i != fast.events.size()) __builtin_trap();
  return 0;
}
