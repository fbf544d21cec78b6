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

TEST(LdapiTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "*)(uid=*))(|(uid=*",
      "admin)(&)",
      "*)(|(objectClass=*)",
      ")(cn=*",
      "*))",
      "x)(|(mail=*))",
      "(|(uid=*)(cn=admin))",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(LdapiDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(LdapiDetector(), c)) << a;
  }
}

TEST(LdapiTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "(see above)",
      "hello :)",
      "(a)(b)",
      "foo*",
      "f(x)(y)",
      "Call me (maybe) today (or not)",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(LdapiDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(LdapiDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(LdapiTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(LdapiDetector(), std::string(1 << 20, '('));
  testing::RunsOnLargeInput(LdapiDetector(), Repeat(")(", 1 << 19));
  testing::RunsOnLargeInput(LdapiDetector(), Repeat("*)", 1 << 19));
}

TEST(LdapiTest, ReportsItsId) {
  EXPECT_EQ(Get(LdapiDetector().id()).id(), LdapiDetector().id());
}


}  // namespace
}  // namespace fnguard::detect
