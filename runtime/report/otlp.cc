#include "runtime/report/otlp.h"

#include <google/protobuf/stubs/common.h>
#include <google/protobuf/stubs/logging.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "runtime/core/utf8.h"
#include "runtime/report/event_map.h"
#include "runtime/report/gzip.h"
#include "runtime/report/otlp_json.h"

namespace fnguard::report {
namespace {

using ::opentelemetry::proto::common::v1::AnyValue;
using ::opentelemetry::proto::common::v1::KeyValue;
using ::google::protobuf::RepeatedPtrField;
using V1Event = ::fnguard::v1::SecurityEvent;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

void AddString(RepeatedPtrField<KeyValue>* attrs, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  KeyValue* kv = attrs->Add();
  kv->set_key(std::string(key));
  kv->mutable_value()->set_string_value(std::string(value));
}

void AddInt(RepeatedPtrField<KeyValue>* attrs, std::string_view key, int64_t value) {
  KeyValue* kv = attrs->Add();
  kv->set_key(std::string(key));
  kv->mutable_value()->set_int_value(value);
}

void AddBool(RepeatedPtrField<KeyValue>* attrs, std::string_view key, bool value) {
  KeyValue* kv = attrs->Add();
  kv->set_key(std::string(key));
  kv->mutable_value()->set_bool_value(value);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A W3C trace id (32 hex digits, optionally "00-<id>-<span>-<flags>") as the
// 16 bytes OTLP wants; empty for other formats (X-Ray ids stay attributes).
std::string TraceIdBytes(std::string_view trace_id) {
  if (trace_id.size() == 55 && trace_id.substr(0, 3) == "00-") trace_id = trace_id.substr(3, 32);
  if (trace_id.size() != 32) return {};
  std::string out(16, '\0');
  for (size_t i = 0; i < 16; ++i) {
    int hi = HexDigit(trace_id[2 * i]);
    int lo = HexDigit(trace_id[2 * i + 1]);
    if (hi < 0 || lo < 0) return {};
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// OTLP/JSON writes trace and span ids as hex digits, where the protobuf JSON
// mapping that parsed the request reads bytes fields as base64. Hex digits
// are base64 digits too, so an id of 2n hex digits arrives as 3n/2 bytes (24
// for a trace id, 12 for a span id) and base64-encodes back to exactly the
// digits sent: those are read again as hex. An id sent as base64 (16 or 8
// bytes) is left as it is.
void RereadHexId(std::string* id, size_t want_bytes) {
  if (id->size() != want_bytes * 3 / 2) return;
  std::string digits = absl::Base64Escape(*id);
  if (digits.size() != want_bytes * 2) return;
  std::string bytes(want_bytes, '\0');
  for (size_t i = 0; i < want_bytes; ++i) {
    int hi = HexDigit(digits[2 * i]);
    int lo = HexDigit(digits[2 * i + 1]);
    if (hi < 0 || lo < 0) return;
    bytes[i] = static_cast<char>(hi * 16 + lo);
  }
  *id = std::move(bytes);
}

std::string_view MediaType(std::string_view content_type) {
  size_t semi = content_type.find(';');
  if (semi != std::string_view::npos) content_type = content_type.substr(0, semi);
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  return content_type;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

bool Fail(DecodeError* error, int status, std::string message) {
  if (error != nullptr) {
    error->http_status = status;
    error->message = std::move(message);
  }
  return false;
}

struct Severity {
  otlp_logs::SeverityNumber number;
  std::string_view text;
};

// block -> WARN, monitor/allow -> INFO, kind internal -> ERROR.
Severity SeverityOf(const SecurityEvent& e) {
  if (e.kind == "internal") return {otlp_logs::SEVERITY_NUMBER_ERROR, "ERROR"};
  if (e.action == Action::kBlock) return {otlp_logs::SEVERITY_NUMBER_WARN, "WARN"};
  return {otlp_logs::SEVERITY_NUMBER_INFO, "INFO"};
}

// The LogRecord attributes of an event, in order: the one list both encoders
// (messages and the direct wire writer) walk. Str() skips empty values.
template <typename Sink>
void ForEachAttribute(const SecurityEvent& e, Sink& f) {
  f.Str("fnguard.event_id", e.event_id);
  f.Int("fnguard.schema_version", kSchemaVersion);
  f.Str("fnguard.kind", e.kind);
  f.Str("fnguard.action", ActionName(e.action));
  f.Str("fnguard.detector", e.detector);
  f.Str("fnguard.rule_id", e.rule_id);
  f.Str("fnguard.field_path", e.field_path);
  f.Str("fnguard.excerpt", e.excerpt);
  f.Str("fnguard.event_kind", e.event_kind);
  f.Str("fnguard.trace_id", e.trace_id);
  f.Str("fnguard.policy_version", e.policy_version);
  f.Str("fnguard.policy_source", e.policy_source);
  f.Bool("fnguard.timed_out", e.timed_out);
  f.Int("fnguard.findings", e.findings);
  f.Str("fnguard.host", e.host);
  f.Str("faas.invocation_id", e.request_id);
  // The resource names the process's function; the event's own identity is
  // kept too (they differ when events are forwarded from elsewhere).
  f.Str("fnguard.function_name", e.function_name);
  f.Str("fnguard.function_version", e.function_version);
  f.Str("fnguard.region", e.region);
}

struct MessageAttributes {
  RepeatedPtrField<KeyValue>* attrs;
  void Str(std::string_view key, std::string_view value) { AddString(attrs, key, value); }
  void Int(std::string_view key, int64_t value) { AddInt(attrs, key, value); }
  void Bool(std::string_view key, bool value) { AddBool(attrs, key, value); }
};

// Protocol buffer wire format, written directly (see ExportRequestEncoder).
constexpr uint8_t kLen = 2, kVarint = 0, kFixed64 = 1;
constexpr uint8_t Tag(uint32_t field, uint8_t wire_type) { return static_cast<uint8_t>(field << 3 | wire_type); }

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// A length-delimited field of `len` bytes: tag, length, payload.
size_t LenField(size_t len) { return 1 + VarintSize(len) + len; }

// AnyValue sizes: string_value (1), bool_value (2), int_value (3).
size_t AnyStringSize(size_t len) { return LenField(len); }
size_t AnyIntSize(int64_t v) { return 1 + VarintSize(static_cast<uint64_t>(v)); }
constexpr size_t kAnyBoolSize = 2;
size_t KeyValueSize(std::string_view key, size_t any_size) { return LenField(key.size()) + LenField(any_size); }

struct AttributeSizer {
  size_t total = 0;  // bytes of the repeated field, tags included
  void Str(std::string_view key, std::string_view value) {
    if (!value.empty()) total += LenField(KeyValueSize(key, AnyStringSize(value.size())));
  }
  void Int(std::string_view key, int64_t value) { total += LenField(KeyValueSize(key, AnyIntSize(value))); }
  void Bool(std::string_view key, bool) { total += LenField(KeyValueSize(key, kAnyBoolSize)); }
};

// Writes into a buffer already sized for what is written.
struct WireWriter {
  char* p;
  void Byte(uint8_t b) { *p++ = static_cast<char>(b); }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
  }
  void Fixed64(uint64_t v) {
    for (int i = 0; i < 8; ++i) *p++ = static_cast<char>((v >> (8 * i)) & 0xff);
  }
  void Bytes(std::string_view s) {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  void LenHeader(uint32_t field, size_t len) {
    Byte(Tag(field, kLen));
    Varint(len);
  }
  void StringField(uint32_t field, std::string_view s) {
    LenHeader(field, s.size());
    Bytes(s);
  }
  // One KeyValue as LogRecord.attributes (6) / Resource.attributes (1).
  void KeyValueHeader(uint32_t field, std::string_view key, size_t any_size) {
    LenHeader(field, KeyValueSize(key, any_size));
    StringField(1, key);
    LenHeader(2, any_size);
  }
};

struct AttributeWriter {
  WireWriter& w;
  void Str(std::string_view key, std::string_view value) {
    if (value.empty()) return;
    w.KeyValueHeader(6, key, AnyStringSize(value.size()));
    w.StringField(1, value);
  }
  void Int(std::string_view key, int64_t value) {
    w.KeyValueHeader(6, key, AnyIntSize(value));
    w.Byte(Tag(3, kVarint));
    w.Varint(static_cast<uint64_t>(value));
  }
  void Bool(std::string_view key, bool value) {
    w.KeyValueHeader(6, key, kAnyBoolSize);
    w.Byte(Tag(2, kVarint));
    w.Byte(value ? 1 : 0);
  }
};

// Protobuf string fields must hold UTF-8: a receiver's parser refuses the
// whole request otherwise, and with it every other event of the batch. An
// excerpt of a binary body can hold anything, so invalid sequences are
// replaced with U+FFFD before encoding.
bool IsValidUtf8(std::string_view s) {
  // ASCII, eight bytes at a time, settles nearly every field.
  uint64_t high = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    high |= w;
  }
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  if ((high & 0x8080808080808080ull) == 0) return true;
  return google::protobuf::internal::IsStructurallyValidUTF8(s.data(), static_cast<int>(s.size()));
}

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0;
  while (i < s.size()) {
    const size_t n = core::Utf8SequenceLength(s, i);
    if (n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append("\xef\xbf\xbd");
      i += 1;
    }
  }
  return out;
}

// A copy of `e` with every string made valid UTF-8, or nothing when it
// already is (the common case: one fast scan per field).
std::optional<SecurityEvent> WithValidUtf8(const SecurityEvent& e) {
  std::string SecurityEvent::*fields[] = {
      &SecurityEvent::event_id,       &SecurityEvent::kind,           &SecurityEvent::detector,
      &SecurityEvent::rule_id,        &SecurityEvent::field_path,     &SecurityEvent::excerpt,
      &SecurityEvent::reason,         &SecurityEvent::event_kind,     &SecurityEvent::request_id,
      &SecurityEvent::trace_id,       &SecurityEvent::function_name,  &SecurityEvent::function_version,
      &SecurityEvent::region,         &SecurityEvent::policy_version, &SecurityEvent::policy_source,
      &SecurityEvent::host};
  bool valid = true;
  for (auto f : fields) valid = valid && IsValidUtf8(e.*f);
  if (valid) return std::nullopt;
  SecurityEvent copy = e;
  for (auto f : fields) {
    if (!IsValidUtf8(copy.*f)) copy.*f = ToValidUtf8(copy.*f);
  }
  return copy;
}

}  // namespace

ResourceInfo ResourceInfo::FromEnv() {
  ResourceInfo r;
  r.function_name = Env("AWS_LAMBDA_FUNCTION_NAME");
  r.function_version = Env("AWS_LAMBDA_FUNCTION_VERSION");
  r.region = Env("AWS_REGION");
  r.service_name = r.function_name.empty() ? "fnguard" : r.function_name;
  return r;
}

V1Event::Kind KindFromName(std::string_view kind) {
  if (kind == "injection") return V1Event::INJECTION;
  if (kind == "egress") return V1Event::EGRESS;
  if (kind == "tls") return V1Event::TLS;
  if (kind == "process") return V1Event::PROCESS;
  if (kind == "policy") return V1Event::POLICY;
  if (kind == "internal") return V1Event::INTERNAL;
  return V1Event::KIND_UNSPECIFIED;
}

std::string_view KindName(V1Event::Kind kind) {
  switch (kind) {
    case V1Event::INJECTION:
      return "injection";
    case V1Event::EGRESS:
      return "egress";
    case V1Event::TLS:
      return "tls";
    case V1Event::PROCESS:
      return "process";
    case V1Event::POLICY:
      return "policy";
    case V1Event::INTERNAL:
      return "internal";
    default:
      return "unspecified";
  }
}

V1Event ToProto(const SecurityEvent& e) {
  V1Event p;
  p.set_schema_version(kSchemaVersion);
  p.set_event_id(e.event_id);
  p.set_time_unix_nano(e.time_unix_ns);
  p.set_kind(KindFromName(e.kind));
  p.set_action(std::string(ActionName(e.action)));
  p.set_detector(e.detector);
  p.set_rule_id(e.rule_id);
  p.set_field_path(e.field_path);
  p.set_excerpt(e.excerpt);
  p.set_reason(e.reason);
  p.set_event_kind(e.event_kind);
  p.set_request_id(e.request_id);
  p.set_trace_id(e.trace_id);
  p.set_function_name(e.function_name);
  p.set_function_version(e.function_version);
  p.set_region(e.region);
  p.set_policy_version(e.policy_version);
  p.set_policy_source(e.policy_source);
  p.set_timed_out(e.timed_out);
  p.set_findings(e.findings < 0 ? 0u : static_cast<uint32_t>(e.findings));
  p.set_host(e.host);
  return p;
}

void EncodeLogRecord(const SecurityEvent& event, otlp_logs::LogRecord* record) {
  std::optional<SecurityEvent> fixed = WithValidUtf8(event);
  const SecurityEvent& e = fixed.has_value() ? *fixed : event;
  record->set_time_unix_nano(e.time_unix_ns);
  record->set_observed_time_unix_nano(e.time_unix_ns);
  Severity severity = SeverityOf(e);
  record->set_severity_number(severity.number);
  record->set_severity_text(std::string(severity.text));
  record->mutable_body()->set_string_value(e.reason);
  if (std::string trace = TraceIdBytes(e.trace_id); !trace.empty()) record->set_trace_id(trace);

  MessageAttributes sink{record->mutable_attributes()};
  ForEachAttribute(e, sink);
}

otlp_collector::ExportLogsServiceRequest BuildExportRequest(
    const ResourceInfo& resource, const std::vector<SecurityEvent>& events) {
  otlp_collector::ExportLogsServiceRequest request;
  otlp_logs::ResourceLogs* rl = request.add_resource_logs();
  auto* rattrs = rl->mutable_resource()->mutable_attributes();
  AddString(rattrs, "service.name", resource.service_name);
  AddString(rattrs, "faas.name", resource.function_name);
  AddString(rattrs, "faas.version", resource.function_version);
  AddString(rattrs, "cloud.provider", "aws");
  AddString(rattrs, "cloud.region", resource.region);
  otlp_logs::ScopeLogs* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("fnguard");
  sl->mutable_scope()->set_version("0.1.0");
  sl->mutable_log_records()->Reserve(static_cast<int>(events.size()));
  for (const SecurityEvent& e : events) EncodeLogRecord(e, sl->add_log_records());
  return request;
}

void ExportRequestEncoder::Add(const SecurityEvent& event) {
  std::optional<SecurityEvent> fixed = WithValidUtf8(event);
  const SecurityEvent& e = fixed.has_value() ? *fixed : event;
  Severity severity = SeverityOf(e);
  std::string trace = TraceIdBytes(e.trace_id);
  AttributeSizer attrs;
  ForEachAttribute(e, attrs);
  // LogRecord fields in field-number order, as the protobuf serializer
  // writes them: 1 time, 2 severity_number, 3 severity_text, 5 body,
  // 6 attributes, 9 trace_id, 11 observed_time. Zero scalars are omitted;
  // the body is always present (a oneof string).
  size_t size = (e.time_unix_ns != 0 ? 2 * 9 : 0) + 1 + VarintSize(static_cast<uint64_t>(severity.number)) +
                LenField(severity.text.size()) + LenField(AnyStringSize(e.reason.size())) + attrs.total +
                (trace.empty() ? 0 : LenField(trace.size()));
  size_t at = records_.size();
  records_.resize(at + LenField(size));
  WireWriter w{records_.data() + at};
  w.LenHeader(2, size);  // ScopeLogs.log_records
  if (e.time_unix_ns != 0) {
    w.Byte(Tag(1, kFixed64));
    w.Fixed64(e.time_unix_ns);
  }
  w.Byte(Tag(2, kVarint));
  w.Varint(static_cast<uint64_t>(severity.number));
  w.StringField(3, severity.text);
  w.LenHeader(5, AnyStringSize(e.reason.size()));
  w.StringField(1, e.reason);
  AttributeWriter aw{w};
  ForEachAttribute(e, aw);
  if (!trace.empty()) w.StringField(9, trace);
  if (e.time_unix_ns != 0) {
    w.Byte(Tag(11, kFixed64));
    w.Fixed64(e.time_unix_ns);
  }
  count_ += 1;
}

void ExportRequestEncoder::Finish(std::string* out) {
  // Resource { attributes (1) }, in BuildExportRequest's order.
  const std::pair<std::string_view, std::string_view> resource_attrs[] = {
      {"service.name", resource_.service_name},   {"faas.name", resource_.function_name},
      {"faas.version", resource_.function_version}, {"cloud.provider", "aws"},
      {"cloud.region", resource_.region}};
  size_t resource_size = 0;
  for (const auto& [k, v] : resource_attrs) {
    if (!v.empty()) resource_size += LenField(KeyValueSize(k, AnyStringSize(v.size())));
  }
  constexpr std::string_view kScopeName = "fnguard", kScopeVersion = "0.1.0";
  size_t scope_size = LenField(kScopeName.size()) + LenField(kScopeVersion.size());
  size_t scope_logs_size = LenField(scope_size) + records_.size();
  size_t resource_logs_size = LenField(resource_size) + LenField(scope_logs_size);
  size_t header = LenField(resource_logs_size) - resource_logs_size + LenField(resource_size) +
                  (LenField(scope_logs_size) - scope_logs_size) + LenField(scope_size);
  out->resize(header + records_.size());
  WireWriter w{out->data()};
  w.LenHeader(1, resource_logs_size);  // ExportLogsServiceRequest.resource_logs
  w.LenHeader(1, resource_size);       // ResourceLogs.resource
  for (const auto& [k, v] : resource_attrs) {
    if (v.empty()) continue;
    w.KeyValueHeader(1, k, AnyStringSize(v.size()));
    w.StringField(1, v);
  }
  w.LenHeader(2, scope_logs_size);  // ResourceLogs.scope_logs
  w.LenHeader(1, scope_size);       // ScopeLogs.scope
  w.StringField(1, kScopeName);
  w.StringField(2, kScopeVersion);
  w.Bytes(records_);
  records_.clear();
  count_ = 0;
}

std::string EncodeExportRequest(const ResourceInfo& resource, const std::vector<SecurityEvent>& events) {
  ExportRequestEncoder encoder(resource);
  for (const SecurityEvent& e : events) encoder.Add(e);
  std::string out;
  encoder.Finish(&out);
  return out;
}

bool IsProtobufContentType(std::string_view content_type) {
  return EqualsIgnoreCase(MediaType(content_type), "application/x-protobuf");
}

bool DecodeExportLogsRequest(std::string_view content_type, std::string_view content_encoding,
                             std::string_view body, otlp_collector::ExportLogsServiceRequest* out,
                             DecodeError* error) {
  std::string_view media = MediaType(content_type);
  bool is_protobuf = EqualsIgnoreCase(media, "application/x-protobuf");
  bool is_json = EqualsIgnoreCase(media, "application/json");
  if (!is_protobuf && !is_json) {
    return Fail(error, 415, "unsupported content type; use application/x-protobuf or application/json");
  }
  if (body.size() > kMaxRequestBytes) return Fail(error, 413, "request body too large");
  std::string inflated;
  if (EqualsIgnoreCase(content_encoding, "gzip")) {
    auto decompressed = GzipDecompress(body, kMaxRequestBytes);
    if (!decompressed.ok()) {
      int status = absl::IsResourceExhausted(decompressed.status()) ? 413 : 400;
      return Fail(error, status, std::string(decompressed.status().message()));
    }
    inflated = *std::move(decompressed);
    body = inflated;
  } else if (!content_encoding.empty() && !EqualsIgnoreCase(content_encoding, "identity")) {
    return Fail(error, 415, "unsupported content encoding; use gzip or none");
  }
  out->Clear();
  if (is_protobuf) {
    // The parser logs each string it refuses as not UTF-8 to stderr. The
    // answer already says the body is invalid; a client that keeps sending
    // such bodies must not fill the collector's log.
    google::protobuf::LogSilencer quiet;
    if (!out->ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return Fail(error, 400, "body is not a valid ExportLogsServiceRequest");
    }
    return true;
  }
  auto status = ParseJsonExportLogsRequest(body, out);
  if (!status.ok()) return Fail(error, 400, "body is not a valid OTLP JSON logs request");
  for (auto& resource_logs : *out->mutable_resource_logs()) {
    for (auto& scope_logs : *resource_logs.mutable_scope_logs()) {
      for (auto& record : *scope_logs.mutable_log_records()) {
        if (!record.trace_id().empty()) RereadHexId(record.mutable_trace_id(), 16);
        if (!record.span_id().empty()) RereadHexId(record.mutable_span_id(), 8);
      }
    }
  }
  return true;
}

void EventFromLogRecord(const otlp_logs::ResourceLogs& resource_logs, const otlp_logs::LogRecord& record,
                        V1Event* out) {
  // The one mapping (runtime/report/event_map.h), then its serialized form
  // read back: the message is exactly what the collector stores.
  EventMapper mapper;
  EventFields fields;
  MapRecord(resource_logs, record, &mapper, &fields);
  std::string blob;
  fields.AppendSerialized(&blob);
  out->Clear();
  out->ParseFromString(blob);
}

V1Event EventFromLogRecord(const otlp_logs::ResourceLogs& resource_logs,
                           const otlp_logs::LogRecord& record) {
  V1Event e;
  EventFromLogRecord(resource_logs, record, &e);
  return e;
}

}  // namespace fnguard::report
