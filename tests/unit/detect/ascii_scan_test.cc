// scan::FindAnyOf() against the byte loop it replaces: every start
// position, matches inside and across the sixteen-byte blocks, in the tail,
// and bytes that differ from a wanted one only in their high bit or case.
// scan::HasDoubled() against find() of the pair, the same way.
// scan::HasBeforeLetter() against the byte loop, with the bytes around the
// letters ('@', '[', '`', '{') and letters with the high bit set.
// scan::IEqualsAny() on a table and on a braced list.
// scan::Find() against std::string_view::find and scan::IFind() against the
// byte loop it replaced, on random text of a small alphabet (so candidates
// whose first and last bytes match but whose middle differs are common),
// every start position and literals of 1 to 7 bytes.
#include "runtime/detect/ascii_scan.h"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace fnguard::detect {
namespace {

size_t ReferenceFindAnyOf(std::string_view s, size_t from, char a, char b, char c) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == a || s[i] == b || s[i] == c) return i;
  }
  return std::string_view::npos;
}

TEST(FindAnyOfTest, MatchesTheByteLoopOnRandomText) {
  std::mt19937 rng(11);
  const std::string alphabet = std::string("abc \"'`:.()[]=\\/AB\xa2\xa7\xba\xaf") + '\0';
  const char wanted[][3] = {{'"', '\'', '`'}, {':', '"', '\''}, {'/', '\\', '/'},
                            {'.', '(', ')'},  {'=', '=', '='},   {'\0', '\0', '\0'}};
  for (int round = 0; round < 3000; ++round) {
    std::string s(rng() % 80, ' ');
    for (char& ch : s) ch = alphabet[rng() % alphabet.size()];
    for (const auto& w : wanted) {
      for (size_t from = 0; from <= s.size() + 1; ++from) {
        ASSERT_EQ(scan::FindAnyOf(s, from, w[0], w[1], w[2]),
                  ReferenceFindAnyOf(s, from, w[0], w[1], w[2]))
            << "'" << s << "' from " << from << " wanted " << w[0] << w[1] << w[2];
      }
    }
  }
}

TEST(FindAnyOfTest, PositionsInBlocksAndTail) {
  std::string s(40, 'x');
  EXPECT_EQ(scan::FindAnyOf(s, 0, '"', '\'', '`'), std::string_view::npos);
  for (size_t at : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 39u}) {
    std::string t = s;
    t[at] = '`';
    EXPECT_EQ(scan::FindAnyOf(t, 0, '"', '\'', '`'), at);
    EXPECT_EQ(scan::FindAnyOf(t, at, '"', '\'', '`'), at);
    EXPECT_EQ(scan::FindAnyOf(t, at + 1, '"', '\'', '`'), std::string_view::npos);
  }
  // The first of several, and a start past the end.
  EXPECT_EQ(scan::FindAnyOf("abc:de\"f'", 0, '\'', '"', ':'), 3u);
  EXPECT_EQ(scan::FindAnyOf("abc", 7, 'a', 'b', 'c'), std::string_view::npos);
  EXPECT_EQ(scan::FindAnyOf("", 0, 'a', 'b', 'c'), std::string_view::npos);
}

TEST(HasDoubledTest, MatchesFindOnRandomText) {
  std::mt19937 rng(13);
  const std::string alphabet = std::string("ab./\\%\xae\x2e") + '\0';
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 70, ' ');
    for (char& ch : s) ch = alphabet[rng() % alphabet.size()];
    for (char c : {'.', '/', '\0'}) {
      ASSERT_EQ(scan::HasDoubled(s, c), s.find(std::string(2, c)) != std::string::npos)
          << "'" << s << "' doubled " << c;
    }
  }
}

TEST(HasDoubledTest, PairsInBlocksAcrossThemAndInTheTail) {
  const std::string s(40, 'x');
  EXPECT_FALSE(scan::HasDoubled(s, '.'));
  EXPECT_FALSE(scan::HasDoubled("", '.'));
  EXPECT_FALSE(scan::HasDoubled(".", '.'));
  EXPECT_FALSE(scan::HasDoubled(".x.x.x.x.x.x.x.x.x.x.", '.'));
  // The pair at every position, including across the 16-byte boundaries
  // (15/16, 31/32) and the last two bytes.
  for (size_t at = 0; at + 1 < s.size(); ++at) {
    std::string t = s;
    t[at] = '.';
    EXPECT_FALSE(scan::HasDoubled(t, '.')) << at;
    t[at + 1] = '.';
    EXPECT_TRUE(scan::HasDoubled(t, '.')) << at;
  }
}

