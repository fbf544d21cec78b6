#include "runtime/report/otlp.h"

#include <gtest/gtest.h>

#include <map>

#include "runtime/report/gzip.h"

namespace fnguard::report {
namespace {

using ::opentelemetry::proto::common::v1::AnyValue;

SecurityEvent SampleEvent() {
  SecurityEvent e;
  e.event_id = "0123456789abcdef0123456789abcdef";
  e.kind = "injection";
  e.action = Action::kBlock;
  e.detector = "sqli";
  e.rule_id = "sqli.union";
  e.field_path = "query.id";
  e.excerpt = "1 UNION SELECT pass FROM users";
  e.reason = "SQL UNION injection in query.id";
  e.event_kind = "apigw-v2";
  e.request_id = "req-1";
  e.trace_id = "Root=1-5e1b4151-5ac6c58f5b2d0c2d6a0e6f1a";
  e.findings = 2;
  e.time_unix_ns = 1700000000123456789ull;
  e.policy_version = "7";
  return e;
}

std::map<std::string, AnyValue> Attributes(const otlp_logs::LogRecord& r) {
  std::map<std::string, AnyValue> m;
  for (const auto& kv : r.attributes()) m[kv.key()] = kv.value();
  return m;
}

TEST(OtlpTest, EncodesOneLogRecordPerEventAndDecodesBack) {
  ResourceInfo resource{"orders-fn", "orders-fn", "$LATEST", "eu-west-1"};
  SecurityEvent monitor = SampleEvent();
  monitor.action = Action::kMonitor;
  monitor.event_id = "ffffffffffffffffffffffffffffffff";
  auto request = BuildExportRequest(resource, {SampleEvent(), monitor});

  std::string wire = request.SerializeAsString();
  otlp_collector::ExportLogsServiceRequest decoded;
  ASSERT_TRUE(decoded.ParseFromString(wire));
  ASSERT_EQ(decoded.resource_logs_size(), 1);
  const auto& rl = decoded.resource_logs(0);
  std::map<std::string, std::string> rattrs;
  for (const auto& kv : rl.resource().attributes()) rattrs[kv.key()] = kv.value().string_value();
  EXPECT_EQ(rattrs["service.name"], "orders-fn");
  EXPECT_EQ(rattrs["faas.name"], "orders-fn");
  EXPECT_EQ(rattrs["faas.version"], "$LATEST");
  EXPECT_EQ(rattrs["cloud.provider"], "aws");
  EXPECT_EQ(rattrs["cloud.region"], "eu-west-1");
  ASSERT_EQ(rl.scope_logs_size(), 1);
  EXPECT_EQ(rl.scope_logs(0).scope().name(), "fnguard");
  ASSERT_EQ(rl.scope_logs(0).log_records_size(), 2);

  const auto& r = rl.scope_logs(0).log_records(0);
  EXPECT_EQ(r.time_unix_nano(), 1700000000123456789ull);
  EXPECT_EQ(r.severity_number(), otlp_logs::SEVERITY_NUMBER_WARN);
  EXPECT_EQ(r.severity_number(), 13);
  EXPECT_EQ(r.body().string_value(), "SQL UNION injection in query.id");
  EXPECT_TRUE(r.trace_id().empty());  // X-Ray ids are not W3C ids
  auto attrs = Attributes(r);
  EXPECT_EQ(attrs["fnguard.event_id"].string_value(), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(attrs["fnguard.kind"].string_value(), "injection");
  EXPECT_EQ(attrs["fnguard.action"].string_value(), "block");
  EXPECT_EQ(attrs["fnguard.detector"].string_value(), "sqli");
  EXPECT_EQ(attrs["fnguard.rule_id"].string_value(), "sqli.union");
  EXPECT_EQ(attrs["fnguard.field_path"].string_value(), "query.id");
  EXPECT_EQ(attrs["fnguard.excerpt"].string_value(), "1 UNION SELECT pass FROM users");
  EXPECT_EQ(attrs["fnguard.findings"].int_value(), 2);
  EXPECT_EQ(attrs["fnguard.schema_version"].int_value(), 1);
  EXPECT_FALSE(attrs["fnguard.timed_out"].bool_value());
  EXPECT_EQ(attrs["faas.invocation_id"].string_value(), "req-1");
  EXPECT_EQ(Attributes(rl.scope_logs(0).log_records(1))["fnguard.action"].string_value(), "monitor");
  EXPECT_EQ(rl.scope_logs(0).log_records(1).severity_number(), otlp_logs::SEVERITY_NUMBER_INFO);

  // And back to the canonical event, as the collector does.
  auto back = EventFromLogRecord(rl, r);
  EXPECT_EQ(back.event_id(), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(back.kind(), fnguard::v1::SecurityEvent::INJECTION);
  EXPECT_EQ(back.action(), "block");
  EXPECT_EQ(back.rule_id(), "sqli.union");
  EXPECT_EQ(back.reason(), "SQL UNION injection in query.id");
  EXPECT_EQ(back.request_id(), "req-1");
  EXPECT_EQ(back.function_name(), "orders-fn");
  EXPECT_EQ(back.region(), "eu-west-1");
  EXPECT_EQ(back.findings(), 2u);
  EXPECT_EQ(back.schema_version(), 1u);
  EXPECT_EQ(back.policy_version(), "7");
  EXPECT_EQ(back.time_unix_nano(), 1700000000123456789ull);
}

TEST(OtlpTest, SeverityForInternalEventsIsError) {
  SecurityEvent e = SampleEvent();
  e.kind = "internal";
  e.action = Action::kAllow;
  otlp_logs::LogRecord r;
  EncodeLogRecord(e, &r);
  EXPECT_EQ(r.severity_number(), 17);
  EXPECT_EQ(r.severity_text(), "ERROR");
}

TEST(OtlpTest, W3cTraceIdBecomesSixteenBytes) {
  SecurityEvent e = SampleEvent();
  e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  otlp_logs::LogRecord r;
  EncodeLogRecord(e, &r);
  ASSERT_EQ(r.trace_id().size(), 16u);
  EXPECT_EQ(static_cast<unsigned char>(r.trace_id()[0]), 0x4b);
  EXPECT_EQ(static_cast<unsigned char>(r.trace_id()[15]), 0x36);
}

TEST(OtlpTest, ToProtoCarriesEveryField) {
  auto p = ToProto(SampleEvent());
  EXPECT_EQ(p.schema_version(), 1u);
  EXPECT_EQ(p.kind(), fnguard::v1::SecurityEvent::INJECTION);
  EXPECT_EQ(p.action(), "block");
  EXPECT_EQ(p.findings(), 2u);
  EXPECT_EQ(p.trace_id(), "Root=1-5e1b4151-5ac6c58f5b2d0c2d6a0e6f1a");
}

TEST(OtlpDecodeTest, AcceptsProtobufGzipAndJson) {
  auto request = BuildExportRequest(ResourceInfo{"svc", "", "", ""}, {SampleEvent()});
  std::string wire = request.SerializeAsString();
  otlp_collector::ExportLogsServiceRequest out;
  DecodeError err;
  ASSERT_TRUE(DecodeExportLogsRequest("application/x-protobuf", "", wire, &out, &err)) << err.message;
  EXPECT_EQ(out.resource_logs(0).scope_logs(0).log_records_size(), 1);
  ASSERT_TRUE(DecodeExportLogsRequest("application/x-protobuf", "gzip", GzipCompress(wire), &out, &err));
  EXPECT_EQ(out.resource_logs(0).scope_logs(0).log_records_size(), 1);

  // OTLP JSON mapping: lowerCamelCase names, int64 as strings.
  std::string json = R"({"resourceLogs":[{"resource":{"attributes":[{"key":"faas.name","value":{"stringValue":"f"}}]},
    "scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":13,
    "body":{"stringValue":"blocked"},"attributes":[{"key":"fnguard.event_id","value":{"stringValue":"abc"}},
    {"key":"fnguard.findings","value":{"intValue":"3"}}]}]}]}]})";
  ASSERT_TRUE(DecodeExportLogsRequest("application/json; charset=utf-8", "", json, &out, &err)) << err.message;
  const auto& rl = out.resource_logs(0);
  auto e = EventFromLogRecord(rl, rl.scope_logs(0).log_records(0));
  EXPECT_EQ(e.event_id(), "abc");
  EXPECT_EQ(e.findings(), 3u);
  EXPECT_EQ(e.reason(), "blocked");
  EXPECT_EQ(e.function_name(), "f");
  EXPECT_EQ(e.time_unix_nano(), 1700000000000000000ull);
}

