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

TEST(NosqliTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "{\"$ne\": null}",
      "{\"username\": {\"$gt\": \"\"}}",
      "user[$regex]=^a",
      "{$where: 'sleep(100)'}",
      "'; return true; var x='",
      "' && this.password.match(/.*/)//",
      "1; sleep(5000)",
      "db.users.find()",
      "' || 'a'=='a",
      "'}; return true; {'",
      // Sinks in capitals after a join.
      "'; Return True; var x='",
      "x' && THIS.password.match(/.*/)//",
      "1; SLEEP(5000)",
      // A busy-wait timing probe run where the value breaks out of a string.
      "a' (function(){var a=new Date();do{var b=new Date();}while(b-a<20000);}()) '",
      "test\"+(function(){var d=Date.now();while(Date.now()-d<5000){}})()+\"",
      // The same loop as statements after the breakout.
      "x';var s=Date.now();while (Date.now() - s < 8000) {};//",
      "\"; t0 = new Date(); do { t1 = new Date(); } while (t1 - t0 < 4000); \"",
      "'; for(var e=Date.now()+9000;Date.now()<e;){} '",
      // A sink the injected statement returns, and a whole $where condition.
      "'; return db.users.find(); var x='",
      "x\"; return this.password.match(/^a/); //",
      "this.password.match(/.*/)//",
      "this.role == 'admin'",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(NosqliDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(NosqliDetector(), c)) << a;
  }
}

TEST(NosqliTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "$100",
      "$5.99 price",
      "$HOME",
      "Total: $1,299",
      "a == b in math",
      "return to sender",
      // A function body written out, with no quote to break out of.
      "foo() { return 1; }",
      "const ok = () => { return true; };",
      "module.exports = (function() { return 1; })();",
      "class User {\n  constructor(name) {\n    this.name = name;\n  }\n"
      "  get tag() { return `<${this.name}>`; }\n}",
      "Mr. O'Brien (function manager) said hi",
      // Code snippets whose first quote opens a literal, and prose.
      "const msg = 'wait'; while (Date.now() < deadline) { poll(); }",
      "It's late; do {update} the date while t < 5",
      "'; the meeting date moved; see you for coffee",
      "'; return the db. backup tapes",
      "this.is my handle",
      "this.value is checked before saving",
      "Please return this. It is not mine.",
      // A JSON Schema's keywords ($comment only annotates a Mongo query).
      "{\"$comment\": \"tighten later\", \"type\": \"string\"}",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(NosqliDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(NosqliDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(NosqliTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(NosqliDetector(), std::string(1 << 20, '$'));
  testing::RunsOnLargeInput(NosqliDetector(), Repeat("[$ne]", 1 << 17));
  testing::RunsOnLargeInput(NosqliDetector(), Repeat("||==", 1 << 18));
  // Many "==" far from any join, after a quote that opens the JavaScript
  // checks: each looks back a bounded distance only.
  testing::RunsOnLargeInput(NosqliDetector(), "'&" + Repeat("==", 1 << 19));
  testing::RunsOnLargeInput(NosqliDetector(), "';" + Repeat("while date<", 1 << 16));
}

TEST(NosqliTest, TautologyJoinWithinTwentyFourBytesOfTheEquality) {
  // "' ||" + text + "==": the join starts 2 + text.size() bytes before "==".
  for (size_t len = 18; len <= 26; ++len) {
    Case c;
    c.value = "' ||" + std::string(len, 'a') + "==1";
    Match m;
    EXPECT_EQ(Detects(NosqliDetector(), c, &m), len <= 22) << len;
    if (len <= 22) {
      EXPECT_EQ(m.rule_id, "nosqli.js_tautology");
    }
  }
}

TEST(NosqliTest, ReportsItsId) {
  EXPECT_EQ(Get(NosqliDetector().id()).id(), NosqliDetector().id());
}

TEST(NosqliTest, OperatorKeysAndPaths) {
  Case c;
  c.value = "$ne";
  c.is_key = true;
  c.path = "body.password";
  EXPECT_TRUE(Detects(NosqliDetector(), c));
  c.value = "$ref";
  EXPECT_FALSE(Detects(NosqliDetector(), c));
  c.value = "$comment";  // a JSON Schema keyword; it only annotates a query
  EXPECT_FALSE(Detects(NosqliDetector(), c));
  Case q;
  q.value = "1";
  q.path = "query.username[$ne]";
  EXPECT_TRUE(Detects(NosqliDetector(), q));
  // $comment after a string, object and array are closed: the breakout
  // shows the query is being rewritten.
  Case b;
  b.value = "x' } ], $comment: 'injected'";
  EXPECT_TRUE(Detects(NosqliDetector(), b));
}


TEST(NosqliTest, CypherAfterAQuote) {
  for (const std::string v :
       {"x' RETURN 1 UNION MATCH (n) DETACH DELETE n //",
        "a'}) MATCH (k:ApiKey) RETURN k.value //", "' CALL db.labels() YIELD label RETURN label",
        "x' WITH 1 AS a CALL apoc.load.json('http://e.example/') YIELD value RETURN 0",
        "LOAD CSV FROM 'https://e.example/x' AS r RETURN r"}) {
    Case c{v};
    Match m;
    EXPECT_TRUE(Detects(NosqliDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "nosqli.cypher_injection") << v;
  }
  for (const std::string v :
       {"I said 'hello' with (n) friends", "Match (team) results: 'win' match (a)",
        "the 'match (n) return n' query is slow", "it's a match (perfect) with them",
        "How do I LOAD CSV FROM a file?"}) {
    Case c{v};
    Match m;
    EXPECT_FALSE(Detects(NosqliDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
}

// Document stores' HTTP endpoints, DynamoDB expressions and comparison
// objects, and Lua scripts for Redis.
TEST(NosqliTest, StoreEndpointsDynamoAndRedisScripts) {
  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"/_all_docs?include_docs=true", "nosqli.store_endpoint"},
      {"_design/auth/_view/by_email", "nosqli.store_endpoint"},
      {"orders/_search?q=*", "nosqli.store_endpoint"},
      {"../_cat/indices", "nosqli.store_endpoint"},
      {"x OR attribute_exists(id)", "nosqli.dynamodb_expression"},
      {"attribute_not_exists(pk) or #r = :r", "nosqli.dynamodb_expression"},
      {"{\"u\": {\"ComparisonOperator\": \"GT\", \"AttributeValueList\": []}}",
       "nosqli.operator_injection"},
      {"EVAL \"return redis.call('KEYS','*')\" 0", "nosqli.redis_script"},
  };
  for (const auto& [a, rule] : attacks) {
    Match m;
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(NosqliDetector(), c, &m)) << a;
    EXPECT_EQ(m.rule_id, rule) << a;
  }
  Match m;
  Case c;
  c.value = "NE";
  c.path = "body.filter.ComparisonOperator";
  c.location = event::Location::kBody;
  EXPECT_TRUE(Detects(NosqliDetector(), c, &m));
  c.path = "body.direction";
  EXPECT_FALSE(Detects(NosqliDetector(), c, &m));
  for (const std::string b :
       {"We tried _search in the docs", "my_search?q=shoes", "attribute_exists(x) is a function",
        "https://shop.example/products/_all", "_design/ folder"}) {
    Case d;
    d.value = b;
    EXPECT_FALSE(Detects(NosqliDetector(), d, &m)) << b << " -> " << m.rule_id;
  }
}

// $type is also Json.NET's type annotation: alone it decides nothing.
TEST(NosqliTest, TypeAnnotationIsNoOperator) {
  EXPECT_EQ(testing::RuleOf(NosqliDetector(),
                            "{\"$type\":\"Contoso.Orders.OrderCreated, Contoso\",\"id\":42}"),
            "");
  EXPECT_NE(testing::RuleOf(NosqliDetector(), "{\"user\":{\"$gt\":\"\"}}"), "");
}

// DynamoDB conditions ORed with their own negation or widened by OR around
// a condition function; a range query's begins_with() joined by AND is the
// client's own. A number then ';' ends a numeric $where.
TEST(NosqliTest, DynamoTautologiesAndNumericWhere) {
  for (const std::string a :
       {"tenant_id = :t OR tenant_id <> :t", "contains(email, :a) OR NOT contains(email, :a)",
        "{\"FilterExpression\":\"price < :p or price >= :p\"}",
        "userId = :uid) OR (attribute_exists(userId)", "1; while(true){}"}) {
    EXPECT_NE(testing::RuleOf(NosqliDetector(), a), "") << a;
  }
  for (const std::string b : {"status = :s OR status = :t", "#pk = :pk AND begins_with(#sk, :p)",
                              "a = b or a <> b", "loop; while(true) is bad", "10:00 or 11:00"}) {
    EXPECT_EQ(testing::RuleOf(NosqliDetector(), b), "") << b;
  }
}

// Lucene query strings widened by OR to every document or to fields the
// query was never to reach.
TEST(NosqliTest, LuceneWidenedByOr) {
  for (const std::string a : {"status:active OR _exists_:password_hash",
                              "name:foo) OR (_index:users-* AND role:admin", "title:x OR *:*",
                              "* OR tenant_id:*"}) {
    EXPECT_EQ(testing::RuleOf(NosqliDetector(), a), "nosqli.lucene_query") << a;
  }
  for (const std::string b : {"or _exists_: is how ES checks presence", "tea OR coffee: _exists_"}) {
    EXPECT_EQ(testing::RuleOf(NosqliDetector(), b), "") << b;
  }
}

// A $where breakout that returns its probe in parentheses.
TEST(NosqliTest, ReturnInParentheses) {
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "';return(db.getCollectionNames().length>0);var a='"),
            "nosqli.js_injection");
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "function f(){return(db.x)}"), "");
}

