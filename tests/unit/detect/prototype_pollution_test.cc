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

TEST(PrototypePollutionTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "a[__proto__][admin]=1",
      "__proto__.polluted",
      "{\"__proto__\": {\"x\": 1}}",
      "constructor.prototype.x",
      "a[constructor][prototype][x]=1",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(PrototypePollutionDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(PrototypePollutionDetector(), c)) << a;
  }
}

TEST(PrototypePollutionTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "proto",
      "my __proto__ notes",
      "constructor of the house",
      "prototype design",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(PrototypePollutionDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(PrototypePollutionDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(PrototypePollutionTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(PrototypePollutionDetector(), std::string(1 << 20, '_'));
  testing::RunsOnLargeInput(PrototypePollutionDetector(), Repeat("__proto", 1 << 17));
  testing::RunsOnLargeInput(PrototypePollutionDetector(), Repeat("constructor.", 1 << 16));
}

TEST(PrototypePollutionTest, ReportsItsId) {
  EXPECT_EQ(Get(PrototypePollutionDetector().id()).id(), PrototypePollutionDetector().id());
}

TEST(PrototypePollutionTest, KeysAndPaths) {
  Case c;
  c.value = "__proto__";
  c.is_key = true;
  c.path = "body.__proto__";
  EXPECT_TRUE(Detects(PrototypePollutionDetector(), c));
  Case p;
  p.value = "1";
  p.path = "body.constructor.prototype.isAdmin";
  EXPECT_TRUE(Detects(PrototypePollutionDetector(), p));
  p.path = "body.constructor.name";
  EXPECT_FALSE(Detects(PrototypePollutionDetector(), p));
}


}  // namespace
}  // namespace fnguard::detect
