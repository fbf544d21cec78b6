#include "runtime/report/otlp_json.h"

#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace fnguard::report {
namespace {

namespace dom = simdjson::dom;
namespace common = ::opentelemetry::proto::common::v1;
namespace logs = ::opentelemetry::proto::logs::v1;
namespace collector = ::opentelemetry::proto::collector::logs::v1;
using ::absl::OkStatus;
using ::absl::Status;

// The protobuf JSON parser's default recursion limit.
constexpr int kMaxDepth = 100;

#define FNGUARD_RETURN_IF_ERROR(expr)    \
  do {                                   \
    ::absl::Status status_ = (expr);     \
    if (!status_.ok()) return status_;   \
  } while (false)

// Debian's absl::string_view is its own type, not std::string_view.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Numbers in strings are read without surrounding whitespace, which absl's
// parsers would skip.
bool Padded(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  return s.empty() || space(s.front()) || space(s.back());
}

// Base64 in either alphabet, padding optional, and canonical: the unused
// low bits of a last partial group must be zero.
bool DecodeBase64(std::string_view s, std::string* out) {
  if (!absl::Base64Unescape(Absl(s), out) && !absl::WebSafeBase64Unescape(Absl(s), out)) return false;
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  if (s.empty()) return true;
  const char last = s.back();
  int value = 62;  // '+' or '-'
  if (last >= 'A' && last <= 'Z') {
    value = last - 'A';
  } else if (last >= 'a' && last <= 'z') {
    value = last - 'a' + 26;
  } else if (last >= '0' && last <= '9') {
    value = last - '0' + 52;
  } else if (last == '/' || last == '_') {
    value = 63;
  }
  switch (s.size() % 4) {
    case 2:
      return (value & 0x0f) == 0;
    case 3:
      return (value & 0x03) == 0;
    default:
      return true;
  }
}

Status WrongType(std::string_view field, std::string_view want) {
  return absl::InvalidArgumentError(absl::StrCat("field \"", std::string(field), "\": expected ", std::string(want)));
}

// A JSON field name matches a proto field by its lowerCamelCase JSON name or
// by its original name.
bool Named(std::string_view key, std::string_view json_name, std::string_view proto_name) {
  return key == json_name || key == proto_name;
}

template <typename Set>
Status ReadString(dom::element e, std::string_view field, Set set) {
  if (e.is_null()) return OkStatus();
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return WrongType(field, "a string");
  set(std::string(s));
  return OkStatus();
}

template <typename Set>
Status ReadBool(dom::element e, std::string_view field, Set set) {
  if (e.is_null()) return OkStatus();
  bool b = false;
  if (e.get_bool().get(b) != simdjson::SUCCESS) return WrongType(field, "true or false");
  set(b);
  return OkStatus();
}

template <typename Set>
Status ReadBytes(dom::element e, std::string_view field, Set set) {
  if (e.is_null()) return OkStatus();
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return WrongType(field, "a base64 string");
  std::string bytes;
  if (!DecodeBase64(s, &bytes)) return WrongType(field, "a base64 string");
  set(std::move(bytes));
  return OkStatus();
}

// An integer in [min, max], written as a JSON number (an integral one, also
// in exponent form) or as a decimal string. T is int64_t or uint64_t.
template <typename T>
Status ParseInteger(dom::element e, std::string_view field, std::type_identity_t<T> min,
                    std::type_identity_t<T> max, T* out) {
  constexpr bool kSigned = std::is_signed_v<T>;
  constexpr std::string_view kInRange =
      kSigned ? "an integer in range" : "an unsigned integer in range";
  // 2^63 and 2^64 are exactly representable; anything at or past the end is out of range.
  constexpr double kLowest = kSigned ? -9223372036854775808.0 : 0.0;
  constexpr double kEnd = kSigned ? 9223372036854775808.0 : 18446744073709551616.0;
  T v = 0;
  switch (e.type()) {
    case dom::element_type::INT64: {
      int64_t s = e.get_int64().value_unsafe();
      if (!kSigned && s < 0) return WrongType(field, kInRange);
      v = static_cast<T>(s);
      break;
    }
    case dom::element_type::UINT64:
      if (kSigned) return WrongType(field, kInRange);
      v = static_cast<T>(e.get_uint64().value_unsafe());
      break;
    case dom::element_type::DOUBLE: {
      double d = e.get_double().value_unsafe();
      if (!(d >= kLowest && d < kEnd) || d != std::floor(d)) return WrongType(field, kInRange);
      v = static_cast<T>(d);
      break;
    }
    case dom::element_type::STRING:
      if (Padded(e.get_string().value_unsafe()) || !absl::SimpleAtoi(Absl(e.get_string().value_unsafe()), &v)) {
        return WrongType(field, kInRange);
      }
      break;
    default:
      return WrongType(field, kSigned ? "an integer" : "an unsigned integer");
  }
  if (v < min || v > max) return WrongType(field, kInRange);
  *out = v;
  return OkStatus();
}

template <typename Set>
Status ReadInt64(dom::element e, std::string_view field, Set set) {
  if (e.is_null()) return OkStatus();
  int64_t v = 0;
  FNGUARD_RETURN_IF_ERROR(
      ParseInteger(e, field, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), &v));
  set(v);
  return OkStatus();
}