TEST(OtlpDecodeTest, JsonTraceAndSpanIdsAreHex) {
  // OTLP/JSON carries trace and span ids as hex, not as the base64 of the
  // protobuf JSON mapping; base64 ids of the right length are still read.
  std::string json = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","body":{"stringValue":"a"}},
    {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","body":{"stringValue":"b"}},
    {"traceId":"5B8EFFF798038103D269B633813FC60C","body":{"stringValue":"c"}}]}]}]})";
  otlp_collector::ExportLogsServiceRequest out;
  DecodeError err;
  ASSERT_TRUE(DecodeExportLogsRequest("application/json", "", json, &out, &err)) << err.message;
  const auto& rl = out.resource_logs(0);
  const auto& records = rl.scope_logs(0).log_records();
  ASSERT_EQ(records.size(), 3);
  const std::string trace("\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33\x81\x3f\xc6\x0c", 16);
  const std::string span("\xee\xe1\x9b\x7e\xc3\xc1\xb1\x74", 8);
  for (const auto& r : records) {
    EXPECT_EQ(r.trace_id(), trace) << r.body().string_value();
    if (!r.span_id().empty()) {
      EXPECT_EQ(r.span_id(), span) << r.body().string_value();
    }
    // Without a fnguard.trace_id attribute the event shows the record's trace.
    EXPECT_EQ(EventFromLogRecord(rl, r).trace_id(), "5b8efff798038103d269b633813fc60c");
  }
  // The same record over protobuf decodes to the same message.
  std::string wire = out.SerializeAsString();
  otlp_collector::ExportLogsServiceRequest again;
  ASSERT_TRUE(DecodeExportLogsRequest("application/x-protobuf", "", wire, &again, &err));
  EXPECT_EQ(again.SerializeAsString(), wire);
}

