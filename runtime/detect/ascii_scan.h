// Small allocation-free ASCII scanning primitives shared by the detectors.
// All comparisons against literals are case-insensitive; literals must be
// written in lower case. Every function is linear in the bytes it touches.
#ifndef FNGUARD_RUNTIME_DETECT_ASCII_SCAN_H_
#define FNGUARD_RUNTIME_DETECT_ASCII_SCAN_H_

#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fnguard::detect::scan {

constexpr char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
constexpr bool IsWordChar(char c) { return IsAlnum(c) || c == '_'; }
constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
// A byte of a Java or JavaScript identifier (ASCII letters, digits, '_' and '$').
constexpr bool IsCodeIdentChar(char c) { return IsWordChar(c) || c == '$'; }
constexpr bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
// A path separator of either kind ('/' or '\\'), as browsers and Windows read one.
constexpr bool IsSlash(char c) { return c == '/' || c == '\\'; }

// The bytes that end (or start) one of `words`, one flag per byte value: a
// one-load test of whether a position can be the last (first) byte of any.
constexpr std::array<bool, 256> LastBytes(std::span<const std::string_view> words) {
  std::array<bool, 256> set{};
  for (std::string_view w : words) set[static_cast<unsigned char>(w.back())] = true;
  return set;
}
constexpr std::array<bool, 256> FirstBytes(std::span<const std::string_view> words) {
  std::array<bool, 256> set{};
  for (std::string_view w : words) set[static_cast<unsigned char>(w.front())] = true;
  return set;
}

// True when `s` at `pos` starts with the lower-case literal `lit`.
inline bool IAt(std::string_view s, size_t pos, std::string_view lit) {
  if (pos > s.size() || s.size() - pos < lit.size()) return false;
  for (size_t i = 0; i < lit.size(); ++i) {
    if (Lower(s[pos + i]) != lit[i]) return false;
  }
  return true;
}

inline bool IEquals(std::string_view s, std::string_view lit) {
  return s.size() == lit.size() && IAt(s, 0, lit);
}

// Whether `s` is one of `lits`, byte for byte.
inline bool EqualsAny(std::string_view s, std::initializer_list<std::string_view> lits) {
  for (std::string_view l : lits) {
    if (s == l) return true;
  }
  return false;
}

// Whether `s` is one of `lits` (a table of names), ignoring case.
inline bool IEqualsAny(std::string_view s, std::span<const std::string_view> lits) {
  for (std::string_view lit : lits) {
    if (IEquals(s, lit)) return true;
  }
  return false;
}
// Index in `lits` of the name `s` equals, ignoring case; lits.size() when none.
inline size_t IIndexOf(std::string_view s, std::span<const std::string_view> lits) {
  for (size_t k = 0; k < lits.size(); ++k) {
    if (IEquals(s, lits[k])) return k;
  }
  return lits.size();
}
inline bool IEqualsAny(std::string_view s, std::initializer_list<std::string_view> lits) {
  return IEqualsAny(s, std::span<const std::string_view>(lits.begin(), lits.size()));
}

inline bool IEndsWith(std::string_view s, std::string_view lit) {
  return s.size() >= lit.size() && IAt(s, s.size() - lit.size(), lit);
}

namespace find_internal {

// The candidates of a search for a literal of `k` >= 2 bytes among the
// sixteen positions at `p`: a bit per position whose byte is `first` and
// whose byte k - 1 further on is `last`, after OR-ing `fold_first` and
// `fold_last` into them (0x20 to ignore the case of a letter, 0 to compare
// the byte as it is). Reads p[0, k - 1 + 16).
#if defined(__SSE2__)
inline unsigned Candidates16(const char* p, size_t k, __m128i first, __m128i last,
                             __m128i fold_first, __m128i fold_last) {
  const __m128i a =
      _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), fold_first);
  const __m128i b =
      _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k - 1)), fold_last);
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last))));
}
#endif

}  // namespace find_internal