template <typename Set>
Status ReadUint(dom::element e, std::string_view field, uint64_t max, Set set) {
  if (e.is_null()) return OkStatus();
  uint64_t v = 0;
  FNGUARD_RETURN_IF_ERROR(ParseInteger(e, field, 0, max, &v));
  set(v);
  return OkStatus();
}

template <typename Set>
Status ReadDouble(dom::element e, std::string_view field, Set set) {
  if (e.is_null()) return OkStatus();
  double d = 0;
  if (e.is_number()) {
    d = e.get_double().value_unsafe();
  } else if (e.is_string()) {
    std::string_view s = e.get_string().value_unsafe();
    if (s == "NaN") {
      d = std::numeric_limits<double>::quiet_NaN();
    } else if (s == "Infinity") {
      d = std::numeric_limits<double>::infinity();
    } else if (s == "-Infinity") {
      d = -std::numeric_limits<double>::infinity();
    } else if (Padded(s) || !absl::SimpleAtod(Absl(s), &d) || !std::isfinite(d)) {
      return WrongType(field, "a number");
    }
  } else {
    return WrongType(field, "a number");
  }
  set(d);
  return OkStatus();
}

// Calls `field(key, value)` for every member of a JSON object; null is an
// absent message.
template <typename Field>
Status ReadObject(dom::element e, std::string_view name, int depth, Field field) {
  if (depth > kMaxDepth) return absl::InvalidArgumentError("message nesting deeper than 100 levels");
  dom::object object;
  if (e.get_object().get(object) != simdjson::SUCCESS) return WrongType(name, "an object");
  for (auto member : object) FNGUARD_RETURN_IF_ERROR(field(member.key, member.value));
  return OkStatus();
}

// Calls `element(value)` for every element of a repeated message field.
// As in protobuf's own JSON parser: null is an empty field, null elements are
// skipped, and a single object stands for a one-element array.
template <typename Element>
Status ReadArray(dom::element e, std::string_view name, Element element) {
  if (e.is_null()) return OkStatus();
  if (e.is_object()) return element(e);
  dom::array array;
  if (e.get_array().get(array) != simdjson::SUCCESS) return WrongType(name, "an array");
  for (dom::element value : array) {
    if (value.is_null()) continue;
    FNGUARD_RETURN_IF_ERROR(element(value));
  }
  return OkStatus();
}

Status ReadKeyValue(dom::element e, std::string_view name, int depth, common::KeyValue* out);

Status ReadAnyValue(dom::element e, std::string_view name, int depth, common::AnyValue* out) {
  bool chosen = false;  // AnyValue is one oneof: a second non-null member is an error
  return ReadObject(e, name, depth, [&](std::string_view key, dom::element v) -> Status {
    static constexpr std::string_view kMembers[][2] = {
        {"stringValue", "string_value"}, {"boolValue", "bool_value"},     {"intValue", "int_value"},
        {"doubleValue", "double_value"}, {"bytesValue", "bytes_value"},   {"arrayValue", "array_value"},
        {"kvlistValue", "kvlist_value"}};
    for (const auto& member : kMembers) {
      if (!Named(key, member[0], member[1]) || v.is_null()) continue;
      if (chosen) return WrongType(name, "one value member (AnyValue is a oneof)");
      chosen = true;
    }
    if (Named(key, "stringValue", "string_value")) {
      return ReadString(v, key, [&](std::string s) { out->set_string_value(std::move(s)); });
    }
    if (Named(key, "boolValue", "bool_value")) return ReadBool(v, key, [&](bool b) { out->set_bool_value(b); });
    if (Named(key, "intValue", "int_value")) {
      return ReadInt64(v, key, [&](int64_t i) { out->set_int_value(i); });
    }
    if (Named(key, "doubleValue", "double_value")) {
      return ReadDouble(v, key, [&](double d) { out->set_double_value(d); });
    }
    if (Named(key, "bytesValue", "bytes_value")) {
      return ReadBytes(v, key, [&](std::string b) { out->set_bytes_value(std::move(b)); });
    }
    if (Named(key, "arrayValue", "array_value")) {
      if (v.is_null()) return OkStatus();
      common::ArrayValue* array = out->mutable_array_value();
      return ReadObject(v, key, depth + 1, [&](std::string_view k, dom::element values) -> Status {
        if (k != "values") return OkStatus();
        return ReadArray(values, k, [&](dom::element item) {
          return ReadAnyValue(item, k, depth + 2, array->add_values());
        });
      });
    }
    if (Named(key, "kvlistValue", "kvlist_value")) {
      if (v.is_null()) return OkStatus();
      common::KeyValueList* list = out->mutable_kvlist_value();
      return ReadObject(v, key, depth + 1, [&](std::string_view k, dom::element values) -> Status {
        if (k != "values") return OkStatus();
        return ReadArray(values, k, [&](dom::element item) {
          return ReadKeyValue(item, k, depth + 2, list->add_values());
        });
      });
    }
    return OkStatus();
  });
}