TEST(OtlpDecodeTest, RefusesBadBodiesWithTheRightStatus) {
  otlp_collector::ExportLogsServiceRequest out;
  DecodeError err;
  EXPECT_FALSE(DecodeExportLogsRequest("text/plain", "", "x", &out, &err));
  EXPECT_EQ(err.http_status, 415);
  EXPECT_FALSE(DecodeExportLogsRequest("application/x-protobuf", "br", "x", &out, &err));
  EXPECT_EQ(err.http_status, 415);
  EXPECT_FALSE(DecodeExportLogsRequest("application/x-protobuf", "", std::string("\xff\xff\xff", 3), &out, &err));
  EXPECT_EQ(err.http_status, 400);
  EXPECT_FALSE(DecodeExportLogsRequest("application/x-protobuf", "gzip", "not gzip", &out, &err));
  EXPECT_EQ(err.http_status, 400);
  EXPECT_FALSE(DecodeExportLogsRequest("application/json", "", "{\"resourceLogs\": 5}", &out, &err));
  EXPECT_EQ(err.http_status, 400);
  // A small gzip body that inflates past the cap is refused, not inflated.
  std::string bomb = GzipCompress(std::string(kMaxRequestBytes + 1024, '\0'));
  ASSERT_LT(bomb.size(), 100000u);
  EXPECT_FALSE(DecodeExportLogsRequest("application/x-protobuf", "gzip", bomb, &out, &err));
  EXPECT_EQ(err.http_status, 413);
}

