#include "runtime/event/text_codecs.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fnguard::event {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::optional<std::string> B64(std::string_view in) {
  std::string out(Base64MaxDecodedSize(in.size()), '\0');
  std::optional<size_t> n = Base64Decode(in, out.data());
  if (!n) return std::nullopt;
  out.resize(*n);
  return out;
}

TEST(UnicodeFormTest, DetectedAndReadAsUtf8) {
  const auto utf8 = [](std::string_view in, std::string_view charset = "") {
    const UnicodeForm form = DetectUnicodeForm(in, charset);
    std::string out(2 * in.size(), '\0');
    out.resize(form == UnicodeForm::kNone ? 0 : UnicodeToUtf8(in, form, out.data()));
    return out;
  };
  EXPECT_EQ(utf8(std::string("{\0\"\0a\0\"\0}\0", 10)), "{\"a\"}");        // UTF-16LE
  EXPECT_EQ(utf8(std::string("\0{\0}", 4)), "{}");                            // UTF-16BE
  EXPECT_EQ(utf8(std::string("\xff\xfe<\0", 4)), "<");                        // LE mark
  EXPECT_EQ(utf8(std::string("\xfe\xff\0<", 4)), "<");                        // BE mark
  EXPECT_EQ(utf8(std::string("[\0\0\0]\0\0\0", 8)), "[]");                  // UTF-32LE
  EXPECT_EQ(utf8(std::string("\0\0\0[", 4)), "[");                            // UTF-32BE
  EXPECT_EQ(utf8(std::string("a\0\xe9\0", 4), "utf-16le"), "a\xc3\xa9");     // é
  // A surrogate pair, and an unpaired surrogate.
  EXPECT_EQ(utf8(std::string("=\xd8\x00\xde", 4), "utf-16le"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(utf8(std::string("x\0\x00\xd8", 4)), "x\xef\xbf\xbd");
  // UTF-8 and plain ASCII are left alone.
  EXPECT_EQ(DetectUnicodeForm("{\"a\":1}", ""), UnicodeForm::kNone);
  EXPECT_EQ(DetectUnicodeForm("{\"a\":1}", "utf-8"), UnicodeForm::kNone);
  EXPECT_EQ(DetectUnicodeForm("", "utf-16"), UnicodeForm::kUtf16Be);
}

TEST(EncodeUtf8Test, EachLengthAtItsBounds) {
  const auto enc = [](uint32_t cp) {
    char buf[4];
    return std::string(buf, EncodeUtf8(cp, buf));
  };
  EXPECT_EQ(enc(0), std::string(1, '\0'));
  EXPECT_EQ(enc(0x7F), "\x7F");
  EXPECT_EQ(enc(0x80), "\xC2\x80");
  EXPECT_EQ(enc(0x7FF), "\xDF\xBF");
  EXPECT_EQ(enc(0x800), "\xE0\xA0\x80");
  EXPECT_EQ(enc(0xFFFF), "\xEF\xBF\xBF");
  EXPECT_EQ(enc(0x10000), "\xF0\x90\x80\x80");
  EXPECT_EQ(enc(0x10FFFF), "\xF4\x8F\xBF\xBF");
}

TEST(EbcdicTest, CharsetNamesAndDecoding) {
  const auto decode = [](std::string_view charset, std::string_view in) {
    const uint8_t* table = EbcdicTable(charset);
    EXPECT_NE(table, nullptr) << charset;
    std::string out(2 * in.size(), '\0');
    out.resize(table == nullptr ? 0 : EbcdicToUtf8(in, table, out.data()));
    return out;
  };
  // "q=1' OR 1=1" in IBM037.
  const std::string q = "\x98\x7e\xf1\x7d\x40\xd6\xd9\x40\xf1\x7e\xf1";
  EXPECT_EQ(decode("ibm037", q), "q=1' OR 1=1");
  EXPECT_EQ(decode("\"IBM037\"", q), "q=1' OR 1=1");
  EXPECT_EQ(decode("cp1140", q), "q=1' OR 1=1");
  EXPECT_EQ(decode("IBM500", q), "q=1' OR 1=1");
  // The two pages differ in brackets: '[' is 0xBA in 037 and 0x4A in 500.
  EXPECT_EQ(decode("ibm037", "\xba"), "[");
  EXPECT_EQ(decode("ibm500", "\x4a"), "[");
  EXPECT_EQ(decode("ibm037", "\x41"), "\xc2\xa0");  // no-break space, as UTF-8
  for (std::string_view other : {"utf-8", "iso-8859-1", "shift_jis", "", "ibm0370"}) {
    EXPECT_EQ(EbcdicTable(other), nullptr) << other;
  }
}

TEST(QuotedPrintableTest, EscapesAndSoftLineBreaks) {
  const auto qp = [](std::string_view in) {
    std::string out(in.size(), '\0');
    out.resize(QuotedPrintableDecode(in, out.data()));
    return out;
  };
  EXPECT_EQ(qp("=31=27=20OR=201=3D1"), "1' OR 1=1");
  EXPECT_EQ(qp("long li=\r\nne and=\nmore"), "long line andmore");
  EXPECT_EQ(qp("a=3d=3Db"), "a==b");
  EXPECT_EQ(qp("kept: =ZZ, =4, ="), "kept: =ZZ, =4, =");
  EXPECT_EQ(qp(""), "");
}

TEST(Base64Test, EncodeRoundTripsEveryLength) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
    const std::string enc = Base64Encode(bytes);
    std::string dec(Base64MaxDecodedSize(enc.size()), '\0');
    const std::optional<size_t> n = Base64Decode(enc, dec.data());
    ASSERT_TRUE(n.has_value()) << i;
    EXPECT_EQ(dec.substr(0, *n), bytes) << i;
  }
}