Status ReadKeyValue(dom::element e, std::string_view name, int depth, common::KeyValue* out) {
  return ReadObject(e, name, depth, [&](std::string_view key, dom::element v) -> Status {
    if (key == "key") return ReadString(v, key, [&](std::string s) { out->set_key(std::move(s)); });
    if (key == "value") {
      if (v.is_null()) return OkStatus();
      return ReadAnyValue(v, key, depth + 1, out->mutable_value());
    }
    return OkStatus();
  });
}

template <typename Repeated>
Status ReadAttributes(dom::element v, std::string_view key, int depth, Repeated* out) {
  return ReadArray(v, key, [&](dom::element item) { return ReadKeyValue(item, key, depth, out->Add()); });
}

Status ReadScope(dom::element e, std::string_view name, int depth, common::InstrumentationScope* out) {
  return ReadObject(e, name, depth, [&](std::string_view key, dom::element v) -> Status {
    if (key == "name") return ReadString(v, key, [&](std::string s) { out->set_name(std::move(s)); });
    if (key == "version") return ReadString(v, key, [&](std::string s) { out->set_version(std::move(s)); });
    if (key == "attributes") return ReadAttributes(v, key, depth + 1, out->mutable_attributes());
    if (Named(key, "droppedAttributesCount", "dropped_attributes_count")) {
      return ReadUint(v, key, UINT32_MAX,
                      [&](uint64_t n) { out->set_dropped_attributes_count(static_cast<uint32_t>(n)); });
    }
    return OkStatus();
  });
}

Status ReadSeverity(dom::element v, std::string_view key, logs::LogRecord* out) {
  if (v.is_null()) return OkStatus();
  if (v.is_string()) {
    std::string_view text = v.get_string().value_unsafe();
    logs::SeverityNumber severity{};
    int number = 0;
    if (logs::SeverityNumber_Parse(std::string(text), &severity)) {
      out->set_severity_number(severity);
    } else if (!Padded(text) && absl::SimpleAtoi(Absl(text), &number) && logs::SeverityNumber_IsValid(number)) {
      out->set_severity_number(static_cast<logs::SeverityNumber>(number));  // a known number as a string
    }
    // Any other name is ignored, like an unknown field.
    return OkStatus();
  }
  int64_t n = 0;
  FNGUARD_RETURN_IF_ERROR(
      ParseInteger(v, key, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), &n));
  out->set_severity_number(static_cast<logs::SeverityNumber>(n));
  return OkStatus();
}

Status ReadLogRecord(dom::element e, std::string_view name, int depth, logs::LogRecord* out) {
  return ReadObject(e, name, depth, [&](std::string_view key, dom::element v) -> Status {
    if (Named(key, "timeUnixNano", "time_unix_nano")) {
      return ReadUint(v, key, UINT64_MAX, [&](uint64_t n) { out->set_time_unix_nano(n); });
    }
    if (Named(key, "observedTimeUnixNano", "observed_time_unix_nano")) {
      return ReadUint(v, key, UINT64_MAX, [&](uint64_t n) { out->set_observed_time_unix_nano(n); });
    }
    if (Named(key, "severityNumber", "severity_number")) return ReadSeverity(v, key, out);
    if (Named(key, "severityText", "severity_text")) {
      return ReadString(v, key, [&](std::string s) { out->set_severity_text(std::move(s)); });
    }
    if (key == "body") {
      if (v.is_null()) return OkStatus();
      return ReadAnyValue(v, key, depth + 1, out->mutable_body());
    }
    if (key == "attributes") return ReadAttributes(v, key, depth + 1, out->mutable_attributes());
    if (Named(key, "droppedAttributesCount", "dropped_attributes_count")) {
      return ReadUint(v, key, UINT32_MAX,
                      [&](uint64_t n) { out->set_dropped_attributes_count(static_cast<uint32_t>(n)); });
    }
    if (key == "flags") {
      return ReadUint(v, key, UINT32_MAX, [&](uint64_t n) { out->set_flags(static_cast<uint32_t>(n)); });
    }
    if (Named(key, "traceId", "trace_id")) {
      return ReadBytes(v, key, [&](std::string b) { out->set_trace_id(std::move(b)); });
    }
    if (Named(key, "spanId", "span_id")) {
      return ReadBytes(v, key, [&](std::string b) { out->set_span_id(std::move(b)); });
    }
    return OkStatus();
  });
}