// The sender's direct wire writer must produce exactly what the message
// encoder serializes, for every shape of event: empty and long strings
// (multi-byte length varints), negative counts, W3C and X-Ray trace ids,
// zero times, every severity, an empty resource.
// A protobuf body whose strings are not UTF-8 is refused with 400 without a
// word on stderr: the collector's log is not the client's to fill.
TEST(OtlpDecodeTest, RefusesNonUtf8StringsQuietly) {
  // ExportLogsServiceRequest { resource_logs (1) { scope_logs (2) {
  //   log_records (2) { severity_text (3): "\xff\xfe" } } } }
  const std::string record = std::string("\x1a\x02\xff\xfe", 4);
  const std::string scope = std::string("\x12", 1) + static_cast<char>(record.size()) + record;
  const std::string resource = std::string("\x12", 1) + static_cast<char>(scope.size()) + scope;
  const std::string wire = std::string("\x0a", 1) + static_cast<char>(resource.size()) + resource;
  otlp_collector::ExportLogsServiceRequest out;
  DecodeError err;
  testing::internal::CaptureStderr();
  const bool ok = DecodeExportLogsRequest("application/x-protobuf", "", wire, &out, &err);
  const std::string logged = testing::internal::GetCapturedStderr();
  EXPECT_FALSE(ok);
  EXPECT_EQ(err.http_status, 400);
  EXPECT_EQ(logged, "");
}

TEST(OtlpTest, DirectEncoderIsByteIdenticalToTheMessages) {
  std::vector<SecurityEvent> events;
  events.push_back(SampleEvent());
  SecurityEvent empty;
  events.push_back(empty);
  SecurityEvent internal = SampleEvent();
  internal.kind = "internal";
  internal.action = Action::kAllow;
  internal.findings = -3;
  internal.timed_out = true;
  internal.trace_id = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  internal.excerpt = std::string(70000, 'x');  // 3-byte length varints
  internal.reason.clear();
  internal.host = "metadata.internal";
  internal.function_name = "f";
  internal.function_version = "9";
  internal.region = "us-east-1";
  internal.policy_source = "/opt/policy.yaml";
  events.push_back(internal);
  SecurityEvent monitor = SampleEvent();
  monitor.action = Action::kMonitor;
  monitor.time_unix_ns = 0;
  monitor.trace_id = "0af7651916cd43dd8448eb211c80319c";
  events.push_back(monitor);
  for (int i = 0; i < 200; ++i) {
    SecurityEvent e = SampleEvent();
    e.request_id = "req-" + std::to_string(i);
    e.findings = i;
    events.push_back(e);
  }
  for (const ResourceInfo& resource :
       {ResourceInfo{"orders-fn", "orders-fn", "$LATEST", "eu-west-1"}, ResourceInfo{}}) {
    std::string want = BuildExportRequest(resource, events).SerializeAsString();
    EXPECT_EQ(EncodeExportRequest(resource, events), want);
    EXPECT_EQ(EncodeExportRequest(resource, {}), BuildExportRequest(resource, {}).SerializeAsString());
    // The encoder is reusable: a second batch starts from scratch.
    ExportRequestEncoder encoder(resource);
    for (const auto& e : events) encoder.Add(e);
    std::string first;
    encoder.Finish(&first);
    encoder.Add(events[0]);
    std::string second;
    encoder.Finish(&second);
    EXPECT_EQ(first, want);
    EXPECT_EQ(second, BuildExportRequest(resource, {events[0]}).SerializeAsString());
  }
}

// An excerpt of a binary body is not UTF-8; a protobuf parser would refuse
// the whole batch for it. Invalid sequences become U+FFFD.
TEST(OtlpTest, InvalidUtf8BecomesReplacementCharacters) {
  SecurityEvent e = SampleEvent();
  e.excerpt = std::string("\xff\xfe" "ab\xc3", 5);
  e.field_path = "body.\xed\xa0\x80x";  // an encoded surrogate
  e.reason = "caf\xc3\xa9";             // valid: kept as it is
  ResourceInfo resource{"svc", "fn", "1", "r"};
  std::string wire = EncodeExportRequest(resource, {e});
  EXPECT_EQ(wire, BuildExportRequest(resource, {e}).SerializeAsString());
  otlp_collector::ExportLogsServiceRequest decoded;
  ASSERT_TRUE(decoded.ParseFromString(wire));
  auto event = EventFromLogRecord(decoded.resource_logs(0), decoded.resource_logs(0).scope_logs(0).log_records(0));
  EXPECT_EQ(event.excerpt(), "\xef\xbf\xbd\xef\xbf\xbd" "ab\xef\xbf\xbd");
  EXPECT_EQ(event.field_path(), "body.\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx");
  EXPECT_EQ(event.reason(), "caf\xc3\xa9");
}

}  // namespace
}  // namespace fnguard::report
