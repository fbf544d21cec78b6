#include "runtime/report/otlp_json.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace fnguard::report {
namespace {

namespace collector = ::opentelemetry::proto::collector::logs::v1;
namespace logs = ::opentelemetry::proto::logs::v1;
namespace common = ::opentelemetry::proto::common::v1;

TEST(OtlpJsonTest, ResponsePartialSuccessInEitherSpelling) {
  collector::ExportLogsServiceResponse r;
  ASSERT_TRUE(ParseJsonExportLogsResponse(
                  R"({"partialSuccess":{"rejectedLogRecords":"5","errorMessage":"5 too old"},"extra":[1]})", &r)
                  .ok());
  EXPECT_EQ(r.partial_success().rejected_log_records(), 5);
  EXPECT_EQ(r.partial_success().error_message(), "5 too old");
  ASSERT_TRUE(ParseJsonExportLogsResponse(R"({"partial_success":{"rejected_log_records":7}})", &r).ok());
  EXPECT_EQ(r.partial_success().rejected_log_records(), 7);
  ASSERT_TRUE(ParseJsonExportLogsResponse("{}", &r).ok());
  EXPECT_FALSE(r.has_partial_success());
  ASSERT_TRUE(ParseJsonExportLogsResponse(R"({"partialSuccess":null})", &r).ok());
  EXPECT_FALSE(r.has_partial_success());
}

TEST(OtlpJsonTest, ResponseErrors) {
  collector::ExportLogsServiceResponse r;
  EXPECT_FALSE(ParseJsonExportLogsResponse("", &r).ok());
  EXPECT_FALSE(ParseJsonExportLogsResponse("not json", &r).ok());
  EXPECT_FALSE(ParseJsonExportLogsResponse("[]", &r).ok());
  EXPECT_FALSE(ParseJsonExportLogsResponse(R"({"partialSuccess":3})", &r).ok());
  EXPECT_FALSE(ParseJsonExportLogsResponse(R"({"partialSuccess":{"rejectedLogRecords":"x"}})", &r).ok());
  EXPECT_FALSE(ParseJsonExportLogsResponse(R"({"partialSuccess":{"rejectedLogRecords":1.5}})", &r).ok());
  EXPECT_FALSE(ParseJsonExportLogsResponse(R"({"partialSuccess":{"errorMessage":1}})", &r).ok());
}

// Every field of the request, written the ways the protobuf JSON mapping
// allows, reads to the same message as one built in code.
TEST(OtlpJsonTest, RequestEveryFieldMatchesTheBuiltMessage) {
  std::string json = R"({"resourceLogs":[{
    "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}],"droppedAttributesCount":1},
    "schema_url":"https://schema/r",
    "unknownField":{"deep":[1,2,{"x":null}]},
    "scopeLogs":[{
      "scope":{"name":"fnguard","version":"0.1.0","attributes":[],"dropped_attributes_count":"2"},
      "schemaUrl":"https://schema/s",
      "logRecords":[{
        "timeUnixNano":"1700000000000000001","observedTimeUnixNano":1700000000000000000,
        "severityNumber":"SEVERITY_NUMBER_WARN","severityText":"WARN","flags":1,
        "droppedAttributesCount":3,"traceId":"AAECAwQFBgcICQoLDA0ODw==","span_id":"AAECAwQFBgc",
        "body":{"kvlistValue":{"values":[
          {"key":"b","value":{"boolValue":true}},
          {"key":"i","value":{"intValue":-42}},
          {"key":"d","value":{"doubleValue":"Infinity"}},
          {"key":"e","value":{"doubleValue":2.5e3}},
          {"key":"y","value":{"bytesValue":"_-8"}},
          {"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":"1e0"},{}]}}},
          {"key":"n","value":null}]}},
        "attributes":[{"key":"fnguard.findings","value":{"int_value":"9223372036854775807"}}],
        "severity_number":null}]}]}]})";
  collector::ExportLogsServiceRequest parsed;
  absl::Status st = ParseJsonExportLogsRequest(json, &parsed);
  // "1e0" is not a decimal integer string.
  EXPECT_FALSE(st.ok());
  size_t at = json.find(R"("1e0")");
  json.replace(at, 5, "1e0");
  ASSERT_TRUE(ParseJsonExportLogsRequest(json, &parsed).ok());

  collector::ExportLogsServiceRequest want;
  logs::ResourceLogs* rl = want.add_resource_logs();
  common::KeyValue* kv = rl->mutable_resource()->add_attributes();
  kv->set_key("service.name");
  kv->mutable_value()->set_string_value("svc");
  rl->mutable_resource()->set_dropped_attributes_count(1);
  rl->set_schema_url("https://schema/r");
  logs::ScopeLogs* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("fnguard");
  sl->mutable_scope()->set_version("0.1.0");
  sl->mutable_scope()->set_dropped_attributes_count(2);
  sl->set_schema_url("https://schema/s");
  logs::LogRecord* r = sl->add_log_records();
  r->set_time_unix_nano(1700000000000000001ull);
  r->set_observed_time_unix_nano(1700000000000000000ull);
  r->set_severity_number(logs::SEVERITY_NUMBER_WARN);
  r->set_severity_text("WARN");
  r->set_flags(1);
  r->set_dropped_attributes_count(3);
  r->set_trace_id(std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16));
  r->set_span_id(std::string("\x00\x01\x02\x03\x04\x05\x06\x07", 8));
  common::KeyValueList* list = r->mutable_body()->mutable_kvlist_value();
  auto add = [&](const char* key) {
    common::KeyValue* item = list->add_values();
    item->set_key(key);
    return item;
  };
  add("b")->mutable_value()->set_bool_value(true);
  add("i")->mutable_value()->set_int_value(-42);
  add("d")->mutable_value()->set_double_value(std::numeric_limits<double>::infinity());
  add("e")->mutable_value()->set_double_value(2500);
  add("y")->mutable_value()->set_bytes_value("\xff\xef");
  common::ArrayValue* array = add("a")->mutable_value()->mutable_array_value();
  array->add_values()->set_string_value("x");
  array->add_values()->set_int_value(1);
  array->add_values();
  add("n");
  common::KeyValue* attr = r->add_attributes();
  attr->set_key("fnguard.findings");
  attr->mutable_value()->set_int_value(9223372036854775807LL);

  EXPECT_EQ(parsed.SerializeAsString(), want.SerializeAsString());
  EXPECT_EQ(parsed.resource_logs(0).scope_logs(0).log_records(0).body().kvlist_value().values(4).value().bytes_value(),
            "\xff\xef");
}

