// Data-driven loader tests (tests/data/policies/{valid,invalid}) plus
// assertions on compiled values.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/document.h"
#include "policy/policy.h"
#include "re2/re2.h"
#include "tests/support/read_file.h"

namespace fnguard::policy {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kDataDir = fs::path(FNGUARD_SOURCE_DIR) / "tests" / "data" / "policies";

using test_support::ReadFile;

std::vector<fs::path> PolicyFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string ext = entry.path().extension().string();
    if (ext == ".yaml" || ext == ".json") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "# expect: <text>" on the first line (YAML), or <name>.expect (JSON).
std::string Expectation(const fs::path& file) {
  if (file.extension() == ".json") {
    fs::path expect = file;
    expect.replace_extension(".expect");
    std::string text = ReadFile(expect);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
  }
  std::string text = ReadFile(file);
  std::string first = text.substr(0, text.find('\n'));
  const std::string prefix = "# expect: ";
  if (first.rfind(prefix, 0) != 0) return "";
  return first.substr(prefix.size());
}

TEST(PolicyDataTest, EveryInvalidPolicyFailsWithItsExpectedError) {
  std::vector<fs::path> files = PolicyFiles(kDataDir / "invalid");
  ASSERT_GE(files.size(), 30u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::string expect = Expectation(file);
    ASSERT_FALSE(expect.empty()) << "no expectation for " << file;
    auto policy = LoadPolicyFile(file.string());
    ASSERT_FALSE(policy.ok()) << "loaded although invalid";
    EXPECT_THAT(std::string(policy.status().message()), HasSubstr(expect));
    EXPECT_THAT(std::string(policy.status().message()), HasSubstr(file.filename().string()));
  }
}

TEST(PolicyDataTest, EveryValidPolicyLoads) {
  std::vector<fs::path> files = PolicyFiles(kDataDir / "valid");
  ASSERT_GE(files.size(), 4u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    auto policy = LoadPolicyFile(file.string());
    ASSERT_TRUE(policy.ok()) << policy.status();
    EXPECT_EQ((*policy)->source, file.string());
    EXPECT_EQ((*policy)->version, 1);
  }
}

TEST(LoaderTest, DesignSketchCompilesToExpectedValues) {
  auto loaded = LoadPolicyFile((kDataDir / "valid" / "design_sketch.yaml").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Policy& p = **loaded;
  EXPECT_EQ(p.mode, Mode::kBlock);
  EXPECT_EQ(p.fail_mode, FailMode::kOpen);
  EXPECT_TRUE(p.detectors.Has(DetectorId::kSqli));
  EXPECT_TRUE(p.detectors.Has(DetectorId::kSsrf));
  EXPECT_FALSE(p.detectors.Has(DetectorId::kRfi));
  EXPECT_FALSE(p.detectors.Has(DetectorId::kPrototypePollution));
  ASSERT_EQ(p.exclusions.size(), 1u);
  EXPECT_EQ(p.exclusions[0].path, "body.comment");
  DetectorSet xss;
  xss.Add(DetectorId::kXss);
  EXPECT_EQ(p.exclusions[0].detectors, xss);
  EXPECT_EQ(p.limits.event.max_body_bytes, 1048576u);
  EXPECT_EQ(p.limits.event.max_depth, 32u);
  EXPECT_EQ(p.limits.event.max_event_bytes, 6u * 1024 * 1024);  // default kept
  EXPECT_EQ(p.limits.event.max_fields, 10000u);
  EXPECT_EQ(p.limits.time_budget_us, 2000u);
  EXPECT_EQ(p.egress.mode, EgressMode::kEnforce);
  ASSERT_EQ(p.egress.allow.size(), 3u);
  EXPECT_EQ(p.egress.allow[0].host, "api.example.com");
  EXPECT_EQ(p.egress.allow[0].ports, std::vector<uint16_t>{443});
  EXPECT_EQ(p.egress.allow[0].schemes, std::vector<std::string>{"https"});
  EXPECT_EQ(p.egress.allow[1].host, "*.amazonaws.com");
  EXPECT_EQ(p.egress.allow[1].ports, std::vector<uint16_t>{443});
  EXPECT_EQ(p.egress.allow[2].cidr, "203.0.113.0/24");
  EXPECT_EQ(p.egress.allow[2].host, "");
  EXPECT_EQ(p.egress.allow[2].ports, std::vector<uint16_t>{8443});
  EXPECT_TRUE(p.egress.deny_private_addresses);
  EXPECT_FALSE(p.egress.follow_redirects);
  EXPECT_EQ(p.egress.tls.min_version, "1.2");
  EXPECT_EQ(p.egress.tls.ca_file, "/etc/ssl/certs/ca-certificates.crt");
  EXPECT_EQ(p.reporting.otlp_endpoint, "https://collector.example.com:4318/v1/logs");
  ASSERT_EQ(p.reporting.headers_from_env.size(), 1u);
  EXPECT_EQ(p.reporting.headers_from_env[0].first, "authorization");
  EXPECT_EQ(p.reporting.headers_from_env[0].second, "FNGUARD_COLLECTOR_TOKEN");
  EXPECT_EQ(p.reporting.stdout_format, "json");
  EXPECT_EQ(p.reporting.spool_dir, "/tmp/fnguard-spool");
  EXPECT_EQ(p.block_response.status, 403);
  EXPECT_THAT(p.locations.at("egress.allow[1]"), HasSubstr("design_sketch.yaml:11:7"));
}

TEST(LoaderTest, FullPolicyCompilesEveryKey) {
  auto loaded = LoadPolicyFile((kDataDir / "valid" / "full.yaml").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Policy& p = **loaded;
  EXPECT_EQ(p.mode, Mode::kMonitor);
  EXPECT_EQ(p.fail_mode, FailMode::kClosed);
  EXPECT_EQ(p.on_timeout, FailMode::kClosed);
  EXPECT_FALSE(p.detectors.Has(DetectorId::kPrototypePollution));
  EXPECT_TRUE(p.detectors.Has(DetectorId::kDeserialization));
  ASSERT_EQ(p.exclusions.size(), 3u);
  EXPECT_EQ(p.exclusions[1].path, "body.items[*].note");
  EXPECT_EQ(p.exclusions[1].detectors, DetectorSet::All());  // none listed
  EXPECT_EQ(p.exclusions[2].detectors, DetectorSet::All());  // empty list
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_EQ(p.rules[0].id, "no-debug-flag");
  EXPECT_EQ(p.rules[0].reason, "debug switches are not accepted from clients");
  EXPECT_EQ(p.rules[0].paths, (std::vector<std::string>{"query.*", "body.*"}));
  ASSERT_NE(p.rules[0].re, nullptr);
  EXPECT_TRUE(RE2::PartialMatch("x=1&DEBUG = true", *p.rules[0].re));
  EXPECT_FALSE(RE2::PartialMatch("debugger=1", *p.rules[0].re));
  EXPECT_EQ(p.rules[1].reason, "matched custom rule internal.token");
  EXPECT_TRUE(p.rules[1].paths.empty());
  EXPECT_EQ(p.limits.event.max_event_bytes, 2097152u);
  EXPECT_EQ(p.limits.event.max_body_bytes, 524288u);
  EXPECT_EQ(p.limits.event.max_depth, 64u);
  EXPECT_EQ(p.limits.event.max_fields, 5000u);
  EXPECT_EQ(p.limits.time_budget_us, 5000u);
  EXPECT_EQ(p.egress.mode, EgressMode::kReport);
  ASSERT_EQ(p.egress.allow.size(), 5u);
  EXPECT_EQ(p.egress.allow[0].ports, (std::vector<uint16_t>{443, 8443}));
  EXPECT_EQ(p.egress.allow[3].cidr, "2001:db8::/32");
  EXPECT_EQ(p.egress.allow[4].schemes, (std::vector<std::string>{"http", "https"}));
  EXPECT_EQ(p.egress.deny, (std::vector<std::string>{"blocked.example.com", "*.tracker.example.net",
                                                     "198.51.100.0/24"}));
  EXPECT_FALSE(p.egress.deny_private_addresses);
  EXPECT_TRUE(p.egress.follow_redirects);
  EXPECT_EQ(p.egress.proxy, "http://proxy.internal.example:3128");
  EXPECT_EQ(p.egress.tls.min_version, "1.3");
  EXPECT_EQ(p.egress.tls.pins.size(), 1u);
  ASSERT_EQ(p.reporting.headers_from_env.size(), 2u);
  EXPECT_EQ(p.reporting.headers_from_env[1].first, "x-tenant");
  EXPECT_EQ(p.reporting.headers_file, "/run/secrets/collector-headers");
  EXPECT_EQ(p.reporting.stdout_format, "");
  EXPECT_EQ(p.reporting.spool_dir, "/tmp/spool");
  EXPECT_EQ(p.block_response.status, 400);
  EXPECT_EQ(p.block_response.content_type, "text/plain");
  EXPECT_EQ(p.block_response.body, "request rejected");
  EXPECT_EQ(p.egress.sockets, EgressMode::kReport);
  EXPECT_EQ(p.process.exec, ProcessMode::kMonitor);
  EXPECT_EQ(p.process.file_writes.mode, ProcessMode::kEnforce);
  EXPECT_EQ(p.process.file_writes.allow, (std::vector<std::string>{"/tmp/", "/var/log/app.log"}));
}

// Compares every compiled field except `source` and `locations`.
void ExpectSamePolicy(const Policy& a, const Policy& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.fail_mode, b.fail_mode);
  EXPECT_EQ(a.on_timeout, b.on_timeout);
  EXPECT_EQ(a.detectors, b.detectors);
  ASSERT_EQ(a.exclusions.size(), b.exclusions.size());
  for (size_t i = 0; i < a.exclusions.size(); ++i) {
    EXPECT_EQ(a.exclusions[i].path, b.exclusions[i].path);
    EXPECT_EQ(a.exclusions[i].detectors, b.exclusions[i].detectors);
  }
  ASSERT_EQ(a.rules.size(), b.rules.size());
  for (size_t i = 0; i < a.rules.size(); ++i) {
    EXPECT_EQ(a.rules[i].id, b.rules[i].id);
    EXPECT_EQ(a.rules[i].reason, b.rules[i].reason);
    EXPECT_EQ(a.rules[i].re->pattern(), b.rules[i].re->pattern());
    EXPECT_EQ(a.rules[i].paths, b.rules[i].paths);
  }
  EXPECT_EQ(a.limits.event.max_event_bytes, b.limits.event.max_event_bytes);
  EXPECT_EQ(a.limits.event.max_body_bytes, b.limits.event.max_body_bytes);
  EXPECT_EQ(a.limits.event.max_depth, b.limits.event.max_depth);
  EXPECT_EQ(a.limits.event.max_fields, b.limits.event.max_fields);
  EXPECT_EQ(a.limits.time_budget_us, b.limits.time_budget_us);
  EXPECT_EQ(a.egress.mode, b.egress.mode);
  ASSERT_EQ(a.egress.allow.size(), b.egress.allow.size());
  for (size_t i = 0; i < a.egress.allow.size(); ++i) {
    EXPECT_EQ(a.egress.allow[i].host, b.egress.allow[i].host);
    EXPECT_EQ(a.egress.allow[i].cidr, b.egress.allow[i].cidr);
    EXPECT_EQ(a.egress.allow[i].ports, b.egress.allow[i].ports);
    EXPECT_EQ(a.egress.allow[i].schemes, b.egress.allow[i].schemes);
  }
  EXPECT_EQ(a.egress.deny, b.egress.deny);
  EXPECT_EQ(a.egress.deny_private_addresses, b.egress.deny_private_addresses);
  EXPECT_EQ(a.egress.follow_redirects, b.egress.follow_redirects);
  EXPECT_EQ(a.egress.proxy, b.egress.proxy);
  EXPECT_EQ(a.egress.tls.min_version, b.egress.tls.min_version);
  EXPECT_EQ(a.egress.tls.ca_file, b.egress.tls.ca_file);
  EXPECT_EQ(a.egress.tls.pins, b.egress.tls.pins);
  EXPECT_EQ(a.reporting.otlp_endpoint, b.reporting.otlp_endpoint);
  EXPECT_EQ(a.reporting.headers_from_env, b.reporting.headers_from_env);
  EXPECT_EQ(a.reporting.headers_file, b.reporting.headers_file);
  EXPECT_EQ(a.reporting.stdout_format, b.reporting.stdout_format);
  EXPECT_EQ(a.reporting.spool_dir, b.reporting.spool_dir);
  EXPECT_EQ(a.block_response.status, b.block_response.status);
  EXPECT_EQ(a.block_response.content_type, b.block_response.content_type);
  EXPECT_EQ(a.block_response.body, b.block_response.body);
  EXPECT_EQ(a.egress.sockets, b.egress.sockets);
  EXPECT_EQ(a.process.exec, b.process.exec);
  EXPECT_EQ(a.process.file_writes.mode, b.process.file_writes.mode);
  EXPECT_EQ(a.process.file_writes.allow, b.process.file_writes.allow);
}

TEST(LoaderTest, JsonAndYamlOfTheSketchCompileIdentically) {
  auto yaml = LoadPolicyFile((kDataDir / "valid" / "design_sketch.yaml").string());
  auto json = LoadPolicyFile((kDataDir / "valid" / "design_sketch.json").string());
  ASSERT_TRUE(yaml.ok()) << yaml.status();
  ASSERT_TRUE(json.ok()) << json.status();
  ExpectSamePolicy(**yaml, **json);
}

TEST(LoaderTest, JsonAndYamlOfEveryKeyCompileIdentically) {
  const char* kYaml = R"(
version: 1
mode: monitor
fail_mode: closed
inspection:
  detectors: [sqli, jndi]
  exclusions: [{path: "body.a[*].b"}]
  rules: [{id: r1, pattern: "a+b", reason: why, paths: [query.q]}]
  limits: {max_event_bytes: 100000, max_body_bytes: 50000, max_depth: 9, max_fields: 99, time_budget_us: 7}
  on_timeout: closed
egress:
  mode: off
  allow: [{host: "*.example.com", ports: [8443, 443], schemes: [http]}, {cidr: "192.0.2.0/24"}]
  deny: [bad.example.com]
  deny_private_addresses: false
  follow_redirects: true
  proxy: https://proxy.example.com:8080
  tls: {min_version: "1.3", ca_file: /ca.pem}
  sockets: enforce
process: {exec: enforce, file_writes: {mode: monitor, allow: [/srv/out/, /tmp/]}}
reporting:
  otlp_endpoint: http://127.0.0.1:4318/v1/logs
  headers_from_env: {x-b: B_TOKEN, x-a: A_TOKEN}
  headers_file: /h
  stdout: json
  spool_dir: /s
block_response: {status: 429, content_type: text/plain, body: ""}
)";
  const char* kJson = R"({
  "version": 1, "mode": "monitor", "fail_mode": "closed",
  "inspection": {
    "detectors": ["sqli", "jndi"],
    "exclusions": [{"path": "body.a[*].b"}],
    "rules": [{"id": "r1", "pattern": "a+b", "reason": "why", "paths": ["query.q"]}],
    "limits": {"max_event_bytes": 100000, "max_body_bytes": 50000, "max_depth": 9,
               "max_fields": 99, "time_budget_us": 7},
    "on_timeout": "closed"},
  "egress": {
    "mode": "off",
    "allow": [{"host": "*.example.com", "ports": [8443, 443], "schemes": ["http"]},
              {"cidr": "192.0.2.0/24"}],
    "deny": ["bad.example.com"],
    "deny_private_addresses": false, "follow_redirects": true,
    "proxy": "https://proxy.example.com:8080",
    "tls": {"min_version": "1.3", "ca_file": "/ca.pem"},
    "sockets": "enforce"},
  "process": {"exec": "enforce",
              "file_writes": {"mode": "monitor", "allow": ["/srv/out/", "/tmp/"]}},
  "reporting": {
    "otlp_endpoint": "http://127.0.0.1:4318/v1/logs",
    "headers_from_env": {"x-b": "B_TOKEN", "x-a": "A_TOKEN"},
    "headers_file": "/h", "stdout": "json", "spool_dir": "/s"},
  "block_response": {"status": 429, "content_type": "text/plain", "body": ""}
})";
  auto yaml = LoadPolicyText(kYaml, "p.yaml");
  auto json = LoadPolicyText(kJson, "p.json");
  ASSERT_TRUE(yaml.ok()) << yaml.status();
  ASSERT_TRUE(json.ok()) << json.status();
  ExpectSamePolicy(**yaml, **json);
  const Policy& p = **json;
  EXPECT_EQ(p.egress.mode, EgressMode::kOff);
  EXPECT_EQ(p.block_response.body, "");
  EXPECT_EQ(p.reporting.headers_from_env[0].first, "x-a");  // sorted
  EXPECT_EQ(p.egress.allow[0].ports, (std::vector<uint16_t>{8443, 443}));
  EXPECT_EQ(p.egress.sockets, EgressMode::kEnforce);
  EXPECT_EQ(p.process.file_writes.allow, (std::vector<std::string>{"/srv/out/", "/tmp/"}));
}

