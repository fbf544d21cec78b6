// The collector's two decoders must store the same events: whatever
// FastMapExportLogs() accepts, it maps exactly as the message path
// (protobuf parse + MapRecord) does, and it refuses what the protobuf parser
// refuses.
#include "runtime/report/event_map.h"

#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "runtime/report/otlp.h"

namespace fnguard::report {
namespace {

using ::opentelemetry::proto::common::v1::KeyValue;

// The message path, as the collector runs it. `out` views into `request`.
bool SlowMap(std::string_view body, otlp_collector::ExportLogsServiceRequest* parsed, MappedEvents* out) {
  out->Clear();
  otlp_collector::ExportLogsServiceRequest& request = *parsed;
  if (!request.ParseFromArray(body.data(), static_cast<int>(body.size()))) return false;
  for (const auto& rl : request.resource_logs()) {
    for (const auto& sl : rl.scope_logs()) {
      for (const auto& record : sl.log_records()) {
        auto& ev = out->events.emplace_back();
        MapRecord(rl, record, &out->mapper, &ev.fields);
        ev.blob_offset = out->blobs.size();
        ev.fields.AppendSerialized(&out->blobs);
        ev.blob_size = out->blobs.size() - ev.blob_offset;
      }
    }
  }
  return true;
}

// Both decoders on `body`: when the fast one accepts, the results match.
// Returns whether the fast path took it.
bool ExpectSameEvents(std::string_view body) {
  MappedEvents fast, slow;
  otlp_collector::ExportLogsServiceRequest parsed;
  bool fast_ok = FastMapExportLogs(body, &fast);
  bool slow_ok = SlowMap(body, &parsed, &slow);
  if (!fast_ok) return false;
  EXPECT_TRUE(slow_ok) << "the fast path took a body the protobuf parser refuses";
  if (!slow_ok) return true;
  EXPECT_EQ(fast.events.size(), slow.events.size());
  for (size_t i = 0; i < std::min(fast.events.size(), slow.events.size()); ++i) {
    const EventFields& a = fast.events[i].fields;
    const EventFields& b = slow.events[i].fields;
    EXPECT_EQ(fast.blob(fast.events[i]), slow.blob(slow.events[i])) << "event " << i;
    EXPECT_EQ(a.time_unix_nano, b.time_unix_nano);
    EXPECT_EQ(a.kind, b.kind);
    for (int f = 0; f <= EventFields::kMaxField; ++f) EXPECT_EQ(a.text[f], b.text[f]) << "field " << f;
  }
  return true;
}

SecurityEvent FullEvent(int i) {
  SecurityEvent e;
  e.event_id = NewEventId();
  e.kind = i % 2 == 0 ? "injection" : "egress";
  e.action = i % 3 == 0 ? Action::kMonitor : Action::kBlock;
  e.detector = "sqli";
  e.rule_id = "sqli.union";
  e.field_path = "query.id";
  e.excerpt = "1 UNION SELECT \xc3\xa9t\xc3\xa9";  // UTF-8
  e.reason = "UNION-based SQL injection";
  e.event_kind = "apigw-v2";
  e.request_id = "req-" + std::to_string(i);
  e.trace_id = i % 2 == 0 ? "0af7651916cd43dd8448eb211c80319c" : "Root=1-5e1b4151-5ac6c58f5b2d0c2d6a0e6f1a";
  e.function_name = "fn";
  e.function_version = "3";
  e.region = "eu-west-1";
  e.policy_version = "7";
  e.policy_source = "/opt/policy.yaml";
  e.timed_out = i % 5 == 0;
  e.findings = i;
  e.host = i % 2 == 1 ? "169.254.169.254" : "";
  e.time_unix_ns = 1700000000000000000ull + static_cast<uint64_t>(i);
  return e;
}

std::string SenderBody(int n) {
  std::vector<SecurityEvent> events;
  for (int i = 0; i < n; ++i) events.push_back(FullEvent(i));
  return EncodeExportRequest(ResourceInfo{"svc", "fn", "3", "eu-west-1"}, events);
}

void Add(google::protobuf::RepeatedPtrField<KeyValue>* attrs, const std::string& key, const std::string& value) {
  KeyValue* kv = attrs->Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

// Field `field` with wire type `wt` and payload `payload` (length-delimited
// for wt 2, raw bytes otherwise).
std::string Field(int field, int wt, const std::string& payload) {
  std::string out;
  uint64_t tag = static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wt);
  auto varint = [&](uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  };
  varint(tag);
  if (wt == 2) varint(payload.size());
  out += payload;
  return out;
}

TEST(EventMapTest, SenderBatchesTakeTheFastPathAndMatch) {
  for (int n : {1, 2, 17, 300}) {
    std::string body = SenderBody(n);
    MappedEvents fast;
    ASSERT_TRUE(FastMapExportLogs(body, &fast));
    ASSERT_EQ(fast.events.size(), static_cast<size_t>(n));
    EXPECT_TRUE(ExpectSameEvents(body));
    // The stored blob is the canonical message.
    fnguard::v1::SecurityEvent e;
    ASSERT_TRUE(e.ParseFromString(std::string(fast.blob(fast.events[1 % n]))));
    EXPECT_EQ(e.SerializeAsString(), std::string(fast.blob(fast.events[1 % n])));
    EXPECT_EQ(e.rule_id(), "sqli.union");
  }
}

TEST(EventMapTest, UnusualButValidShapesMapTheSame) {
  otlp_collector::ExportLogsServiceRequest request;
  auto* rl = request.add_resource_logs();
  Add(rl->mutable_resource()->mutable_attributes(), "faas.name", "from-resource");
  Add(rl->mutable_resource()->mutable_attributes(), "cloud.region", "us-east-2");
  rl->mutable_resource()->mutable_attributes()->Add()->set_key("faas.version");  // no value
  auto* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("other-sdk");
  auto* r = sl->add_log_records();
  r->set_observed_time_unix_nano(42);  // no time: observed time is used
  r->mutable_body()->set_int_value(-7);
  Add(r->mutable_attributes(), "fnguard.event_id", "id-1");
  Add(r->mutable_attributes(), "fnguard.event_id", "id-2");  // the last one wins
  auto* kv = r->mutable_attributes()->Add();
  kv->set_key("fnguard.findings");
  kv->mutable_value()->set_string_value("12");
  kv = r->mutable_attributes()->Add();
  kv->set_key("fnguard.timed_out");
  kv->mutable_value()->set_string_value("true");
  kv = r->mutable_attributes()->Add();
  kv->set_key("fnguard.rule_id");
  kv->mutable_value()->set_double_value(2.5);
  kv = r->mutable_attributes()->Add();
  kv->set_key("fnguard.detector");
  kv->mutable_value()->set_bool_value(true);
  kv = r->mutable_attributes()->Add();
  kv->set_key("fnguard.schema_version");
  kv->mutable_value()->set_int_value(1);
  kv = r->mutable_attributes()->Add();
  kv->set_key("fnguard.kind");
  kv->mutable_value()->set_string_value("tls");
  kv = r->mutable_attributes()->Add();
  kv->set_key("fnguard.excerpt");
  kv->mutable_value()->set_bytes_value("\x01\x02");
  Add(r->mutable_attributes(), "fnguard.function_name", "from-record");
  Add(r->mutable_attributes(), "unrelated.key", "x");
  r->set_trace_id(std::string("\x0a\xf7\x65\x19\x16\xcd\x43\xdd\x84\x48\xeb\x21\x1c\x80\x31\x9c", 16));
  r->set_span_id(std::string(8, '\x01'));
  r->set_severity_number(otlp_logs::SEVERITY_NUMBER_FATAL);
  r->set_flags(1);
  auto* r2 = sl->add_log_records();
  Add(r2->mutable_attributes(), "fnguard.event_id", "id-3");
  r2->mutable_body();  // present, but no value
  std::string body = request.SerializeAsString();
  ASSERT_TRUE(ExpectSameEvents(body));

  // The resource after the scope logs, and a second resource occurrence
  // (merged: its attributes are appended); unknown fields everywhere, and a
  // known field number with the wrong wire type (an unknown field to protobuf).
  std::string resource = rl->resource().SerializeAsString();
  std::string scope_logs = sl->SerializeAsString() + Field(99, 0, std::string(1, '\x05'));
  std::string extra_resource;
  {
    otlp_logs::ResourceLogs more;
    Add(more.mutable_resource()->mutable_attributes(), "faas.name", "second-occurrence");
    extra_resource = more.resource().SerializeAsString();
  }
  std::string resource_logs = Field(2, 2, scope_logs) + Field(1, 2, resource) + Field(1, 2, extra_resource) +
                              Field(7, 5, "abcd") + Field(1, 0, std::string(1, '\x01'));
  std::string req = Field(1, 2, resource_logs) + Field(5, 1, std::string(8, 'z'));
  ASSERT_TRUE(ExpectSameEvents(req));
  MappedEvents fast;
  ASSERT_TRUE(FastMapExportLogs(req, &fast));
  ASSERT_EQ(fast.events.size(), 2u);
  EXPECT_EQ(fast.events[1].fields.text[14], "second-occurrence");
  EXPECT_EQ(fast.events[0].fields.text[14], "from-record");
  EXPECT_EQ(fast.events[0].fields.event_id(), "id-2");

  // A body (AnyValue) sent twice merges: the later value wins.
  std::string record = Field(5, 2, Field(1, 2, "first")) + Field(5, 2, Field(3, 0, std::string(1, '\x09'))) +
                       Field(6, 2, Field(1, 2, "fnguard.event_id") + Field(2, 2, Field(1, 2, "id-9")));
  std::string merged = Field(1, 2, Field(2, 2, Field(2, 2, record)));
  ASSERT_TRUE(ExpectSameEvents(merged));
  ASSERT_TRUE(FastMapExportLogs(merged, &fast));
  EXPECT_EQ(fast.events[0].fields.text[10], "9");
}

TEST(EventMapTest, OutsideTheFastShapeTheMessagePathDecides) {
  google::protobuf::LogSilencer quiet;
  MappedEvents fast;
  // A record without fnguard.event_id: its id is a hash of the messages.
  otlp_collector::ExportLogsServiceRequest request;
  auto* r = request.add_resource_logs()->add_scope_logs()->add_log_records();
  r->mutable_body()->set_string_value("no id");
  EXPECT_FALSE(FastMapExportLogs(request.SerializeAsString(), &fast));
  EXPECT_TRUE(fast.missing_id);
  // Array values.
  Add(r->mutable_attributes(), "fnguard.event_id", "x");
  auto* kv = r->mutable_attributes()->Add();
  kv->set_key("list");
  kv->mutable_value()->mutable_array_value()->add_values()->set_string_value("a");
  EXPECT_FALSE(FastMapExportLogs(request.SerializeAsString(), &fast));
  // Invalid UTF-8 in a string field: refused by both.
  std::string bad = Field(1, 2, Field(2, 2, Field(1, 2, Field(1, 2, "\xff\xfe"))));
  EXPECT_FALSE(FastMapExportLogs(bad, &fast));
  otlp_collector::ExportLogsServiceRequest parsed;
  EXPECT_FALSE(SlowMap(bad, &parsed, &fast));
  // Groups, truncation, overlong varints.
  EXPECT_FALSE(FastMapExportLogs(Field(9, 3, "") + Field(9, 4, ""), &fast));
  std::string body = SenderBody(3);
  EXPECT_FALSE(FastMapExportLogs(body.substr(0, body.size() - 1), &fast));
  EXPECT_FALSE(FastMapExportLogs(std::string(11, '\xff'), &fast));
  // Empty body: no events, both agree.
  EXPECT_TRUE(ExpectSameEvents(""));
}

// Random damage to valid bodies: wherever the fast path still accepts, the
// message path agrees with it.
TEST(EventMapTest, MutatedBodiesNeverDisagree) {
  google::protobuf::LogSilencer quiet;  // the parser logs each non-UTF-8 string it refuses
  std::mt19937 rng(20240611);
  std::vector<std::string> seeds = {SenderBody(3), SenderBody(1)};
  int fast_taken = 0;
  for (int iter = 0; iter < 6000; ++iter) {
    std::string body = seeds[static_cast<size_t>(iter) % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits && !body.empty(); ++k) {
      size_t at = rng() % body.size();
      switch (rng() % 4) {
        case 0:
          body[at] = static_cast<char>(rng());
          break;
        case 1:
          body[at] = static_cast<char>(body[at] ^ (1 << (rng() % 8)));
          break;
        case 2:
          body.erase(at, 1 + rng() % 4);
          break;
        default:
          body.insert(at, 1, static_cast<char>(rng()));
          break;
      }
    }
    if (ExpectSameEvents(body)) ++fast_taken;
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "after mutation " << iter;
      return;
    }
  }
  // Single-byte changes inside string payloads keep many bodies valid.
  EXPECT_GT(fast_taken, 100);
}

}  // namespace
}  // namespace fnguard::report