bool ReferenceBeforeLetter(std::string_view s, char c) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const char n = s[i + 1];
    if (s[i] == c && ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z'))) return true;
  }
  return false;
}

TEST(HasBeforeLetterTest, MatchesTheByteLoopOnRandomText) {
  std::mt19937 rng(17);
  // Each letter's neighbours in ASCII, and letters with the high bit set.
  const std::string alphabet = std::string(".. 1azAZ@[`{_/\xe1\xc1\xfa") + '\0';
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 70, ' ');
    for (char& ch : s) ch = alphabet[rng() % alphabet.size()];
    for (char c : {'.', '/', '\0'}) {
      ASSERT_EQ(scan::HasBeforeLetter(s, c), ReferenceBeforeLetter(s, c))
          << "'" << s << "' before a letter: " << c;
    }
  }
}

TEST(HasBeforeLetterTest, PairsInBlocksAcrossThemAndInTheTail) {
  EXPECT_FALSE(scan::HasBeforeLetter("", '.'));
  EXPECT_FALSE(scan::HasBeforeLetter(".", '.'));
  EXPECT_FALSE(scan::HasBeforeLetter("Measures 1.2 kg. Ships in 2. days.", '.'));
  EXPECT_TRUE(scan::HasBeforeLetter("see java.lang", '.'));
  const std::string s(40, ' ');
  for (size_t at = 0; at + 1 < s.size(); ++at) {
    std::string t = s;
    t[at] = '.';
    EXPECT_FALSE(scan::HasBeforeLetter(t, '.')) << at;
    t[at + 1] = 'Q';
    EXPECT_TRUE(scan::HasBeforeLetter(t, '.')) << at;
  }
}

size_t ReferenceIFind(std::string_view s, std::string_view lit, size_t from) {
  if (lit.empty()) return from <= s.size() ? from : std::string_view::npos;
  for (size_t i = from; i + lit.size() <= s.size(); ++i) {
    if (scan::IAt(s, i, lit)) return i;
  }
  return std::string_view::npos;
}

// Compares `search` with `reference` on random text of `alphabet`, for
// literals of 1 to 7 bytes (a third of them cut from the text, so that long
// ones occur) and every start position; `fold` maps each literal byte.
// Returns how many searches found something.
template <typename Search, typename Reference, typename Fold>
size_t CompareOnRandomText(uint32_t seed, const std::string& alphabet, Search search,
                           Reference reference, Fold fold) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  size_t found = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string s(rng() % 90, ' ');
    for (char& c : s) c = alphabet[pick(rng)];
    std::string lit(1 + rng() % 4, ' ');
    for (char& c : lit) c = alphabet[pick(rng)];
    if (round % 3 == 0 && s.size() > 8) lit = s.substr(rng() % (s.size() - 7), 2 + rng() % 6);
    for (char& c : lit) c = fold(c);
    for (size_t from = 0; from <= s.size() + 1; ++from) {
      const size_t want = reference(s, lit, from);
      EXPECT_EQ(search(s, lit, from), want) << "round " << round << " from " << from;
      if (search(s, lit, from) != want) return found;
      found += want != std::string_view::npos;
    }
  }
  return found;
}

TEST(FindTest, MatchesStringViewFindOnRandomText) {
  const size_t found = CompareOnRandomText(
      23, std::string("abAB.r0O/\x80\xe1") + '\0',
      [](std::string_view s, std::string_view lit, size_t from) { return scan::Find(s, lit, from); },
      [](std::string_view s, std::string_view lit, size_t from) { return s.find(lit, from); },
      [](char c) { return c; });
  EXPECT_GT(found, 10000u);
}

