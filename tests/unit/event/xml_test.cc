#include "runtime/event/xml.h"

#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fnguard::event {
namespace {

using ::testing::ElementsAre;

// Each item as "type:name=text".
std::vector<std::string> Items(std::string_view doc, XmlResult* result = nullptr,
                               size_t max_depth = 32) {
  std::vector<std::string> out;
  std::string scratch;
  const XmlResult r = ReadXml(doc, max_depth, &scratch, [&](const XmlItem& item) {
    static constexpr const char* kTypes[] = {"prolog", "open", "attr", "text", "close", "misc"};
    out.push_back(std::string(kTypes[static_cast<int>(item.type)]) + ":" +
                  std::string(item.name) + "=" + std::string(item.text));
    return true;
  });
  if (result != nullptr) *result = r;
  return out;
}

TEST(XmlTest, SoapEnvelope) {
  XmlResult r;
  EXPECT_THAT(Items("<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"urn:s\">\n"
                    "  <s:Body><m:Get a='1'  b = \"x &amp; y\"/>\n  </s:Body>\n</s:Envelope>\n",
                    &r),
              ElementsAre("prolog:=<?xml version=\"1.0\"?>\n",
                          "open:s:Envelope=<s:Envelope xmlns:s=\"urn:s\">", "attr:xmlns:s=urn:s",
                          "open:s:Body=<s:Body>", "open:m:Get=<m:Get a='1'  b = \"x &amp; y\"/>",
                          "attr:a=1", "attr:b=x &amp; y", "close:m:Get=", "close:s:Body=",
                          "close:s:Envelope="));
  EXPECT_EQ(r, XmlResult::kComplete);
}

// Text and CDATA runs are joined up to the next child or the end; comments
// and PIs between them are items of their own; white space alone is no text.
TEST(XmlTest, CharacterDataIsJoinedPerElement) {
  EXPECT_THAT(Items("<a>x<!--c-->y<![CDATA[<z>]]><?p q?>w<b> </b>v</a>"),
              ElementsAre("open:a=<a>", "misc:=<!--c-->", "misc:=<?p q?>", "text:=xy<z>w",
                          "open:b=<b>", "close:b=", "text:=v", "close:a="));
}

TEST(XmlTest, PrologKeepsTheDoctypeAndItsSubset) {
  const std::string_view doc =
      "\xEF\xBB\xBF<!-- a --><!DOCTYPE r [<!ENTITY e SYSTEM \"file:///x\"><!-- ]> -->"
      "<!ENTITY f '>]'>]><r>&e;</r><!-- after -->";
  XmlResult r;
  EXPECT_THAT(Items(doc, &r), ElementsAre("prolog:=" + std::string(doc.substr(0, doc.find("<r>"))),
                                          "open:r=<r>", "text:=&e;", "close:r=",
                                          "misc:=<!-- after -->"));
  EXPECT_EQ(r, XmlResult::kComplete);
}

TEST(XmlTest, MalformedDocuments) {
  for (std::string_view doc :
       {"", "  ", "text", "<", "<r", "<r>", "<r></s>", "</r>", "<r/>x", "<r/><r/>", "<r a=1/>",
        "<r a/>", "<r a=\"1/>", "<r a=\"<\"/>", "<ra=\"1\"/>", "<r a=\"1\"b=\"2\"/>", "< r/>",
        "<1/>", "<r><!DOCTYPE x></r>", "<r><!ELEMENT x></r>", "<r><!-- x</r>", "<r><![CDATA[x</r>",
        "<r><?p</r>", "<!DOCTYPE r [<!ENTITY e 'x'><r/>", "<!DOCTYPE a><!DOCTYPE b><r/>",
        "<!-- x", "<?xml", "<r></r  x>", "<r/><!-- x", "<![CDATA[x]]><r/>", "<?p?><!x><r/>"}) {
    XmlResult r = XmlResult::kComplete;
    Items(doc, &r);
    EXPECT_EQ(r, XmlResult::kMalformed) << doc;
  }
}

TEST(XmlTest, DepthLimitAndStopping) {
  XmlResult r;
  Items("<a><b><c/></b></a>", &r, 3);
  EXPECT_EQ(r, XmlResult::kComplete);
  Items("<a><b><c/></b></a>", &r, 2);
  EXPECT_EQ(r, XmlResult::kMalformed);
  std::string scratch;
  int seen = 0;
  r = ReadXml("<a><b/><c/></a>", 32, &scratch, [&](const XmlItem&) { return ++seen < 2; });
  EXPECT_EQ(r, XmlResult::kStopped);
  EXPECT_EQ(seen, 2);
}

// Deep nesting, many attributes and long runs finish (linear reading).
TEST(XmlTest, LargeDocumentsFinish) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  XmlResult r;
  Items(deep, &r, 1000000);
  EXPECT_EQ(r, XmlResult::kMalformed);
  std::string attrs = "<r";
  for (int i = 0; i < 100000; ++i) attrs += " a" + std::to_string(i) + "='v'";
  attrs += "/>";
  EXPECT_EQ(Items(attrs, &r).size(), 100002u);
  EXPECT_EQ(r, XmlResult::kComplete);
  std::string runs = "<r>";
  for (int i = 0; i < 100000; ++i) runs += "x<!---->";
  runs += "</r>";
  const std::vector<std::string> items = Items(runs, &r);
  ASSERT_EQ(items.size(), 100003u);
  EXPECT_EQ(items[100001], "text:=" + std::string(100000, 'x'));
}

}  // namespace
}  // namespace fnguard::event