// First position >= `from` where `lit` occurs (bytes compared as they are),
// or npos: std::string_view::find, which jumps with memchr from one
// occurrence of the literal's first byte to the next. Once a few of them
// were not the literal (the 'r' of "rO0AB" in base64 occurs every 64
// bytes), the rest of the value is read sixteen candidate positions at a
// time where SSE2 is available: a position is compared in full only when
// its first and last bytes match, so a common first byte costs no call per
// occurrence.
constexpr size_t Find(std::string_view s, std::string_view lit, size_t from = 0) {
  const size_t k = lit.size();
  if (std::is_constant_evaluated() || k < 2 || from > s.size() || s.size() - from < k) {
    return s.find(lit, from);
  }
  size_t i = from;
  for (int misses = 0; misses < 4; ++misses) {
    if (s.size() - i < k) return std::string_view::npos;
    const char* lead = std::char_traits<char>::find(s.data() + i, s.size() - k + 1 - i, lit[0]);
    if (lead == nullptr) return std::string_view::npos;
    i = static_cast<size_t>(lead - s.data());
    if (std::char_traits<char>::compare(lead + 1, lit.data() + 1, k - 1) == 0) return i;
    ++i;
  }
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(lit[0]);
  const __m128i last = _mm_set1_epi8(lit[k - 1]);
  const __m128i none = _mm_setzero_si128();
  for (; i + k - 1 + 16 <= s.size(); i += 16) {
    for (unsigned c = find_internal::Candidates16(s.data() + i, k, first, last, none, none);
         c != 0; c &= c - 1) {
      const size_t at = i + static_cast<size_t>(std::countr_zero(c));
      if (std::char_traits<char>::compare(s.data() + at + 1, lit.data() + 1, k - 2) == 0) {
        return at;
      }
    }
  }
#endif
  return s.find(lit, i);
}

// First position >= `from` where the lower-case literal `lit` occurs, or npos.
// Cost is O(n * |lit|) in the worst case; callers use short literals. As
// Find(), sixteen candidate positions at a time where SSE2 is available.
inline size_t IFind(std::string_view s, std::string_view lit, size_t from = 0) {
  if (lit.empty()) return from <= s.size() ? from : std::string_view::npos;
  const size_t k = lit.size();
  size_t i = from;
#if defined(__SSE2__)
  if (k >= 2) {
    // OR-ing 0x20 lower-cases a letter; a literal's letter then matches
    // either case of it (and some non-letters, which IAt() turns down).
    // Other literal bytes are compared as they are.
    const char f = lit[0], l = lit[k - 1];
    const __m128i fold_first = _mm_set1_epi8(IsAlpha(f) ? 0x20 : 0);
    const __m128i fold_last = _mm_set1_epi8(IsAlpha(l) ? 0x20 : 0);
    const __m128i first = _mm_set1_epi8(f);
    const __m128i last = _mm_set1_epi8(l);
    for (; i + k - 1 + 16 <= s.size(); i += 16) {
      for (unsigned c =
               find_internal::Candidates16(s.data() + i, k, first, last, fold_first, fold_last);
           c != 0; c &= c - 1) {
        const size_t at = i + static_cast<size_t>(std::countr_zero(c));
        if (IAt(s, at, lit)) return at;
      }
    }
  }
#endif
  const char first = lit[0];
  for (; i + k <= s.size(); ++i) {
    if (Lower(s[i]) == first && IAt(s, i, lit)) return i;
  }
  return std::string_view::npos;
}

// First position >= `from` of a byte for which `hit` holds, or npos. Where
// SSE2 is available, sixteen bytes at a time first: `hits16` maps them to a
// vector with 0xff in each byte where `hit` holds (0 elsewhere).
template <typename Hit, typename Hits16>
inline size_t FindFirst(std::string_view s, size_t from, Hit hit, [[maybe_unused]] Hits16 hits16) {
  size_t i = from;
#if defined(__SSE2__)
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits16(x)));
    if (mask != 0) return i + static_cast<size_t>(std::countr_zero(mask));
  }
#endif
  for (; i < s.size(); ++i) {
    if (hit(s[i])) return i;
  }
  return std::string_view::npos;
}

// First position >= `from` of the lower-case letter `letter` in either case,
// or npos: sixteen bytes at a time where SSE2 is available (a jump, like
// memchr, for letters that are rare in the values searched).
inline size_t FindLetter(std::string_view s, char letter, size_t from = 0) {
  return FindFirst(s, from, [letter](char c) { return Lower(c) == letter; },
#if defined(__SSE2__)
                   // Setting 0x20 lower-cases a letter and turns no other byte into one.
                   [k20 = _mm_set1_epi8(0x20), want = _mm_set1_epi8(letter)](__m128i x) {
                     return _mm_cmpeq_epi8(_mm_or_si128(x, k20), want);
                   });
#else
                   nullptr);
#endif
}

// First position >= `from` holding the byte `a`, `b` or `c` (repeat one to
// look for fewer), or npos: sixteen bytes at a time where SSE2 is available.
// Replaces byte loops that skip everything but a few lead bytes, such as
// `for (...) { if (c != '"' && c != '\'') continue; ... }`.
inline size_t FindAnyOf(std::string_view s, size_t from, char a, char b, char c) {
  return FindFirst(s, from, [a, b, c](char x) { return x == a || x == b || x == c; },
#if defined(__SSE2__)
                   [va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c)](__m128i x) {
                     return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
                                         _mm_cmpeq_epi8(x, vc));
                   });
#else
                   nullptr);
#endif
}