TEST(LoaderTest, DefaultsMatchDefaultPolicy) {
  auto loaded = LoadPolicyText("version: 1\n", "min.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ExpectSamePolicy(**loaded, *DefaultPolicy());
  EXPECT_EQ(DefaultPolicy()->source, "<defaults>");
  EXPECT_EQ(DefaultPolicy()->detectors, DetectorSet::All());
  EXPECT_TRUE(DefaultPolicy()->egress.allow.empty());
  EXPECT_EQ(DefaultPolicy()->reporting.stdout_format, "");
  EXPECT_EQ((*loaded)->source, "min.yaml");
}

TEST(LoaderTest, ErrorsNameTheSourceLineAndColumn) {
  auto p = LoadPolicyText("version: 1\ninspection:\n  mdoe: x\n", "policy.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "policy.yaml:3:3: unknown key 'mdoe' in inspection");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LoaderTest, CollectsSeveralErrorsOnePerLine) {
  auto p = LoadPolicyText("version: 1\nmode: x\nfail_mode: y\negress: {mode: z}\n", "p.yaml");
  ASSERT_FALSE(p.ok());
  std::string message(p.status().message());
  EXPECT_THAT(message, HasSubstr("p.yaml:2:7: mode must be one of"));
  EXPECT_THAT(message, HasSubstr("\np.yaml:3:12: fail_mode must be one of"));
  EXPECT_THAT(message, HasSubstr("\np.yaml:4:16: egress.mode must be one of"));
}

TEST(LoaderTest, CapsTheNumberOfReportedErrors) {
  std::string text = "version: 1\ninspection:\n  detectors: [";
  for (int i = 0; i < 50; ++i) text += "nope" + std::to_string(i) + ", ";
  text += "sqli]\n";
  auto p = LoadPolicyText(text, "p.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("... and 30 more errors"));
}

TEST(LoaderTest, UnknownTopLevelKeyInJsonHasItsLine) {
  auto p = LoadPolicyText("{\n  \"version\": 1,\n  \"egres\": {}\n}", "p.json");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("p.json:3:3: unknown key 'egres' at top level (did you mean 'egress'?)"));
}

TEST(LoaderTest, JsonWithTabsAndEscapesLoads) {
  auto p = LoadPolicyText(
      "{\n\t\"version\": 1,\n\t\"block_response\": {\"body\": \"a\\/b\\u0041\"}\n}", "p.json");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->block_response.body, "a/bA");
}

TEST(LoaderTest, MissingFileIsAClearError) {
  auto p = LoadPolicyFile("/nonexistent/dir/policy.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("/nonexistent/dir/policy.yaml: cannot open policy file"));
}

TEST(LoaderTest, DirectoryIsRejected) {
  auto p = LoadPolicyFile(kDataDir.string());
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("is a directory"));
}

TEST(LoaderTest, OversizedFileIsRejected) {
  fs::path path = fs::temp_directory_path() / "fnguard_policy_oversized_test.yaml";
  {
    std::ofstream out(path);
    out << "version: 1\n";
    out << "# " << std::string(kMaxPolicyBytes, 'x') << "\n";
  }
  auto p = LoadPolicyFile(path.string());
  fs::remove(path);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("larger than 1048576 bytes"));
  auto text = LoadPolicyText(std::string(kMaxPolicyBytes + 1, ' '), "big.yaml");
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(std::string(text.status().message()), HasSubstr("big.yaml: policy is larger"));
}

