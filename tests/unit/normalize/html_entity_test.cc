#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "runtime/normalize/normalize.h"
#include "tests/unit/normalize/transform_cases.h"

namespace fnguard::normalize {
namespace {

using testing::Case;
using testing::kMegabyte;
using testing::Repeat;
using testing::RunCases;

TEST(HtmlEntityDecodeTest, NamedNumericAndLegacy) {
  RunCases(HtmlEntityDecode, {
      {"&lt;b&gt;", "<b>", true},
      {"&#60;&#x3C;&#X3c;", "<<<", true},
      {"&#0000060;", "<", true},
      {"&#x000003c", "<", true},
      {"java&#x09;script&colon;", "java\tscript:", true},
      {"&lpar;1&rpar;&Tab;&NewLine;", "(1)\t\n", true},
      {"&quot;&apos;&amp;&sol;&bsol;", "\"'&/\\", true},
      {"&ltscript", "<script", true},
      {"a&nbsp;b", "a\xC2\xA0" "b", true},
      {"&#0;", "\xEF\xBF\xBD", true},
      {"&#99999999999;", "\xEF\xBF\xBD", true},
  });
}

TEST(HtmlEntityDecodeTest, LeavesNonReferences) {
  RunCases(HtmlEntityDecode, {
      {"Tom & Jerry", "", false},
      {"&", "", false},
      {"&#", "", false},
      {"&#x", "", false},
      {"&#;", "", false},
      {"&unknownname;", "", false},
      {"&colon", "", false},  // non-legacy names need ';'
      {"a=1&b=2", "", false},
  });
}

TEST(HtmlEntityDecodeTest, NumericReferencesWithoutSemicolon) {
  // Browsers end a numeric reference at the first non-digit, ';' or not.
  RunCases(HtmlEntityDecode, {
      {"&#60script&#62", "<script>", true},
      {"&#x3c/a", "</a", true},
      // Hex digits run on greedily: "3cab" is one code point, not '<' + "ab".
      {"&#x3cab", "\xE3\xB2\xAB", true},
      {"&#x3c;ab", "<ab", true},
      // Only the first ';' belongs to the reference.
      {"&lt;;", "<;", true},
  });
}

TEST(HtmlEntityDecodeTest, LegacyNamesWithoutSemicolon) {
  RunCases(HtmlEntityDecode, {
      {"&ltimg src=x", "<img src=x", true},
      {"&gt", ">", true},
      {"&amp", "&", true},
      {"&quotx", "\"x", true},
      // The longest legacy prefix wins, as in the HTML standard's own
      // example "&notit;" -> "\u00ACit;".
      {"&notit;", "\xC2\xACit;", true},
      {"&ltxxxxxxxxxx", "<xxxxxxxxxx", true},
  });
  // Names that need ';' are left when it is missing, even as a prefix.
  RunCases(HtmlEntityDecode, {
      {"&lpar", "", false},
      {"&lpar1&rpar2", "", false},
      {"&Tab&NewLine", "", false},
      {"&sol", "", false},
  });
}

TEST(HtmlEntityDecodeTest, NamesAreCaseSensitive) {
  RunCases(HtmlEntityDecode, {
      {"&LT;&GT;&AMP;&QUOT;", "<>&\"", true},
      {"&Lt;", "", false},
      {"&lT;", "", false},
      {"&COLON;", "", false},
  });
}

TEST(HtmlEntityDecodeTest, NamesFromAcrossTheTable) {
  // The table is searched by bisection: names from its first and last rows
  // and from neighbouring rows with shared prefixes must all be found.
  RunCases(HtmlEntityDecode, {
      {"&AMP;", "&", true},
      {"&Aacute;", "\xC3\x81", true},
      {"&zwnj;", "\xE2\x80\x8C", true},
      {"&zwj;", "\xE2\x80\x8D", true},
      {"&lowbar;&lpar;&lsaquo;&lsqb;&lsquo;&lt;", "_(\xE2\x80\xB9[\xE2\x80\x98<", true},
      {"&micro;&midast;&middot;", "\xC2\xB5*\xC2\xB7", true},
      {"&percnt;&period;&permil;", "%.\xE2\x80\xB0", true},
      {"&plus;&plusmn;", "+\xC2\xB1", true},
      {"&tilde;&times;&trade;", "\xCB\x9C\xC3\x97\xE2\x84\xA2", true},
      {"&verbar;&vert;", "||", true},
      {"&euro;", "\xE2\x82\xAC", true},
      {"&commat;&comma;&colon;&semi;", "@,:;", true},
      {"&grave;&equals;&excl;&quest;&num;&dollar;", "`=!?#$", true},
      {"&lcub;&rcub;&lbrack;&rbrack;", "{}[]", true},
  });
}

TEST(HtmlEntityDecodeTest, CodePointsOutOfRangeBecomeReplacementCharacters) {
  RunCases(HtmlEntityDecode, {
      {"&#x10FFFF;", "\xF4\x8F\xBF\xBF", true},
      {"&#1114111;", "\xF4\x8F\xBF\xBF", true},
      {"&#x110000;", "\xEF\xBF\xBD", true},
      {"&#xFFFFFFFFFFFFFFFF;", "\xEF\xBF\xBD", true},
      {"&#xD800;", "\xEF\xBF\xBD", true},
      {"&#xDFFF;", "\xEF\xBF\xBD", true},
      {"&#x0;", "\xEF\xBF\xBD", true},
      // Many leading zeros do not count towards the value.
      {"&#x00000000000000000003c;", "<", true},
  });
}

TEST(HtmlEntityDecodeTest, MalformedNumericReferencesAreLeft) {
  RunCases(HtmlEntityDecode, {
      {"&#a;", "", false},
      {"&#-60;", "", false},
      {"&# 60;", "", false},
      {"&#xg;", "", false},
      {"&#x;3c", "", false},
      {"& #60;", "", false},
  });
}

TEST(HtmlEntityDecodeTest, OnePassOnly) {
  // "&amp;lt;" is "&lt;" after one pass; the chain's rounds take it further.
  RunCases(HtmlEntityDecode, {
      {"&amp;lt;", "&lt;", true},
      {"&amp;#60;", "&#60;", true},
  });
}

TEST(HtmlEntityDecodeTest, MegabyteInputs) {
  std::string refs = Repeat("&lt;", kMegabyte);
  std::string out;
  ASSERT_TRUE(HtmlEntityDecode(refs, &out));
  EXPECT_EQ(out, std::string(refs.size() / 4, '<'));

  // Every '&' starts a name lookup that finds nothing.
  std::string bare = Repeat("&abcdefghij", kMegabyte);
  EXPECT_FALSE(HtmlEntityDecode(bare, &out));
  std::string hashes = Repeat("&#", kMegabyte);
  EXPECT_FALSE(HtmlEntityDecode(hashes, &out));

  // One very long numeric reference saturates instead of overflowing.
  std::string digits = "&#" + std::string(kMegabyte, '9') + ";x";
  ASSERT_TRUE(HtmlEntityDecode(digits, &out));
  EXPECT_EQ(out, "\xEF\xBF\xBDx");
}

}  // namespace
}  // namespace fnguard::normalize
