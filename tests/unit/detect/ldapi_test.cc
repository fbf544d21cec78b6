#include <string>
#include <utility>
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

// One hand-made case per grammar family, in the spellings an evasion uses:
// other case, whitespace around filter punctuation, filter escapes, NULs.
TEST(LdapiTest, DetectsEachFamily) {
  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"jdoe) (| (mail = *))", "ldapi.composite_filter"},
      {"JDOE)(|(UID=*))", "ldapi.composite_filter"},
      {"svc))(&givenName=a)", "ldapi.filter_breakout"},
      {"svc)((|sn=b)", "ldapi.filter_breakout"},
      {"svc)(!&(1.2.840=x)", "ldapi.filter_breakout"},
      {"carol)(!)", "ldapi.absolute_filter"},
      {"mo))( | ( &", "ldapi.filter_breakout"},
      {"carol) ( & )", "ldapi.absolute_filter"},
      {"dave\\29\\28uid=\\2a", "ldapi.filter_breakout"},
      {"dave\\29\\28|\\28cn=x\\29", "ldapi.composite_filter"},
      {"erin)(title=manager))", "ldapi.filter_breakout"},
      {"'x')(ou=*", "ldapi.filter_breakout"},
      {"(&(uid=frank)(userPassword=guess))", "ldapi.composite_filter"},
      {"(| (cn=gina) (sn=h))", "ldapi.composite_filter"},
      {"(!(objectCategory=computer))", "ldapi.composite_filter"},
      {"(!(ab=1)(cd=2))", "ldapi.composite_filter"},
      {"q*(&(department=*", "ldapi.composite_filter"},
      {"(sn=*)", "ldapi.presence_filter"},
      {"nina)(memberOf:1.2.840.113556.1.4.1941:=cn=ops))", "ldapi.filter_breakout"},
      {"(|(cn:dn:=x)(sn=y))", "ldapi.composite_filter"},
      {"oz)(|(:caseExactMatch:=Z)", "ldapi.composite_filter"},
      {"see (mail=*@corp.example*)", "ldapi.presence_filter"},
      {"( ObjectClass = * )", "ldapi.objectclass_probe"},
      {"*) )", "ldapi.wildcard_close"},
      {std::string("henry)\0", 7), "ldapi.nul_truncation"},
      {std::string("henry) \0\0", 9), "ldapi.nul_truncation"},
      {"ivan)%00", "ldapi.nul_truncation"},
      {"*(|)&", "ldapi.metachar_probe"},
      {" )*!( ", "ldapi.metachar_probe"},
      {"jdoe,ou=admins,dc=corp", "ldapi.dn_injection"},
      {"kim , CN = Domain Admins", "ldapi.dn_injection"},
      {"lee\\,uid=root", "ldapi.dn_injection"},
  };
  testing::ExpectRules(LdapiDetector(), attacks);
}

// Lone metacharacters, plain wildcards and the punctuation of prose, math,
// code and e-mail are not filter injection.
TEST(LdapiTest, IgnoresEverydayText) {
  const std::vector<std::string> benign = {
      "*", "**", "*/*", "admin*", "*admin*", "jo*n", "()", "(*)", "(())", "!!!!", "|a", "a&",
      "(a|b)", "(a|b) = (c|d)", "(x & y) | !z",
      "Results (n = 12) (p = 0.05) (d = 0.3)",
      "if (!(x == 5)) return;",
      "if (!(count = read(fd))) break;",
      "while (!(done = step())) {}",
      "f(x) = (y = 2)",
      "f(x)(y=2)",
      "see (std::map) (a::b=c)",
      "time (12:30) (note:x)",
      "Call me (maybe) today (or not) :)",
      "alice@example.com",
      "Alice (alice@example.com), Bob (bob@example.com)",
      "Smith, John",
      "user,admin,owner",
      "x=1,cn=2",
      "CN=Jane Doe,OU=Staff,DC=corp,DC=example",
      "C:\\Program Files (x86)\\App",
      "price (USD) = 5 * (1 + tax)",
      "**bold** (see below)",
      "a,b = c,d",
      "sizes: S,M,L (ouch=no)",
  };
  for (const std::string& b : benign) {
    for (event::Location loc : {event::Location::kQuery, event::Location::kBody}) {
      Case c;
      c.value = b;
      c.location = loc;
      Match m;
      EXPECT_FALSE(Detects(LdapiDetector(), c, &m)) << b << " -> " << m.rule_id;
    }
  }
}

// A value made of nothing but one to three filter operators or unbalanced
// parentheses probes for a filter; in a header, or in a field named as a
// delimiter or an operator, it is a setting.
TEST(LdapiTest, LoneMetacharactersAreProbes) {
  for (std::string probe : {"(", ")", "|", "&", "!", "*|", ")(", " | ", "&&", "||", "*(", "!*"}) {
    for (event::Location loc : {event::Location::kQuery, event::Location::kBody}) {
      EXPECT_EQ(testing::RuleOf(LdapiDetector(), probe, loc), "ldapi.lone_metachar")
          << "[" << probe << "]";
    }
    EXPECT_EQ(testing::RuleOf(LdapiDetector(), probe, event::Location::kHeader), "")
        << "[" << probe << "]";
    for (const char* path : {"query.sep", "body.csv.delimiter", "body.filters[2].op",
                             "query.Operator"}) {
      Case c;
      c.value = probe;
      c.path = path;
      Match m;
      EXPECT_FALSE(Detects(LdapiDetector(), c, &m)) << probe << " in " << path;
    }
  }
  EXPECT_EQ(testing::RuleOf(LdapiDetector(), "(((("), "");  // four: a longer run needs MetacharRun
}