TEST(NosqliTest, ComparisonOfTwoNamesIsNoTautology) {
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "a != b || c == d"), "");
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "x && left === right"), "");
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "' || a == a"), "nosqli.js_tautology");
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "' || 1==1"), "nosqli.js_tautology");
}

TEST(NosqliTest, LuceneGroupBrokenOutOf) {
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "*) OR (owner:root"), "nosqli.lucene_query");
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "abc\") OR (tenant:b"), "nosqli.lucene_query");
  for (const std::string v : {"(status:open) OR (priority:high)", "see f(x) OR (time: 5pm)",
                              "smile :) OR (maybe:later", "a) or (b:c"}) {
    EXPECT_EQ(testing::RuleOf(NosqliDetector(), v), "") << v;
  }
}

TEST(NosqliTest, ElasticsearchScriptsThatRewriteDocuments) {
  EXPECT_EQ(testing::RuleOf(NosqliDetector(),
                            "{\"script\":{\"source\":\"ctx._source.role = 'admin'\"}}"),
            "nosqli.es_script");
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "x'; ctx._source['owner'] = 'me"), "nosqli.es_script");
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "if (ctx._source.n == 0) { ctx.op = 'none' }"), "");
}

TEST(NosqliTest, TypeWithABsonTypeNumber) {
  // {"$type": 2} matches every string; Json.NET's "$type" names a class.
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "{\"resetToken\":{\"$type\":2}}"),
            "nosqli.operator_injection");
  EXPECT_EQ(testing::RuleOf(NosqliDetector(), "{\"$type\":\"Contoso.Orders.OrderCreated, Contoso\"}"),
            "");
}

}  // namespace
}  // namespace fnguard::detect