TEST(Base64Test, StandardUrlSafeAndUnpadded) {
  EXPECT_EQ(B64("aGVsbG8gd29ybGQ="), "hello world");
  EXPECT_EQ(B64("aGVsbG8gd29ybGQ"), "hello world");
  EXPECT_EQ(B64("-_8"), "\xfb\xff");
  EXPECT_EQ(B64("+/8="), "\xfb\xff");
  EXPECT_EQ(B64("YQ=="), "a");
  EXPECT_EQ(B64("YQ"), "a");
  EXPECT_EQ(B64("YWI="), "ab");
  EXPECT_EQ(B64(""), "");
  EXPECT_EQ(B64("aGVs\r\nbG8="), "hello");
}

TEST(Base64Test, RejectsNonBase64) {
  EXPECT_EQ(B64("a*b="), std::nullopt);
  EXPECT_EQ(B64("YQ==YQ"), std::nullopt);  // data after padding
  EXPECT_EQ(B64("Y"), std::nullopt);       // 6 dangling bits
  EXPECT_EQ(B64("<script>"), std::nullopt);
}

std::string Pct(std::string_view in, bool plus) {
  std::string out(in.size(), '\0');
  out.resize(PercentDecode(in, plus, out.data()));
  return out;
}

TEST(Base64Test, DigitValuesOfBothAlphabets) {
  const std::string_view standard =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) EXPECT_EQ(Base64DigitValue(standard[i]), i) << standard[i];
  EXPECT_EQ(Base64DigitValue('-'), 62);
  EXPECT_EQ(Base64DigitValue('_'), 63);
  int digits = 0;
  for (int c = 0; c < 256; ++c) digits += Base64DigitValue(static_cast<char>(c)) >= 0;
  EXPECT_EQ(digits, 66);  // 64 + the two URL-safe ones
  for (char c : {'=', ' ', '\t', '\n', '%', '\0', '\xff'}) EXPECT_EQ(Base64DigitValue(c), -1) << int(c);
}

TEST(PercentDecodeTest, DecodesOnceAndKeepsInvalidEscapes) {
  EXPECT_EQ(Pct("a%20b+c", true), "a b c");
  EXPECT_EQ(Pct("a%20b+c", false), "a b+c");
  EXPECT_EQ(Pct("%252e%252e", true), "%2e%2e");  // once only
  EXPECT_EQ(Pct("100%", true), "100%");
  EXPECT_EQ(Pct("%zz%4", true), "%zz%4");
  EXPECT_EQ(Pct("%C3%A9", true), "\xC3\xA9");
  EXPECT_TRUE(NeedsPercentDecode("a%41", false));
  EXPECT_TRUE(NeedsPercentDecode("a+b", true));
  EXPECT_FALSE(NeedsPercentDecode("a+b", false));
  EXPECT_FALSE(NeedsPercentDecode("100%", true));
  EXPECT_FALSE(NeedsPercentDecode("%4", true));
}

TEST(MediaTypeTest, SplitAndParams) {
  MediaTypeParts p = SplitMediaType(" multipart/form-data ; boundary=\"a;b\"; charset=utf-8");
  EXPECT_EQ(p.type, "multipart/form-data");
  EXPECT_EQ(FindMediaTypeParam(p.params, "BOUNDARY"), "a;b");
  EXPECT_EQ(FindMediaTypeParam(p.params, "charset"), "utf-8");
  EXPECT_EQ(FindMediaTypeParam(p.params, "missing"), std::nullopt);
  EXPECT_EQ(SplitMediaType("application/json").type, "application/json");
}

