// The collector's side of the OTLP mapping: one received LogRecord (and its
// resource) -> the canonical fnguard.v1.SecurityEvent, kept as its fields by
// field number (EventFields) so that it can be stored without building
// messages.
//
// Two decoders share this one mapping (EventMapper):
//   - the message path: a parsed ExportLogsServiceRequest (any body the
//     protobuf and JSON parsers take) -> MapRecord();
//   - FastMapExportLogs(): walks a protobuf body's wire format directly, for
//     the common shape of OTLP logs. It gives up (returns false) on anything
//     outside that shape or anything the protobuf parser would refuse, and the
//     caller then takes the message path; whatever it accepts, it maps to the
//     same events, byte for byte (tests/unit/report/event_map_test.cc and
//     tests/fuzz/collector_fast_map_fuzzer.cc hold the two together).
#ifndef FNGUARD_RUNTIME_REPORT_EVENT_MAP_H_
#define FNGUARD_RUNTIME_REPORT_EVENT_MAP_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/report/proto/otlp_logs_service.pb.h"
#include "runtime/report/proto/security_event.pb.h"

namespace fnguard::report {

// An attribute (or body) value as the mapping sees it.
struct AttrValue {
  enum Case { kNone, kString, kBool, kInt, kDouble, kOther } kind = kNone;  // kOther: array, kvlist, bytes
  std::string_view str;
  bool b = false;
  int64_t i = 0;
  double d = 0;
};

// fnguard.v1.SecurityEvent by field number. Strings are views: into the
// request body, the parsed messages, or the mapper's own storage.
struct EventFields {
  static constexpr int kMaxField = 21;
  uint32_t schema_version = 0;          // 1
  uint64_t time_unix_nano = 0;          // 3
  int kind = 0;                         // 4 (SecurityEvent::Kind)
  bool timed_out = false;               // 19
  uint32_t findings = 0;                // 20
  std::string_view text[kMaxField + 1]; // string fields: 2, 5-18, 21

  std::string_view event_id() const { return text[2]; }
  // Appends the serialized SecurityEvent: exactly what SerializeToString()
  // of the same message writes (ascending field numbers, defaults omitted).
  void AppendSerialized(std::string* out) const;
};

// Maps records to EventFields. Owns the strings it has to make (numbers
// printed as text, hex trace ids); they live until Reset().
class EventMapper {
 public:
  // Record by record: Begin, then Body (when the record has one), then every
  // resource attribute, then every record attribute in order, then Finish.
  void Begin(EventFields* e, uint64_t time_unix_nano, uint64_t observed_time_unix_nano);
  void Body(EventFields* e, const AttrValue& body);
  void ResourceAttribute(EventFields* e, std::string_view key, const AttrValue& v);
  void RecordAttribute(EventFields* e, std::string_view key, const AttrValue& v);
  void Finish(EventFields* e, std::string_view record_trace_id);
  // Keeps `s` until Reset(); returns a view of it.
  std::string_view Own(std::string s);
  void Reset() { owned_.clear(); }

 private:
  void SetText(EventFields* e, int field, const AttrValue& v);
  std::deque<std::string> owned_;
};

// The message path for one record: fills `e` from the parsed messages
// (strings stay views into them).
void MapRecord(const ::opentelemetry::proto::logs::v1::ResourceLogs& resource_logs,
               const ::opentelemetry::proto::logs::v1::LogRecord& record, EventMapper* mapper, EventFields* e);

// A request's events, mapped, with their serialized SecurityEvents.
struct MappedEvents {
  struct Event {
    EventFields fields;
    size_t blob_offset = 0;  // into blobs
    size_t blob_size = 0;
  };
  std::vector<Event> events;
  std::string blobs;
  EventMapper mapper;
  bool missing_id = false;  // some record has no fnguard.event_id
  std::string_view blob(const Event& e) const { return std::string_view(blobs).substr(e.blob_offset, e.blob_size); }
  void Clear() {
    events.clear();
    blobs.clear();
    mapper.Reset();
    missing_id = false;
  }
};

// Maps a protobuf ExportLogsServiceRequest body (identity encoding) into
// `out` without building messages. False when the body is outside the shape
// this handles (groups, array/kvlist values, a record without
// fnguard.event_id, malformed or non-UTF-8 data, ...): use the message path.
// `out` views into `body`, which must outlive it.
bool FastMapExportLogs(std::string_view body, MappedEvents* out);

}  // namespace fnguard::report

#endif  // FNGUARD_RUNTIME_REPORT_EVENT_MAP_H_
