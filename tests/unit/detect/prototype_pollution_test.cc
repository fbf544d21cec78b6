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

TEST(PrototypePollutionTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "a[__proto__][admin]=1",
      "__proto__.polluted",
      "{\"__proto__\": {\"x\": 1}}",
      "constructor.prototype.x",
      "a[constructor][prototype][x]=1",
      // JSON Patch paths and path arrays handed to a deep setter.
      "[{\"op\": \"add\", \"path\": \"/__proto__/polluted\", \"value\": true}]",
      "[{\"op\": \"replace\", \"path\": \"/constructor/prototype/isAdmin\"}]",
      "{\"path\": [\"__proto__\", \"admin\"], \"value\": true}",
      "['a', '__proto__', 'b']",
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
      "why is obj[\"__proto__\"] undefined here?",
      "[\"__proto__\"]",
      "see /docs/__proto__-notes for details",
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

TEST(PrototypePollutionTest, ClassLoaderPaths) {
  // Bean property paths that data binding follows into the class loader.
  for (const char* path : {"body.class.module.classLoader.resources.cache",
                           "query.class.classLoader.parent.name",
                           "body[\"Class.ClassLoader.debug\"]",
                           "query.class['classLoader']['urls']",
                           "body.class.protectionDomain.codeSource"}) {
    Case c;
    c.value = "x";
    c.path = path;
    c.location = event::Location::kBody;
    Match m;
    EXPECT_TRUE(Detects(PrototypePollutionDetector(), c, &m)) << path;
    EXPECT_EQ(m.rule_id, "prototype_pollution.class_loader_path") << path;
  }
  // ... and parameters in a value that a form or query parser reads.
  for (const char* value : {"a=2&class.module.classLoader.defaultAssertionStatus=true",
                            "class.classLoader.resources.dirContext=x"}) {
    Case c;
    c.value = value;
    EXPECT_TRUE(Detects(PrototypePollutionDetector(), c)) << value;
  }
  for (const char* path : {"body.class.name", "body.school.class.module.title",
                           "body.subclass.classLoader", "body.class.classLoaders"}) {
    Case c;
    c.value = "x";
    c.path = path;
    Match m;
    EXPECT_FALSE(Detects(PrototypePollutionDetector(), c, &m)) << path << " -> " << m.rule_id;
  }
  for (const char* value : {"this.class.classLoader.getParent()", "Foo.class.getClassLoader()",
                            "The class loader of the class module"}) {
    Case c;
    c.value = value;
    Match m;
    EXPECT_FALSE(Detects(PrototypePollutionDetector(), c, &m)) << value << " -> " << m.rule_id;
  }
}

TEST(PrototypePollutionTest, ClassLoaderPathOnPathologicalInput) {
  testing::RunsOnLargeInput(PrototypePollutionDetector(), Repeat("class.", 1 << 17));
  testing::RunsOnLargeInput(PrototypePollutionDetector(), Repeat("class.module.", 1 << 16));
  testing::RunsOnLargeInput(PrototypePollutionDetector(), "class" + std::string(1 << 20, '.'));
}

// Drupal render arrays: a '#' property that Drupal calls, set by a form
// field's name, a JSON member's or a query string inside a value.
TEST(PrototypePollutionTest, RenderArrayCallbackKeys) {
  for (const char* key : {"mail[#post_render][]", "name[#pre_render][0]", "#lazy_builder",
                          "f[#access_callback]", "x[#after_build][]", "a.#value_callback"}) {
    Case c;
    c.value = key;
    c.is_key = true;
    Match m;
    EXPECT_TRUE(Detects(PrototypePollutionDetector(), c, &m)) << key;
    EXPECT_EQ(m.rule_id, "prototype_pollution.render_callback_key") << key;
  }
  for (const char* value : {"q=node&title[#post_render][]=system&title[#markup]=ls",
                            "{\"widget\": {\"#lazy_builder\": [\"callback\", []]}}",
                            "['#element_validate']"}) {
    Case c;
    c.value = value;
    Match m;
    EXPECT_TRUE(Detects(PrototypePollutionDetector(), c, &m)) << value;
    EXPECT_EQ(m.rule_id, "prototype_pollution.render_callback_key") << value;
  }
  // Other '#' keys (XML converted to JSON), other properties, fragments and
  // anchors, and a property name without its '#'.
  for (const char* key : {"#text", "mail[#markup]", "mail[#post_renderer]", "mail[post_render]",
                          "#Post_Render", "x#post_render"}) {
    Case c;
    c.value = key;
    c.is_key = true;
    Match m;
    EXPECT_FALSE(Detects(PrototypePollutionDetector(), c, &m)) << key << " -> " << m.rule_id;
  }
  for (const char* value : {"https://docs.example.org/render-api#pre_render",
                            "See the section #post_render in the guide.",
                            "docs/#lazy_builder", "tag: #after_build [draft]"}) {
    Case c;
    c.value = value;
    Match m;
    EXPECT_FALSE(Detects(PrototypePollutionDetector(), c, &m)) << value << " -> " << m.rule_id;
  }
}

TEST(PrototypePollutionTest, RenderCallbackKeyOnPathologicalInput) {
  testing::RunsOnLargeInput(PrototypePollutionDetector(), Repeat("[#post_rende", 1 << 16));
  testing::RunsOnLargeInput(PrototypePollutionDetector(), Repeat("\"#", 1 << 19));
}


// __proto__ opening a parameter of a query or fragment string.
TEST(PrototypePollutionTest, ProtoAfterQueryAndFragmentDelimiters) {
  Match m;
  Case c;
  for (const std::string a : {"#__proto__[admin]=1", "?__proto__.role=admin", "a=1&__proto__[x]=y"}) {
    c.value = a;
    EXPECT_TRUE(Detects(PrototypePollutionDetector(), c, &m)) << a;
  }
  c.value = "see #__proto__ in the docs";
  EXPECT_FALSE(Detects(PrototypePollutionDetector(), c, &m));
}

// constructor.prototype as a query parameter's name, and as a path given
// as an array of keys.
TEST(PrototypePollutionTest, ConstructorPrototypeAsParameterOrKeyArray) {
  for (const std::string a : {"?constructor[prototype][isAdmin]=1", "&constructor.prototype.x=1",
                              "{\"path\":[\"constructor\",\"prototype\",\"role\"]}"}) {
    EXPECT_EQ(testing::RuleOf(PrototypePollutionDetector(), a),
              "prototype_pollution.constructor_prototype")
        << a;
  }
  for (const std::string b : {"The constructor, prototype and factory patterns",
                              "What is a constructor? prototype chains explained"}) {
    EXPECT_EQ(testing::RuleOf(PrototypePollutionDetector(), b), "") << b;
  }
}

// __proto__ nested in itself: what a filter that deletes it once leaves.
TEST(PrototypePollutionTest, ProtoNestedInItself) {
  for (const std::string a : {"{\"__pro__proto__to__\":{\"admin\":true}}", "a[_____proto__proto__][y]=1",
                              "x.__p__proto__roto__.polluted=1"}) {
    EXPECT_EQ(testing::RuleOf(PrototypePollutionDetector(), a), "prototype_pollution.proto_in_value")
        << a;
  }
  for (const std::string b : {"__proto__ is deprecated", "____proto____"}) {
    EXPECT_EQ(testing::RuleOf(PrototypePollutionDetector(), b), "") << b;
  }
}

// __proto__ as a YAML mapping's key at the start of a line.
TEST(PrototypePollutionTest, YamlKey) {
  for (const std::string a : {"__proto__:\n  polluted: true\n", "user:\n  __proto__:\n    admin: true",
                              "- __proto__: {x: 1}"}) {
    EXPECT_EQ(testing::RuleOf(PrototypePollutionDetector(), a), "prototype_pollution.proto_in_value")
        << a;
  }
  for (const std::string b : {"What is __proto__: a getter", "note: __proto__ is legacy"}) {
    EXPECT_EQ(testing::RuleOf(PrototypePollutionDetector(), b), "") << b;
  }
}

}  // namespace
}  // namespace fnguard::detect