TEST(FindTest, LiteralsInBlocksAcrossThemAndInTheTail) {
  for (size_t at = 0; at + 5 <= 70; ++at) {
    std::string s(70, 'r');  // every position a candidate by its first byte
    s.replace(at, 5, "rO0AB");
    EXPECT_EQ(scan::Find(s, "rO0AB"), at);
    EXPECT_EQ(scan::Find(s, "rO0AB", at), at);
    EXPECT_EQ(scan::Find(s, "rO0AB", at + 1), std::string_view::npos);
    EXPECT_EQ(scan::Find(s, "rO0AC"), std::string_view::npos);
  }
  EXPECT_EQ(scan::Find("", ""), 0u);
  EXPECT_EQ(scan::Find("ab", "", 3), std::string_view::npos);
  EXPECT_EQ(scan::Find("ab", "abc"), std::string_view::npos);
}

TEST(IFindTest, MatchesTheByteLoopOnRandomText) {
  // Letters in both cases, and the bytes one bit 0x20 away from letters and
  // from the literal's other bytes ('@' and '`', '[' and '{', '.' and 0x0e).
  const size_t found = CompareOnRandomText(
      29, std::string("aAbBzZ@`[{.\x0e-\r\xc1\xe1") + '\0',
      [](std::string_view s, std::string_view lit, size_t from) {
        return scan::IFind(s, lit, from);
      },
      ReferenceIFind, [](char c) { return scan::Lower(c); });
  EXPECT_GT(found, 10000u);
}

TEST(IFindTest, EitherCaseAtEveryPosition) {
  for (size_t at = 0; at + 8 <= 70; ++at) {
    std::string s(70, 'a');
    s.replace(at, 8, "AcEd0005");
    EXPECT_EQ(scan::IFind(s, "aced0005"), at);
    EXPECT_EQ(scan::IFind(s, "aced0005", at + 1), std::string_view::npos);
    s[at + 4] = 'O';  // one bit from '0' in neither case
    EXPECT_EQ(scan::IFind(s, "aced0005"), std::string_view::npos);
  }
  // Bytes that OR 0x20 turns into the literal's are not its letters.
  EXPECT_EQ(scan::IFind(std::string(40, '@') + "\xc1", "`a"), std::string_view::npos);
  EXPECT_EQ(scan::IFind("xx[{ab", "{ab"), 3u);
  EXPECT_EQ(scan::IFind("xx[[ab", "{ab"), std::string_view::npos);
}

TEST(IEqualsAnyTest, WholeNamesInAnyCase) {
  static constexpr std::string_view kTable[] = {"file", "page", "include"};
  EXPECT_TRUE(scan::IEqualsAny("PAGE", kTable));
  EXPECT_TRUE(scan::IEqualsAny("Include", kTable));
  EXPECT_FALSE(scan::IEqualsAny("pages", kTable));  // whole names only
  EXPECT_FALSE(scan::IEqualsAny("pag", kTable));
  EXPECT_FALSE(scan::IEqualsAny("", kTable));
  EXPECT_TRUE(scan::IEqualsAny("Sep", {"sep", "op"}));
  EXPECT_FALSE(scan::IEqualsAny("sep", {}));
}

TEST(ForEachByteTest, VisitsWhatTheByteLoopFindsInOrder) {
  // Runs of the byte, bytes one 0x20 bit away from the letter before it
  // ('W' and 'w', '7' and 0x17), blocks of sixteen and their edges; the
  // byte near and far apart (memchr jumps, then blocks).
  const std::string alphabet = std::string(
                                   "--wW7\x17"
                                   "a.") +
                               '\0';
  std::mt19937 rng(31);
  size_t visited = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string s(rng() % 200, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    const size_t from = s.empty() ? 0 : rng() % (s.size() + 1);
    const size_t to = from + (s.size() == from ? 0 : rng() % (s.size() - from + 1));
    for (char before : {'\0', 'w'}) {
      std::vector<size_t> want;
      for (size_t k = from; k < to; ++k) {
        if (s[k] == '-' && (before == 0 || (k > 0 && scan::Lower(s[k - 1]) == before))) {
          want.push_back(k);
        }
      }
      std::vector<size_t> got;
      scan::ForEachByte(s, from, to, '-', before, [&](size_t k) { got.push_back(k); });
      ASSERT_EQ(got, want) << "round " << round << " before " << (before == 0 ? "none" : "w");
      visited += got.size();
    }
  }
  EXPECT_GT(visited, 5000u);
}

}  // namespace
}  // namespace fnguard::detect