Status ReadScopeLogs(dom::element e, std::string_view name, int depth, logs::ScopeLogs* out) {
  return ReadObject(e, name, depth, [&](std::string_view key, dom::element v) -> Status {
    if (key == "scope") {
      if (v.is_null()) return OkStatus();
      return ReadScope(v, key, depth + 1, out->mutable_scope());
    }
    if (Named(key, "logRecords", "log_records")) {
      return ReadArray(v, key, [&](dom::element item) {
        return ReadLogRecord(item, key, depth + 1, out->add_log_records());
      });
    }
    if (Named(key, "schemaUrl", "schema_url")) {
      return ReadString(v, key, [&](std::string s) { out->set_schema_url(std::move(s)); });
    }
    return OkStatus();
  });
}

Status ReadResourceLogs(dom::element e, std::string_view name, int depth, logs::ResourceLogs* out) {
  return ReadObject(e, name, depth, [&](std::string_view key, dom::element v) -> Status {
    if (key == "resource") {
      if (v.is_null()) return OkStatus();
      auto* resource = out->mutable_resource();
      return ReadObject(v, key, depth + 1, [&](std::string_view k, dom::element rv) -> Status {
        if (k == "attributes") return ReadAttributes(rv, k, depth + 2, resource->mutable_attributes());
        if (Named(k, "droppedAttributesCount", "dropped_attributes_count")) {
          return ReadUint(rv, k, UINT32_MAX,
                          [&](uint64_t n) { resource->set_dropped_attributes_count(static_cast<uint32_t>(n)); });
        }
        return OkStatus();
      });
    }
    if (Named(key, "scopeLogs", "scope_logs")) {
      return ReadArray(v, key, [&](dom::element item) {
        return ReadScopeLogs(item, key, depth + 1, out->add_scope_logs());
      });
    }
    if (Named(key, "schemaUrl", "schema_url")) {
      return ReadString(v, key, [&](std::string s) { out->set_schema_url(std::move(s)); });
    }
    return OkStatus();
  });
}

// Parses `json` and hands its top-level object to `read`.
template <typename Read>
Status ParseTop(std::string_view json, Read read) {
  dom::parser parser;
  dom::element root;
  auto error = parser.parse(json.data(), json.size(), /*realloc_if_needed=*/true).get(root);
  if (error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat("not valid JSON: ", simdjson::error_message(error)));
  }
  if (!root.is_object()) return absl::InvalidArgumentError("expected a JSON object");
  return read(root);
}

}  // namespace

Status ParseJsonExportLogsRequest(std::string_view json, collector::ExportLogsServiceRequest* out) {
  out->Clear();
  return ParseTop(json, [&](dom::element root) {
    return ReadObject(root, "", 1, [&](std::string_view key, dom::element v) -> Status {
      if (!Named(key, "resourceLogs", "resource_logs")) return OkStatus();
      return ReadArray(v, key, [&](dom::element item) {
        return ReadResourceLogs(item, key, 2, out->add_resource_logs());
      });
    });
  });
}

Status ParseJsonExportLogsResponse(std::string_view json, collector::ExportLogsServiceResponse* out) {
  out->Clear();
  return ParseTop(json, [&](dom::element root) {
    return ReadObject(root, "", 1, [&](std::string_view key, dom::element v) -> Status {
      if (!Named(key, "partialSuccess", "partial_success") || v.is_null()) return OkStatus();
      auto* partial = out->mutable_partial_success();
      return ReadObject(v, key, 2, [&](std::string_view k, dom::element pv) -> Status {
        if (Named(k, "rejectedLogRecords", "rejected_log_records")) {
          return ReadInt64(pv, k, [&](int64_t n) { partial->set_rejected_log_records(n); });
        }
        if (Named(k, "errorMessage", "error_message")) {
          return ReadString(pv, k, [&](std::string s) { partial->set_error_message(std::move(s)); });
        }
        return OkStatus();
      });
    });
  });
}

}  // namespace fnguard::report
