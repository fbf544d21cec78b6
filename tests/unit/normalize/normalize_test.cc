#include "runtime/normalize/normalize.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace fnguard::normalize {
namespace {

TEST(NormalizerTest, ReturnsInputWhenNothingChanges) {
  Normalizer n;
  std::string_view in = "hello world";
  std::string_view out = n.Normalize(in);
  EXPECT_EQ(out.data(), in.data());
}

TEST(NormalizerTest, ChainsLayers) {
  Normalizer n;
  EXPECT_EQ(n.Normalize("%253Cscript%253E"), "<script>");
  // Entity hiding a percent escape: needs a second round of the chain.
  EXPECT_EQ(n.Normalize("&#37;3Cimg&#37;3E"), "<img>");
  EXPECT_EQ(n.Normalize("java&#x09;script&colon;alert&lpar;1&rpar;"), "java\tscript:alert(1)");
  EXPECT_EQ(n.Normalize("\\u0061lert(1)"), "alert(1)");
  EXPECT_EQ(n.Normalize("%C0%AE%C0%AE%2F"), "../");
  EXPECT_EQ(n.Normalize("%EF%BC%9Cscript%EF%BC%9E"), "<script>");
  EXPECT_EQ(n.Normalize("sel%00ect"), "select");
  // '+' stays: it is not a space outside form encoding.
  EXPECT_EQ(n.Normalize("a+b%21"), "a+b!");
  // Windows paths are not JavaScript.
  std::string_view path = "..\\..\\boot.ini";
  EXPECT_EQ(n.Normalize(path).data(), path.data());
}

TEST(NormalizerTest, SurvivesHostileInput) {
  Normalizer n;
  std::string big;
  for (int i = 0; i < 100000; ++i) big += "&#";
  for (int i = 0; i < 100000; ++i) big += "%u12%4\\u{";
  for (int i = 0; i < 100000; ++i) big += "&lt;\xC0";
  std::string_view out = n.Normalize(big);
  EXPECT_FALSE(out.empty());
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_FALSE(n.Normalize(bytes).empty());
}

TEST(NormalizerTest, PresenceOverloadTrustsTheCallersScan) {
  Normalizer n;
  Presence percent;
  percent.percent = true;
  EXPECT_EQ(n.Normalize("%3Cb%3E", percent), "<b>");
  // The same value with the bytes the caller found: the result matches the
  // overload that scans for itself.
  Presence all;
  all.percent = all.amp = all.backslash = all.non_ascii = all.control = true;
  std::string mixed = std::string("%26lt;\\u0041\xC0\xAE") + '\0';
  std::string want(Normalizer().Normalize(mixed));
  EXPECT_EQ(want, "<A.");
  EXPECT_EQ(n.Normalize(mixed, all), want);
  // The first round skips what the caller said is absent, so no scan is
  // repeated: an empty Presence leaves the value as it is.
  std::string_view in = "%3Cb%3E";
  EXPECT_EQ(n.Normalize(in, Presence{}).data(), in.data());
}

}  // namespace
}  // namespace fnguard::normalize
