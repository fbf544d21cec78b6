#include "runtime/report/otlp.h"

#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <string>

#include "runtime/report/gzip.h"

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

std::string Prefixed(std::string_view name) {
  std::string key(kAttrPrefix);
  key.append(name);
  return key;
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

// The string form of an attribute value (ints and bools printed).
std::string ValueText(const AnyValue& v) {
  switch (v.value_case()) {
    case AnyValue::kStringValue:
      return v.string_value();
    case AnyValue::kIntValue:
      return std::to_string(v.int_value());
    case AnyValue::kBoolValue:
      return v.bool_value() ? "true" : "false";
    case AnyValue::kDoubleValue:
      return std::to_string(v.double_value());
    default:
      return {};
  }
}

int64_t ValueInt(const AnyValue& v) {
  if (v.value_case() == AnyValue::kIntValue) return v.int_value();
  if (v.value_case() == AnyValue::kStringValue) return std::strtoll(v.string_value().c_str(), nullptr, 10);
  return 0;
}

bool ValueBool(const AnyValue& v) {
  if (v.value_case() == AnyValue::kBoolValue) return v.bool_value();
  if (v.value_case() == AnyValue::kStringValue) return v.string_value() == "true";
  return false;
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
  return p;
}

void EncodeLogRecord(const SecurityEvent& e, otlp_logs::LogRecord* record) {
  record->set_time_unix_nano(e.time_unix_ns);
  record->set_observed_time_unix_nano(e.time_unix_ns);
  if (e.kind == "internal") {
    record->set_severity_number(otlp_logs::SEVERITY_NUMBER_ERROR);
    record->set_severity_text("ERROR");
  } else if (e.action == Action::kBlock) {
    record->set_severity_number(otlp_logs::SEVERITY_NUMBER_WARN);
    record->set_severity_text("WARN");
  } else {
    record->set_severity_number(otlp_logs::SEVERITY_NUMBER_INFO);
    record->set_severity_text("INFO");
  }
  record->mutable_body()->set_string_value(e.reason);
  if (std::string trace = TraceIdBytes(e.trace_id); !trace.empty()) record->set_trace_id(trace);

  auto* attrs = record->mutable_attributes();
  AddString(attrs, Prefixed("event_id"), e.event_id);
  AddInt(attrs, Prefixed("schema_version"), kSchemaVersion);
  AddString(attrs, Prefixed("kind"), e.kind);
  AddString(attrs, Prefixed("action"), ActionName(e.action));
  AddString(attrs, Prefixed("detector"), e.detector);
  AddString(attrs, Prefixed("rule_id"), e.rule_id);
  AddString(attrs, Prefixed("field_path"), e.field_path);
  AddString(attrs, Prefixed("excerpt"), e.excerpt);
  AddString(attrs, Prefixed("event_kind"), e.event_kind);
  AddString(attrs, Prefixed("trace_id"), e.trace_id);
  AddString(attrs, Prefixed("policy_version"), e.policy_version);
  AddString(attrs, Prefixed("policy_source"), e.policy_source);
  AddBool(attrs, Prefixed("timed_out"), e.timed_out);
  AddInt(attrs, Prefixed("findings"), e.findings);
  AddString(attrs, "faas.invocation_id", e.request_id);
  // The resource names the process's function; the event's own identity is
  // kept too (they differ when events are forwarded from elsewhere).
  AddString(attrs, Prefixed("function_name"), e.function_name);
  AddString(attrs, Prefixed("function_version"), e.function_version);
  AddString(attrs, Prefixed("region"), e.region);
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
    if (!out->ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return Fail(error, 400, "body is not a valid ExportLogsServiceRequest");
    }
    return true;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), out, options);
  if (!status.ok()) return Fail(error, 400, "body is not a valid OTLP JSON logs request");
  return true;
}

V1Event EventFromLogRecord(const otlp_logs::ResourceLogs& resource_logs,
                           const otlp_logs::LogRecord& record) {
  V1Event e;
  e.set_time_unix_nano(record.time_unix_nano() != 0 ? record.time_unix_nano()
                                                    : record.observed_time_unix_nano());
  if (record.body().value_case() != AnyValue::VALUE_NOT_SET) e.set_reason(ValueText(record.body()));
  for (const KeyValue& kv : resource_logs.resource().attributes()) {
    const std::string& k = kv.key();
    if (k == "faas.name") e.set_function_name(ValueText(kv.value()));
    else if (k == "faas.version") e.set_function_version(ValueText(kv.value()));
    else if (k == "cloud.region") e.set_region(ValueText(kv.value()));
  }
  for (const KeyValue& kv : record.attributes()) {
    const std::string& key = kv.key();
    const AnyValue& v = kv.value();
    if (key == "faas.invocation_id") {
      e.set_request_id(ValueText(v));
      continue;
    }
    if (key.size() <= kAttrPrefix.size() || key.compare(0, kAttrPrefix.size(), kAttrPrefix) != 0) continue;
    std::string_view name = std::string_view(key).substr(kAttrPrefix.size());
    if (name == "event_id") e.set_event_id(ValueText(v));
    else if (name == "schema_version") e.set_schema_version(static_cast<uint32_t>(ValueInt(v)));
    else if (name == "kind") e.set_kind(KindFromName(ValueText(v)));
    else if (name == "action") e.set_action(ValueText(v));
    else if (name == "detector") e.set_detector(ValueText(v));
    else if (name == "rule_id") e.set_rule_id(ValueText(v));
    else if (name == "field_path") e.set_field_path(ValueText(v));
    else if (name == "excerpt") e.set_excerpt(ValueText(v));
    else if (name == "reason") e.set_reason(ValueText(v));
    else if (name == "event_kind") e.set_event_kind(ValueText(v));
    else if (name == "trace_id") e.set_trace_id(ValueText(v));
    else if (name == "policy_version") e.set_policy_version(ValueText(v));
    else if (name == "policy_source") e.set_policy_source(ValueText(v));
    else if (name == "timed_out") e.set_timed_out(ValueBool(v));
    else if (name == "findings") e.set_findings(static_cast<uint32_t>(ValueInt(v) < 0 ? 0 : ValueInt(v)));
    else if (name == "function_name") e.set_function_name(ValueText(v));
    else if (name == "function_version") e.set_function_version(ValueText(v));
    else if (name == "region") e.set_region(ValueText(v));
  }
  return e;
}

}  // namespace fnguard::report
