// The sqli prefilter (one pass, no lexing) must pass every value that the
// full analysis reports: checked on SQL word soup built from keywords, the
// clause words that count only beside a partner word, names, literals,
// quotes, comments and operators in random order, spacing and case.
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/detect/sqli_internal.h"

namespace fnguard::detect {
namespace {

using sqli_internal::AnalysisScore;
using sqli_internal::kLowestThreshold;
using sqli_internal::PrefilterPasses;

std::string Soup(std::mt19937& rng) {
  static const std::vector<std::string_view> kWords = {
      // Clause words read only beside another trigger word.
      "from", "into", "when", "then", "else", "end", "all", "distinct", "desc", "asc", "top",
      "values", "offset", "order", "group", "by", "except", "intersect", "minus",
      // Their partners and other keywords.
      "select", "delete", "insert", "where", "case", "if", "shutdown", "union", "grant",
      "information_schema", "outfile", "dumpfile", "exists", "while", "begin", "sleep", "user",
      "version", "and", "or", "not", "null", "like", "in", "is", "as", "having", "limit",
      "procedure", "exec", "set", "update", "drop", "table", "char", "div",
      // Names and literals.
      "x", "a", "users", "id", "name", "1", "2", "0", "0x1f", "42", "tbl", "t1"};
  static const std::vector<std::string_view> kSymbols = {
      "'", "\"", "(", ")", ",", ";", "=", "<", ">", "--", "#", "/**/", "/*", "*/", "+",
      "-", "*", ".", "@", "@@version", "||", "&&", " ", "\n", "`", "/*!50000"};
  static const std::vector<std::string_view> kStarts = {"1", "x'", "'", "-1", "1)", "x')",
                                                        "a\"", "2 ", "x`", "`"};
  static const std::vector<std::string_view> kSeparators = {" ", " ", "/**/", "\t", ""};
  static const std::vector<std::string_view> kOperands = {"x", "1", "'a'", "0x1f", "@a",
                                                          "f(1)", "null", "(1)", "users.id"};
  static const std::vector<std::string_view> kComparisons = {"=", "<", ">", "!=", "like",
                                                             "is", "in"};
  const auto pick = [&rng](const std::vector<std::string_view>& v) { return v[rng() % v.size()]; };
  std::vector<std::string_view> parts;
  if (rng() % 2 == 0) {
    // Shaped: a breakout, a keyword, then operands compared or joined.
    parts.push_back(pick(kStarts));
    const size_t n = 1 + rng() % 3;
    for (size_t i = 0; i < n; ++i) {
      parts.push_back(pick(kWords));
      parts.push_back(pick(kOperands));
      if (rng() % 2 == 0) {
        parts.push_back(pick(kComparisons));
        parts.push_back(pick(kOperands));
      }
    }
    if (rng() % 3 == 0) parts.push_back(pick(kSymbols));
  } else {
    if (rng() % 10 < 4) parts.push_back(pick(kStarts));
    const size_t n = 1 + rng() % 9;
    for (size_t i = 0; i < n; ++i) {
      parts.push_back(rng() % 100 < 60 ? pick(kWords) : pick(kSymbols));
    }
  }
  const std::string_view sep = pick(kSeparators);
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) s += sep;
    s += parts[i];
  }
  if (rng() % 4 == 0) {
    for (char& c : s) {
      if (c >= 'a' && c <= 'z' && rng() % 2 == 0) c = static_cast<char>(c - 32);
    }
  }
  return s;
}

TEST(SqliPrefilterTest, PassesEveryValueTheAnalysisReports) {
  std::mt19937 rng(20261129);
  size_t reported = 0, rejected = 0;
  for (int round = 0; round < 60000; ++round) {
    const std::string s = Soup(rng);
    const bool passes = PrefilterPasses(s);
    if (!passes) ++rejected;
    if (AnalysisScore(s) >= kLowestThreshold) {
      ++reported;
      ASSERT_TRUE(passes) << "the analysis reports \"" << s << "\" (score " << AnalysisScore(s)
                          << ") but the prefilter drops it";
    }
  }
  // Both sides are exercised: many reports, and many values the prefilter
  // saves the analysis from.
  EXPECT_GT(reported, 3000u);
  EXPECT_GT(rejected, 3000u);
}

TEST(SqliPrefilterTest, ClauseWordsWithoutTheirPartnerAreSkipped) {
  // Prose with clause words that no rule reads alone.
  EXPECT_FALSE(PrefilterPasses("gift wrap for order 12, please!"));
  EXPECT_FALSE(PrefilterPasses("shipped from Dublin by courier"));
  EXPECT_FALSE(PrefilterPasses("sold by the dozen, top quality"));
  // ... and the same words beside their partner.
  EXPECT_TRUE(PrefilterPasses("sorted by name, in order of arrival"));
  EXPECT_TRUE(PrefilterPasses("a from information_schema.tables"));
  EXPECT_GE(AnalysisScore("a from information_schema.tables"), kLowestThreshold);
}

TEST(SqliPrefilterTest, TriggerWordsAreTheWordsItLooksFor) {
  const std::vector<std::string_view> words = sqli_internal::TriggerWords();
  auto has = [&](std::string_view w) {
    for (std::string_view t : words) {
      if (t == w) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("union") && has("select") && has("sleep") && has("information_schema"));
  // Words read only beside another trigger word are not triggers.
  EXPECT_FALSE(has("from") || has("except") || has("null"));
  for (std::string_view w : words) {
    ASSERT_FALSE(w.empty());
    for (char c : w) EXPECT_FALSE(c >= 'A' && c <= 'Z') << w;
  }
}

}  // namespace
}  // namespace fnguard::detect