TEST(MediaTypeTest, ExtendedParametersOfRfc2231) {
  // One extended value: charset, language, %XX escapes; it is read whether or
  // not the plain parameter is there too.
  EXPECT_EQ(DecodeExtendedParam("; name=\"f\"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd", "filename"),
            "../../etc/passwd");
  EXPECT_EQ(DecodeExtendedParam("; filename=\"a.txt\"; FILENAME*=utf-8'en'%C3%A9t%C3%A9.txt",
                                "filename"),
            "\u00e9t\u00e9.txt");
  // Latin-1 bytes are read as the letters they stand for.
  EXPECT_EQ(DecodeExtendedParam("; filename*=iso-8859-1''caf%E9", "filename"), "caf\u00e9");
  // Continuations, in order of their numbers whatever the order they come in;
  // those marked '*' are percent-decoded, the first one carries the charset.
  EXPECT_EQ(DecodeExtendedParam("; filename*1=\"/etc/\"; filename*0*=utf-8''..%2F..; "
                                "filename*2*=pass%77d",
                                "filename"),
            "../../etc/passwd");
  // A gap ends the value.
  EXPECT_EQ(DecodeExtendedParam("; name*0=a; name*2=c", "name"), "a");
  // Without a charset the escapes are still decoded.
  EXPECT_EQ(DecodeExtendedParam("; name*=x%27%20OR%201%3D1--", "name"), "x' OR 1=1--");
  // Other parameters, and names that only start the same, are not it.
  EXPECT_EQ(DecodeExtendedParam("; filename=\"a.txt\"", "filename"), std::nullopt);
  EXPECT_EQ(DecodeExtendedParam("; filenames*=utf-8''x; name*=utf-8''y", "filename"),
            std::nullopt);
  EXPECT_EQ(DecodeExtendedParam("; filename*x=utf-8''x; filename*123=y", "filename"),
            std::nullopt);
}

TEST(MediaTypeTest, EncodedWordsOfRfc2047) {
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?B?Li4vLi4vZXRjL3Bhc3N3ZA==?="), "../../etc/passwd");
  EXPECT_EQ(DecodeEncodedWords("=?utf-8?q?=2E=2E=2F=2E=2E=2Fetc=2Fpasswd?="), "../../etc/passwd");
  EXPECT_EQ(DecodeEncodedWords("=?iso-8859-1?Q?caf=E9_au_lait?="), "caf\u00e9 au lait");
  // Text around words stays; the space between two words goes.
  EXPECT_EQ(DecodeEncodedWords("a =?utf-8?Q?b?= \t =?utf-8?B?Yw==?= d"), "a bc d");
  // A language after '*' in the charset (RFC 2231 section 5).
  EXPECT_EQ(DecodeEncodedWords("=?utf-8*en?Q?x?="), "x");
  // Not encoded words: kept as they are.
  for (std::string_view s : {"=?", "=?utf-8?", "=?utf-8?X?abc?=", "=??Q?abc?=", "=?utf-8?Q?a b?=",
                             "=?utf-8?B?#?=", "a=?b", "plain.txt", ""}) {
    EXPECT_EQ(DecodeEncodedWords(s), s) << s;
  }
  // A token is read up to its first "?=", as MimeUtility reads it.
  EXPECT_EQ(DecodeEncodedWords("=?u?Q?x?==?u?Q?y?= z"), "x z");
  // Many unterminated words, or words that fail to decode, are each read
  // once (a test that runs long here would be quadratic).
  for (std::string_view unit : {"=?u?Q?x", "=?u?B?!", "=?u?B?#?= "}) {
    std::string many;
    for (int i = 0; i < 200000; ++i) many += unit;
    EXPECT_TRUE(DecodeEncodedWords(many) == many) << unit;
  }
}

TEST(TranscodeTest, CharsetsReadAsUtf8) {
  EXPECT_EQ(TranscodeToUtf8("caf\xe9", "ISO-8859-1"), "caf\u00e9");
  EXPECT_EQ(TranscodeToUtf8("caf\xe9", "windows-1252"), "caf\u00e9");
  EXPECT_EQ(TranscodeToUtf8(std::string("<\0s\0>\0", 6), "utf-16le"), "<s>");
  EXPECT_EQ(TranscodeToUtf8("\x81\x82\x83", "ibm037"), "abc");
  EXPECT_EQ(TranscodeToUtf8("caf\xc3\xa9", "utf-8"), "caf\u00e9");
  EXPECT_EQ(TranscodeToUtf8("\xe9", "x-unknown"), "\xe9");
}

TEST(CookieTest, SplitsOnSemicolons) {
  std::vector<std::pair<std::string, std::string>> got;
  ForEachCookie(" a=1; b = two ;;flag; c=x=y", [&](std::string_view n, std::string_view v) {
    got.emplace_back(n, v);
    return true;
  });
  EXPECT_THAT(got,
              ElementsAre(Pair("a", "1"), Pair("b", "two"), Pair("", "flag"), Pair("c", "x=y")));
}

TEST(FormPairsTest, SplitsRawPairs) {
  std::vector<std::pair<std::string, std::string>> got;
  ForEachFormPair("a=1&&b&c=%41=&", [&](std::string_view n, std::string_view v) {
    got.emplace_back(n, v);
    return true;
  });
  EXPECT_THAT(got, ElementsAre(Pair("a", "1"), Pair("b", ""), Pair("c", "%41=")));
}

}  // namespace
}  // namespace fnguard::event
