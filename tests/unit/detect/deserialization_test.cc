#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detector_cases.h"

namespace fnguard::detect {
namespace {

using testing::Case;
using testing::Detects;

std::string Repeat(const std::string& s, size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) r += s;
  return r;
}

TEST(DeserializationTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "rO0ABXNyABdqYXZhLnV0aWwuUHJpb3JpdHlRdWV1ZQ==",
      "aced00057372001e",
      "org.apache.commons.collections.functors.InvokerTransformer",
      "{\"@type\":\"com.sun.rowset.JdbcRowSetImpl\",\"dataSourceName\":\"ldap://x\"}",
      "{\"$type\":\"System.Windows.Data.ObjectDataProvider, PresentationFramework\"}",
      "O:8:\"stdClass\":1:{s:1:\"a\";i:1;}",
      "a:2:{i:0;s:3:\"abc\";i:1;s:1:\"x\";}",
      "!!python/object/apply:os.system [\"id\"]",
      "!!javax.script.ScriptEngineManager [x]",
      "AAEAAAD/////AQAAAAAAAAAMAgAAAA==",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(DeserializationDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(DeserializationDetector(), c)) << a;
  }
}

TEST(DeserializationTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "{\"@type\":\"Person\",\"name\":\"x\"}",
      "O:8:\"stdClass\":1:{broken",
      "a:2 b:3",
      "Java is great",
      "SGVsbG8gd29ybGQ=",
      "s:3:\"abc\"",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(DeserializationTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(DeserializationDetector(), std::string(1 << 20, '{'));
  testing::RunsOnLargeInput(DeserializationDetector(), Repeat("a:1:{", 1 << 17));
  testing::RunsOnLargeInput(DeserializationDetector(), Repeat("O:1:\"a\":1:{", 1 << 16));
}

TEST(DeserializationTest, ReportsItsId) {
  EXPECT_EQ(Get(DeserializationDetector().id()).id(), DeserializationDetector().id());
}


}  // namespace
}  // namespace fnguard::detect