// A wildcard where one account is named matches every account it fits once
// the application puts it in "(uid=...)"; elsewhere it is a search.
TEST(LdapiTest, WildcardInAnAccountNameField) {
  for (const char* path : {"body.username", "query.uid", "body.credentials.login", "body.user_name",
                           "query.sAMAccountName", "body.Email", "form.cn"}) {
    for (const char* value : {"admin*", "*", " a*n ", "*@corp.example", "j.doe*"}) {
      Case c;
      c.value = value;
      c.path = path;
      c.location = event::Location::kBody;
      Match m;
      EXPECT_TRUE(Detects(LdapiDetector(), c, &m)) << path << " = " << value;
      EXPECT_EQ(m.rule_id, "ldapi.wildcard_identity") << path << " = " << value;
    }
  }
  const std::pair<const char*, const char*> benign[] = {
      {"query.q", "admin*"},             // a search field
      {"body.users", "admin*"},          // not one account
      {"body.username", "admin"},        // no wildcard
      {"body.username", "**bold** me"},  // prose, not a name
      {"body.password", "hunter2*"},     // a secret may hold anything
      {"body.user_filter", "a*"},
  };
  for (const auto& [path, value] : benign) {
    Case c;
    c.value = value;
    c.path = path;
    Match m;
    EXPECT_FALSE(Detects(LdapiDetector(), c, &m)) << path << " = " << value << " -> " << m.rule_id;
  }
  Case header;
  header.value = "*";
  header.path = "headers.user";
  header.location = event::Location::kHeader;
  EXPECT_FALSE(Detects(LdapiDetector(), header));
}

TEST(LdapiTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(LdapiDetector(), std::string(1 << 20, '('));
  testing::RunsOnLargeInput(LdapiDetector(), Repeat(")(", 1 << 19));
  testing::RunsOnLargeInput(LdapiDetector(), Repeat("*)", 1 << 19));
  testing::RunsOnLargeInput(LdapiDetector(), Repeat(")(a=b", 1 << 18));
  testing::RunsOnLargeInput(LdapiDetector(), Repeat("(|(a=", 1 << 18));
  testing::RunsOnLargeInput(LdapiDetector(), Repeat("abcdefgh=*", 1 << 16));
  testing::RunsOnLargeInput(LdapiDetector(), std::string(1 << 20, '\0') + ")");
  testing::RunsOnLargeInput(LdapiDetector(), Repeat(" \\2a ( ", 1 << 17));
  testing::RunsOnLargeInput(LdapiDetector(), Repeat("a,cn=", 1 << 18));
  testing::RunsOnLargeInput(LdapiDetector(), "a(" + std::string(1 << 20, ' ') + "b");
}

TEST(LdapiTest, ReportsItsId) {
  EXPECT_EQ(Get(LdapiDetector().id()).id(), LdapiDetector().id());
}


TEST(LdapiTest, BreakoutThatGuessesAPrefix) {
  for (const std::string v : {"admin)(userPassword=a*", "jdoe)(mail=adm*"}) {
    EXPECT_EQ(testing::RuleOf(LdapiDetector(), v), "ldapi.filter_breakout") << v;
  }
  for (const std::string v : {"f(x)(y=2*3)", "f(x)(y=2)"}) {
    EXPECT_EQ(testing::RuleOf(LdapiDetector(), v), "") << v;
  }
}

// A name cut off with a NUL, as sent, encoded or as the filter escape.
TEST(LdapiTest, NameThenNul) {
  for (const std::string& a : {std::string("admin\0", 6), std::string("admin%00"),
                              std::string("svc_backup\\00")}) {
    Match m;
    Case c;
    c.value = std::string(a);
    EXPECT_TRUE(Detects(LdapiDetector(), c, &m)) << a;
    EXPECT_EQ(m.rule_id, "ldapi.nul_truncation");
  }
  for (const std::string b : {"100%00", "50%", "a b%00", "x\\00y"}) {
    Match m;
    Case c;
    c.value = b;
    EXPECT_FALSE(Detects(LdapiDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(LdapiTest, ExtensibleMatchByRuleOid) {
  EXPECT_EQ(testing::RuleOf(LdapiDetector(), "bob)(userAccountControl:1.2.840.113556.1.4.803:=2)"),
            "ldapi.filter_breakout");
  EXPECT_EQ(testing::RuleOf(LdapiDetector(), "f(x)(y=2)"), "");
  EXPECT_EQ(testing::RuleOf(LdapiDetector(), "see g(a)(b:c=1)"), "");
}

}  // namespace
}  // namespace fnguard::detect
