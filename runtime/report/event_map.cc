#include "runtime/report/event_map.h"

#include <google/protobuf/stubs/common.h>

#include <bit>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "runtime/report/otlp.h"

namespace fnguard::report {
namespace {

using ::opentelemetry::proto::common::v1::AnyValue;
using ::opentelemetry::proto::common::v1::KeyValue;
using V1Event = ::fnguard::v1::SecurityEvent;

// SecurityEvent fields that are not strings.
constexpr int kSchemaVersionField = 1, kTimeField = 3, kKindField = 4, kTimedOutField = 19, kFindingsField = 20;
constexpr int kEventIdField = 2, kReasonField = 10, kRequestIdField = 12, kTraceIdField = 13;
constexpr int kFunctionNameField = 14, kFunctionVersionField = 15, kRegionField = 16;

// Record attribute -> SecurityEvent field (0: not one of ours). The one list
// of what the collector reads back (the sender's side is ForEachAttribute in
// otlp.cc). A switch, not a hash map: it runs for every attribute of every
// record.
int FieldForRecordAttribute(std::string_view key) {
  if (key.size() <= 8 || key.compare(0, 8, "fnguard.") != 0) {
    return key == "faas.invocation_id" ? kRequestIdField : 0;
  }
  std::string_view n = key.substr(8);
  switch (n[0]) {
    case 'a':
      return n == "action" ? 5 : 0;
    case 'd':
      return n == "detector" ? 6 : 0;
    case 'e':
      if (n == "event_id") return kEventIdField;
      if (n == "excerpt") return 9;
      return n == "event_kind" ? 11 : 0;
    case 'f':
      if (n == "field_path") return 8;
      if (n == "findings") return kFindingsField;
      if (n == "function_name") return kFunctionNameField;
      return n == "function_version" ? kFunctionVersionField : 0;
    case 'h':
      return n == "host" ? 21 : 0;
    case 'k':
      return n == "kind" ? kKindField : 0;
    case 'p':
      if (n == "policy_version") return 17;
      return n == "policy_source" ? 18 : 0;
    case 'r':
      if (n == "rule_id") return 7;
      if (n == "reason") return kReasonField;
      return n == "region" ? kRegionField : 0;
    case 's':
      return n == "schema_version" ? kSchemaVersionField : 0;
    case 't':
      if (n == "trace_id") return kTraceIdField;
      return n == "timed_out" ? kTimedOutField : 0;
    default:
      return 0;
  }
}

std::string HexLower(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

int64_t ValueInt(const AttrValue& v) {
  if (v.kind == AttrValue::kInt) return v.i;
  if (v.kind == AttrValue::kString) return std::strtoll(std::string(v.str).c_str(), nullptr, 10);
  return 0;
}

bool ValueBool(const AttrValue& v) {
  if (v.kind == AttrValue::kBool) return v.b;
  if (v.kind == AttrValue::kString) return v.str == "true";
  return false;
}

AttrValue FromAnyValue(const AnyValue& v) {
  AttrValue a;
  switch (v.value_case()) {
    case AnyValue::kStringValue:
      a.kind = AttrValue::kString;
      a.str = v.string_value();
      break;
    case AnyValue::kBoolValue:
      a.kind = AttrValue::kBool;
      a.b = v.bool_value();
      break;
    case AnyValue::kIntValue:
      a.kind = AttrValue::kInt;
      a.i = v.int_value();
      break;
    case AnyValue::kDoubleValue:
      a.kind = AttrValue::kDouble;
      a.d = v.double_value();
      break;
    case AnyValue::VALUE_NOT_SET:
      break;
    default:
      a.kind = AttrValue::kOther;
      break;
  }
  return a;
}

void PutVarint(std::string* out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

// ---- The wire walker -------------------------------------------------------

constexpr int kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5;

// What a message walker did with one field.
enum class FieldRead { kOk, kUnknown, kBad };
constexpr FieldRead Read(bool ok) { return ok ? FieldRead::kOk : FieldRead::kBad; }

struct Reader {
  const char* p;
  const char* end;

  explicit Reader(std::string_view s) : p(s.data()), end(s.data() + s.size()) {}
  bool done() const { return p == end; }

  bool Varint(uint64_t* out, int max_bytes = 10) {
    uint64_t v = 0;
    for (int i = 0; i < max_bytes; ++i) {
      if (p == end) return false;
      auto b = static_cast<uint8_t>(*p++);
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return false;  // too long
  }
  // A tag: a varint of at most 5 bytes and 32 bits, field number >= 1.
  bool Tag(uint32_t* field, int* wire_type) {
    uint64_t t = 0;
    if (!Varint(&t, 5) || t > 0xffffffffull || (t >> 3) == 0) return false;
    *field = static_cast<uint32_t>(t >> 3);
    *wire_type = static_cast<int>(t & 7);
    return true;
  }
  bool Len(std::string_view* out) {
    uint64_t n = 0;
    if (!Varint(&n, 5) || n > 0x7fffffffull || n > static_cast<uint64_t>(end - p)) return false;
    *out = std::string_view(p, static_cast<size_t>(n));
    p += n;
    return true;
  }
  bool Fixed(int bytes, uint64_t* out) {
    if (end - p < bytes) return false;
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
    p += bytes;
    *out = v;
    return true;
  }
  // Skips an unknown field. Groups (3, 4) and invalid wire types: give up.
  bool Skip(int wire_type) {
    uint64_t ignored = 0;
    std::string_view s;
    switch (wire_type) {
      case kVarint:
        return Varint(&ignored);
      case kFixed64:
        return Fixed(8, &ignored);
      case kLen:
        return Len(&s);
      case kFixed32:
        return Fixed(4, &ignored);
      default:
        return false;
    }
  }
  // A proto3 string field: valid UTF-8, as the protobuf parser insists.
  bool String(std::string_view* out) {
    return Len(out) && google::protobuf::internal::IsStructurallyValidUTF8(out->data(), static_cast<int>(out->size()));
  }

  // Reads every field of the message: on_field(field, wire_type) reads the
  // fields it knows with this reader and says how that went; the others are
  // skipped. False on the first malformed field.
  template <class OnField>
  bool Fields(OnField&& on_field) {
    while (!done()) {
      uint32_t field;
      int wire_type;
      if (!Tag(&field, &wire_type)) return false;
      switch (on_field(field, wire_type)) {
        case FieldRead::kOk:
          break;
        case FieldRead::kUnknown:
          if (!Skip(wire_type)) return false;
          break;
        case FieldRead::kBad:
          return false;
      }
    }
    return true;
  }
};

// Merges one AnyValue occurrence into *v (a later oneof member replaces).
bool WalkAnyValue(std::string_view data, AttrValue* v) {
  Reader r(data);
  return r.Fields([&](uint32_t field, int wt) {
    uint64_t x = 0;
    if (field == 1 && wt == kLen) {
      v->kind = AttrValue::kString;
      return Read(r.String(&v->str));
    }
    if (field == 2 && wt == kVarint) {
      v->kind = AttrValue::kBool;
      const bool ok = r.Varint(&x);
      v->b = x != 0;
      return Read(ok);
    }
    if (field == 3 && wt == kVarint) {
      v->kind = AttrValue::kInt;
      const bool ok = r.Varint(&x);
      v->i = static_cast<int64_t>(x);
      return Read(ok);
    }
    if (field == 4 && wt == kFixed64) {
      v->kind = AttrValue::kDouble;
      const bool ok = r.Fixed(8, &x);
      v->d = std::bit_cast<double>(x);
      return Read(ok);
    }
    // Arrays and key-value lists: the message path.
    if ((field == 5 || field == 6) && wt == kLen) return FieldRead::kBad;
    if (field == 7 && wt == kLen) {
      std::string_view ignored;
      v->kind = AttrValue::kOther;
      return Read(r.Len(&ignored));
    }
    return FieldRead::kUnknown;
  });
}

struct Attr {
  std::string_view key;
  AttrValue value;
};

bool WalkKeyValue(std::string_view data, Attr* out) {
  *out = Attr();
  Reader r(data);
  return r.Fields([&](uint32_t field, int wt) {
    std::string_view v;
    if (field == 1 && wt == kLen) return Read(r.String(&out->key));
    if (field == 2 && wt == kLen) return Read(r.Len(&v) && WalkAnyValue(v, &out->value));
    return FieldRead::kUnknown;
  });
}

bool WalkScope(std::string_view data) {
  Reader r(data);
  return r.Fields([&](uint32_t field, int wt) {
    std::string_view s;
    Attr a;
    if ((field == 1 || field == 2) && wt == kLen) return Read(r.String(&s));
    if (field == 3 && wt == kLen) return Read(r.Len(&s) && WalkKeyValue(s, &a));
    return FieldRead::kUnknown;
  });
}

bool WalkResource(std::string_view data, std::vector<Attr>* attrs) {
  Reader r(data);
  return r.Fields([&](uint32_t field, int wt) {
    if (field != 1 || wt != kLen) return FieldRead::kUnknown;
    std::string_view s;
    Attr a;
    if (!r.Len(&s) || !WalkKeyValue(s, &a)) return FieldRead::kBad;
    attrs->push_back(a);
    return FieldRead::kOk;
  });
}

struct Walker {
  MappedEvents* out;
  std::vector<Attr> resource_attrs;
  std::vector<Attr> record_attrs;

  bool LogRecord(std::string_view data) {
    Reader r(data);
    uint64_t time = 0, observed = 0;
    AttrValue body;
    bool has_body = false;
    std::string_view trace;
    record_attrs.clear();
    // Others (severity_number, flags, span_id, ... and unknown fields) are skipped.
    const bool read = r.Fields([&](uint32_t field, int wt) {
      std::string_view s;
      if (field == 1 && wt == kFixed64) return Read(r.Fixed(8, &time));
      if (field == 11 && wt == kFixed64) return Read(r.Fixed(8, &observed));
      if (field == 3 && wt == kLen) return Read(r.String(&s));
      if (field == 5 && wt == kLen) {
        has_body = true;
        return Read(r.Len(&s) && WalkAnyValue(s, &body));
      }
      if (field == 6 && wt == kLen) {
        Attr a;
        if (!r.Len(&s) || !WalkKeyValue(s, &a)) return FieldRead::kBad;
        record_attrs.push_back(a);
        return FieldRead::kOk;
      }
      if (field == 9 && wt == kLen) return Read(r.Len(&trace));
      return FieldRead::kUnknown;
    });
    if (!read) return false;
    MappedEvents::Event& ev = out->events.emplace_back();
    EventFields* e = &ev.fields;
    EventMapper& m = out->mapper;
    m.Begin(e, time, observed);
    if (has_body) m.Body(e, body);
    for (const Attr& a : resource_attrs) m.ResourceAttribute(e, a.key, a.value);
    for (const Attr& a : record_attrs) m.RecordAttribute(e, a.key, a.value);
    m.Finish(e, trace);
    if (e->event_id().empty()) {
      out->missing_id = true;
      return false;  // its id is a hash of the messages: the message path
    }
    ev.blob_offset = out->blobs.size();
    e->AppendSerialized(&out->blobs);
    ev.blob_size = out->blobs.size() - ev.blob_offset;
    return true;
  }

  bool ScopeLogs(std::string_view data) {
    Reader r(data);
    return r.Fields([&](uint32_t field, int wt) {
      std::string_view s;
      if (field == 1 && wt == kLen) return Read(r.Len(&s) && WalkScope(s));
      if (field == 2 && wt == kLen) return Read(r.Len(&s) && LogRecord(s));
      if (field == 3 && wt == kLen) return Read(r.String(&s));
      return FieldRead::kUnknown;
    });
  }

  // The resource may come after the scope logs: collect it first.
  bool ResourceLogs(std::string_view data) {
    Reader r(data);
    std::vector<std::string_view> scopes;
    resource_attrs.clear();
    const bool read = r.Fields([&](uint32_t field, int wt) {
      std::string_view s;
      if (field == 1 && wt == kLen) return Read(r.Len(&s) && WalkResource(s, &resource_attrs));
      if (field == 2 && wt == kLen) {
        if (!r.Len(&s)) return FieldRead::kBad;
        scopes.push_back(s);
        return FieldRead::kOk;
      }
      if (field == 3 && wt == kLen) return Read(r.String(&s));
      return FieldRead::kUnknown;
    });
    if (!read) return false;
    for (std::string_view s : scopes) {
      if (!ScopeLogs(s)) return false;
    }
    return true;
  }
};

}  // namespace

void EventFields::AppendSerialized(std::string* out) const {
  auto tag = [out](int field, int wire_type) { PutVarint(out, static_cast<uint64_t>(field << 3 | wire_type)); };
  auto text_field = [&](int field) {
    std::string_view s = text[field];
    if (s.empty()) return;
    tag(field, kLen);
    PutVarint(out, s.size());
    out->append(s);
  };
  if (schema_version != 0) {
    tag(kSchemaVersionField, kVarint);
    PutVarint(out, schema_version);
  }
  text_field(kEventIdField);
  if (time_unix_nano != 0) {
    tag(kTimeField, kFixed64);
    for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((time_unix_nano >> (8 * i)) & 0xff));
  }
  if (kind != 0) {
    tag(kKindField, kVarint);
    PutVarint(out, static_cast<uint64_t>(static_cast<int64_t>(kind)));
  }
  for (int f = 5; f <= 18; ++f) text_field(f);
  if (timed_out) {
    tag(kTimedOutField, kVarint);
    out->push_back(1);
  }
  if (findings != 0) {
    tag(kFindingsField, kVarint);
    PutVarint(out, findings);
  }
  text_field(21);
}

std::string_view EventMapper::Own(std::string s) { return owned_.emplace_back(std::move(s)); }

void EventMapper::SetText(EventFields* e, int field, const AttrValue& v) {
  switch (v.kind) {
    case AttrValue::kString:
      e->text[field] = v.str;
      break;
    case AttrValue::kInt:
      e->text[field] = Own(std::to_string(v.i));
      break;
    case AttrValue::kBool:
      e->text[field] = v.b ? "true" : "false";
      break;
    case AttrValue::kDouble:
      e->text[field] = Own(std::to_string(v.d));
      break;
    default:
      e->text[field] = {};
      break;
  }
}

void EventMapper::Begin(EventFields* e, uint64_t time_unix_nano, uint64_t observed_time_unix_nano) {
  *e = EventFields();
  e->time_unix_nano = time_unix_nano != 0 ? time_unix_nano : observed_time_unix_nano;
}

void EventMapper::Body(EventFields* e, const AttrValue& body) {
  if (body.kind != AttrValue::kNone) SetText(e, kReasonField, body);
}

void EventMapper::ResourceAttribute(EventFields* e, std::string_view key, const AttrValue& v) {
  if (key == "faas.name") SetText(e, kFunctionNameField, v);
  else if (key == "faas.version") SetText(e, kFunctionVersionField, v);
  else if (key == "cloud.region") SetText(e, kRegionField, v);
}

void EventMapper::RecordAttribute(EventFields* e, std::string_view key, const AttrValue& v) {
  int field = FieldForRecordAttribute(key);
  if (field == 0) return;
  switch (field) {
    case kSchemaVersionField:
      e->schema_version = static_cast<uint32_t>(ValueInt(v));
      break;
    case kKindField: {
      SetText(e, 0, v);  // slot 0 is scratch: no field 0
      e->kind = KindFromName(e->text[0]);
      e->text[0] = {};
      break;
    }
    case kTimedOutField:
      e->timed_out = ValueBool(v);
      break;
    case kFindingsField: {
      int64_t n = ValueInt(v);
      e->findings = static_cast<uint32_t>(n < 0 ? 0 : n);
      break;
    }
    default:
      SetText(e, field, v);
      break;
  }
}

void EventMapper::Finish(EventFields* e, std::string_view record_trace_id) {
  // A record from another sender carries its trace only in the OTLP field.
  if (e->text[kTraceIdField].empty() && record_trace_id.size() == 16) {
    e->text[kTraceIdField] = Own(HexLower(record_trace_id));
  }
}

void MapRecord(const ::opentelemetry::proto::logs::v1::ResourceLogs& resource_logs,
               const ::opentelemetry::proto::logs::v1::LogRecord& record, EventMapper* mapper, EventFields* e) {
  mapper->Begin(e, record.time_unix_nano(), record.observed_time_unix_nano());
  if (record.has_body()) mapper->Body(e, FromAnyValue(record.body()));
  for (const KeyValue& kv : resource_logs.resource().attributes()) {
    mapper->ResourceAttribute(e, kv.key(), FromAnyValue(kv.value()));
  }
  for (const KeyValue& kv : record.attributes()) mapper->RecordAttribute(e, kv.key(), FromAnyValue(kv.value()));
  mapper->Finish(e, record.trace_id());
}

bool FastMapExportLogs(std::string_view body, MappedEvents* out) {
  out->Clear();
  Walker w{out, {}, {}};
  Reader r(body);
  return r.Fields([&](uint32_t field, int wt) {
    std::string_view s;
    if (field == 1 && wt == kLen) return Read(r.Len(&s) && w.ResourceLogs(s));
    return FieldRead::kUnknown;
  });
}

}  // namespace fnguard::report