TEST(LoaderTest, EmptyAndWhitespaceOnlyTextIsAnError) {
  for (std::string_view text : {"", "   \n\n", "# only a comment\n", "~\n"}) {
    auto p = LoadPolicyText(text, "e.yaml");
    ASSERT_FALSE(p.ok());
    EXPECT_THAT(std::string(p.status().message()), HasSubstr("e.yaml: policy is empty"));
  }
}

TEST(LoaderTest, DeepFlowNestingIsRejectedBeforeParsing) {
  std::string text = "version: 1\nx: " + std::string(100000, '[');
  auto p = LoadPolicyText(text, "deep.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("deep.yaml:2:68: nesting too deep"));
}

TEST(LoaderTest, NestingJustUnderTheLimitParses) {
  // 64 levels of brackets are fine for the parser (and then a schema error).
  std::string text = "{\"version\": 1, \"x\": " + std::string(63, '[') + std::string(63, ']') + "}";
  auto p = LoadPolicyText(text, "n.json");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("unknown key 'x' at top level"));
}

TEST(LoaderTest, NulByteIsRejected) {
  auto p = LoadPolicyText(std::string("version: 1\n\0", 12), "nul.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("NUL byte"));
}

TEST(LoaderTest, RulesCompileWithMemoryLimit) {
  auto p = LoadPolicyText(
      "version: 1\ninspection:\n  rules:\n    - {id: big, pattern: '((a{1000}){1000}){1000}'}\n",
      "r.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("r.yaml:4:26: inspection.rules[0].pattern"));
}

TEST(LoaderTest, QuotedBooleanIsNotABoolean) {
  auto p = LoadPolicyText("version: 1\negress: {follow_redirects: \"true\"}\n", "b.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("egress.follow_redirects must be true or false"));
}

TEST(LoaderTest, ControlCharactersInKeysAreEscapedInMessages) {
  auto p = LoadPolicyText("version: 1\n\"mo\\x01de\": block\n", "c.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("unknown key 'mo\\x01\\x64\\x65' at top level"));
}

}  // namespace
}  // namespace fnguard::policy