namespace foreach_internal {

// ForEachByte() from `k` on, sixteen bytes at a time where SSE2 is
// available. Out of line: the jumps before it keep fewer values live.
template <typename Visit>
[[gnu::noinline]] void Blocks(const char* d, size_t k, size_t to, char c, char before,
                              Visit& visit) {
  const auto before_ok = [d, before](size_t i) {
    return before == 0 || (i > 0 && Lower(d[i - 1]) == before);
  };
#if defined(__SSE2__)
  const __m128i vc = _mm_set1_epi8(c);
  const __m128i vbefore = _mm_set1_epi8(before);
  // Setting 0x20 lower-cases a letter and turns no other byte into one.
  const __m128i k20 = _mm_set1_epi8(0x20);
  // Bit 0: whether the byte before the block is `before`.
  unsigned carry = k < to && before_ok(k) ? 1 : 0;
  for (; k + 16 <= to; k += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + k));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vc)));
    if (before != 0) {
      const unsigned is_before =
          static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(x, k20), vbefore)));
      mask &= (is_before << 1) | carry;
      carry = is_before >> 15;
    }
    for (; mask != 0; mask &= mask - 1) visit(k + static_cast<size_t>(std::countr_zero(mask)));
  }
#endif
  for (; k < to; ++k) {
    if (d[k] == c && before_ok(k)) visit(k);
  }
}

}  // namespace foreach_internal

// Calls visit(k), in ascending order, for each k in [from, to) (to <=
// s.size()) where s[k] is `c` and, when `before` (a lower-case letter) is
// not 0, s[k - 1] is that letter in either case. Jumps with memchr from one
// `c` to the next while they are far apart; where they come closer than 32
// bytes apart on average, reads sixteen bytes at a time (SSE2) instead of a
// memchr call per `c`.
template <typename Visit>
inline void ForEachByte(std::string_view s, size_t from, size_t to, char c, char before,
                        Visit visit) {
  const std::string_view within = s.substr(0, to);
  size_t first = within.find(c, from);
  size_t jumps = 0;
  for (size_t k = first; k != std::string_view::npos; k = within.find(c, k + 1)) {
    if (++jumps > 8 && k - first < 32 * jumps) {
      foreach_internal::Blocks(s.data(), k, to, c, before, visit);
      return;
    }
    if (before != 0 && (k == 0 || Lower(s[k - 1]) != before)) continue;
    visit(k);
  }
}

// Whether `s` holds the byte `c` twice in a row (".."): Find() of the pair.
inline bool HasDoubled(std::string_view s, char c) {
  const char pair[2] = {c, c};
  return Find(s, std::string_view(pair, 2)) != std::string_view::npos;
}

// Whether `s` holds the byte `c` right before an ASCII letter ("." in
// "java.lang" but not in "1.2 kg." or "alike. Ships"): sixteen pairs at a
// time where SSE2 is available, against a memchr call per `c` for a loop
// over find(c).
inline bool HasBeforeLetter(std::string_view s, char c) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i vc = _mm_set1_epi8(c);
  // (b | 0x20) - 'a' is below 26 exactly for letters; adding 0x80 - 'a'
  // instead lets a signed compare test that.
  const __m128i k20 = _mm_set1_epi8(0x20);
  const __m128i shift = _mm_set1_epi8(static_cast<char>(0x80 - 'a'));
  const __m128i limit = _mm_set1_epi8(static_cast<char>(0x80 + 26));
  for (; i + 17 <= s.size(); i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i + 1));
    const __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(b, k20), shift), limit);
    if (_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, vc), letter)) != 0) return true;
  }
#endif
  for (; i + 1 < s.size(); ++i) {
    if (s[i] == c && IsAlpha(s[i + 1])) return true;
  }
  return false;
}

inline bool IContains(std::string_view s, std::string_view lit) {
  return IFind(s, lit) != std::string_view::npos;
}

inline size_t SkipSpaces(std::string_view s, size_t pos) {
  while (pos < s.size() && IsSpace(s[pos])) ++pos;
  return pos;
}

// One past the last byte of `s` that is not a space.
inline size_t TrimEnd(std::string_view s) {
  size_t end = s.size();
  while (end > 0 && IsSpace(s[end - 1])) --end;
  return end;
}

// The last name component of a field path such as "query.file",
// "body.items[2].url" or "headers.x-template": "file", "url", "x-template".
inline std::string_view LastPathName(std::string_view path) {
  size_t end = path.size();
  while (end > 0 && (path[end - 1] == ']' || IsDigit(path[end - 1]) || path[end - 1] == '[')) {
    if (path[end - 1] == '[') { --end; break; }
    --end;
  }
  size_t start = end;
  while (start > 0 && path[start - 1] != '.' && path[start - 1] != '[' &&
         path[start - 1] != '/') {
    --start;
  }
  return path.substr(start, end - start);
}

}  // namespace fnguard::detect::scan

#endif  // FNGUARD_RUNTIME_DETECT_ASCII_SCAN_H_
