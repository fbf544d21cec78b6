// `fnguard scan` on real AWS sample events and benign events of our own (none
// may produce a finding), hand-written attack events of every shape (each
// must), and malformed inputs (each gets a clear error or a finding, never a
// crash).
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "tests/integration/cli_runner.h"

namespace fnguard::testing {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> JsonFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fnguard-scan-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path Write(const std::string& name, const std::string& content) const {
    fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  fs::path path_;
};

// Scans `files` in one `fnguard scan` run: one JSON line per file, none with
// a finding, exit code 0.
void ExpectAllClean(const std::vector<fs::path>& files) {
  std::string cmd = FnguardBinary() + " scan --format json";
  for (const auto& f : files) cmd += " " + Quote(f.string());
  CommandResult r = RunCommand(cmd);
  ASSERT_EQ(r.signal, 0);
  simdjson::dom::parser parser;
  size_t lines = 0;
  std::vector<std::string> dirty;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    simdjson::dom::element el;
    ASSERT_EQ(parser.parse(line).get(el), simdjson::SUCCESS) << line;
    ++lines;
    if (simdjson::dom::array(el["findings"]).size() != 0) dirty.push_back(line);
  }
  EXPECT_EQ(lines, files.size());
  EXPECT_TRUE(dirty.empty()) << dirty.size() << " events with findings, first: " << dirty.front();
  EXPECT_EQ(r.exit_code, 0);
}

TEST(ScanTest, RealAwsSampleEventsAreAllClean) {
  const fs::path dir = CorpusDir() / "events";
  auto files = JsonFiles(dir);
  if (files.empty()) GTEST_SKIP() << "no sample events at " << dir;
  ASSERT_EQ(files.size(), 199u);
  ExpectAllClean(files);
}

// Benign events that once drew a finding: an XML message whose root element
// is named xml, a Java error report with a stack trace and system properties.
TEST(ScanTest, BenignEventsOfOurOwnAreClean) {
  const fs::path dir = SourceDir() / "tests" / "data" / "events" / "benign";
  auto files = JsonFiles(dir);
  ASSERT_GE(files.size(), 1u) << "benign events missing in " << dir;
  ExpectAllClean(files);
}

TEST(ScanTest, AttackEventsOfEveryShapeAreFlagged) {
  const fs::path dir = SourceDir() / "tests" / "data" / "events" / "attacks";
  auto files = JsonFiles(dir);
  ASSERT_GE(files.size(), 8u) << "attack events missing in " << dir;
  std::set<std::string> shapes;
  for (const auto& f : files) {
    CommandResult r = RunCommand(FnguardBinary() + " scan --format json " + Quote(f.string()));
    EXPECT_EQ(r.exit_code, 1) << f << "\n" << r.out;
    simdjson::dom::parser parser;
    simdjson::dom::element el;
    ASSERT_EQ(parser.parse(r.out).get(el), simdjson::SUCCESS) << r.out;
    EXPECT_EQ(std::string_view(el["action"]), "block") << f;
    // <shape>-<class>.json: the class must be among the detectors that fired.
    std::string stem = f.stem().string();
    std::string cls = stem.substr(stem.rfind('-') + 1);
    std::set<std::string> detectors;
    for (auto finding : simdjson::dom::array(el["findings"])) {
      detectors.insert(std::string(std::string_view(finding["detector"])));
    }
    if (cls == "traversal") cls = "path_traversal";
    if (cls == "log4shell") cls = "jndi";
    EXPECT_TRUE(detectors.count(cls)) << f << " expected detector " << cls << "\n" << r.out;
    shapes.insert(std::string(std::string_view(el["event_kind"])));
  }
  // Every HTTP and message shape is represented.
  for (const char* kind : {"apigw-v1", "apigw-v2", "alb", "function-url", "sqs", "sns", "eventbridge"}) {
    EXPECT_TRUE(shapes.count(kind)) << "no attack event of kind " << kind;
  }
}

TEST(ScanTest, MalformedInputsGetAClearErrorOrAFinding) {
  TempDir tmp;
  struct Case {
    std::string name;
    std::string content;
    std::set<int> allowed_exits;
  };
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  std::string deep_obj;
  for (int i = 0; i < 10000; ++i) deep_obj += "{\"a\":";
  deep_obj += "1" + std::string(10000, '}');
  std::string huge_body = R"({"version":"2.0","rawPath":"/","headers":{"content-type":"text/plain"},)"
                          R"("requestContext":{"http":{"method":"POST"}},"body":")" +
                          std::string(100u << 20, 'a') + "\"}";
  std::vector<Case> cases = {
      {"truncated.json", R"({"version":"2.0","rawPath":"/x","headers":{"a":)", {2}},
      {"invalid-utf8.json", "{\"body\":\"\xff\xfe\xc0\"}", {2}},
      {"empty.json", "", {2}},
      {"huge-numbers.json", R"({"a":123456789012345678901234567890,"b":1e999999,"c":-0.0e-99999})", {0, 1}},
      {"deep-array.json", deep, {1}},
      {"deep-object.json", deep_obj, {1}},
      {"body-100mb.json", huge_body, {1}},
      // Not base64: inspected as text, where the injection is found.
      {"bad-base64.json",
       R"({"version":"2.0","rawPath":"/","headers":{"content-type":"text/plain"},)"
       R"("requestContext":{"http":{"method":"POST"}},"isBase64Encoded":true,)"
       R"("body":"1' UNION SELECT password FROM users --"})",
       {1}},
  };
  for (const Case& c : cases) {
    fs::path p = tmp.Write(c.name, c.content);
    CommandResult r = RunCommand(FnguardBinary() + " scan --format json " + Quote(p.string()) + " 2>/dev/null");
    EXPECT_EQ(r.signal, 0) << c.name << " crashed";
    EXPECT_TRUE(c.allowed_exits.count(r.exit_code)) << c.name << " exit " << r.exit_code << "\n" << r.out;
  }
}

TEST(ScanTest, MissingFileIsBadInput) {
  CommandResult r = RunCommand(FnguardBinary() + " scan /nonexistent/event.json 2>/dev/null");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace fnguard::testing