TEST(OtlpJsonTest, SeverityByNumberAndUnknownNameIgnored) {
  collector::ExportLogsServiceRequest out;
  ASSERT_TRUE(ParseJsonExportLogsRequest(
                  R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":17},
                      {"severityNumber":"SEVERITY_NUMBER_LOUD"},{"severityNumber":"17"}]}]}]})",
                  &out)
                  .ok());
  const auto& records = out.resource_logs(0).scope_logs(0).log_records();
  ASSERT_EQ(records.size(), 3);
  EXPECT_EQ(records[0].severity_number(), logs::SEVERITY_NUMBER_ERROR);
  EXPECT_EQ(records[1].severity_number(), logs::SEVERITY_NUMBER_UNSPECIFIED);
  EXPECT_EQ(records[2].severity_number(), logs::SEVERITY_NUMBER_ERROR);
}

TEST(OtlpJsonTest, RequestWrongTypesAndRangesAreErrors) {
  auto record = [](const std::string& fields) {
    return R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{)" + fields + "}]}]}]}";
  };
  collector::ExportLogsServiceRequest out;
  for (const std::string& bad : {
           record(R"("timeUnixNano":-1)"),
           record(R"("timeUnixNano":"18446744073709551616")"),
           record(R"("flags":4294967296)"),
           record(R"("droppedAttributesCount":1.5)"),
           record(R"("severityText":5)"),
           record(R"("severityNumber":2147483648)"),
           record(R"("traceId":"not base64!")"),
           record(R"("body":"text")"),
           record(R"("body":{"boolValue":"true"}})"),
           record(R"("body":{"intValue":"9223372036854775808"}})"),
           record(R"("body":{"doubleValue":"fast"}})"),
           record(R"("attributes":"a")"),
           record(R"("attributes":[5])"),
           record(R"("body":{"stringValue":"a","intValue":"1"}})"),
           record(R"("body":{"stringValue":"a","stringValue":"b"}})"),
           record(R"("body":{"intValue":" 1"}})"),
           record(R"("body":{"bytesValue":"17"}})"),
           std::string(R"({"resourceLogs":5})"),
           std::string(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{]}]}]})"),
           std::string("[]"),
           std::string("null"),
       }) {
    EXPECT_FALSE(ParseJsonExportLogsRequest(bad, &out).ok()) << bad;
  }
  EXPECT_TRUE(ParseJsonExportLogsRequest(R"({"resourceLogs":null,"other":1})", &out).ok());
  EXPECT_EQ(out.resource_logs_size(), 0);
}

// Where protobuf's own JSON parser is lenient, so is this one: null elements
// of a repeated field are skipped, a single object is a one-element array, a
// null oneof member does not count, a repeated key's last value wins.
TEST(OtlpJsonTest, LenientLikeTheProtobufParser) {
  collector::ExportLogsServiceRequest out;
  ASSERT_TRUE(ParseJsonExportLogsRequest(
                  R"({"resourceLogs":{"schemaUrl":"a","schemaUrl":"b","scopeLogs":[null,{"logRecords":[null,
                      {"body":{"stringValue":null,"intValue":"+7"},"attributes":[null]}]}]}})",
                  &out)
                  .ok());
  ASSERT_EQ(out.resource_logs_size(), 1);
  EXPECT_EQ(out.resource_logs(0).schema_url(), "b");
  ASSERT_EQ(out.resource_logs(0).scope_logs_size(), 1);
  ASSERT_EQ(out.resource_logs(0).scope_logs(0).log_records_size(), 1);
  const auto& record = out.resource_logs(0).scope_logs(0).log_records(0);
  EXPECT_EQ(record.body().int_value(), 7);
  EXPECT_EQ(record.attributes_size(), 0);
}

TEST(OtlpJsonTest, NestingPastOneHundredLevelsIsRefused) {
  auto nested = [](int levels) {
    std::string v = R"({"stringValue":"x"})";
    for (int i = 0; i < levels; ++i) v = R"({"arrayValue":{"values":[)" + v + "]}}";
    return R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":)" + v + "}]}]}]}";
  };
  collector::ExportLogsServiceRequest out;
  EXPECT_TRUE(ParseJsonExportLogsRequest(nested(40), &out).ok());
  absl::Status st = ParseJsonExportLogsRequest(nested(60), &out);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("100 levels"), std::string_view::npos) << st.message();
}

}  // namespace
}  // namespace fnguard::report
