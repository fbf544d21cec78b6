// Unicode folding: overlong UTF-8 encodings of ASCII and full-width forms.
//
// Overlong sequences (C0 AE for '.', E0 80 AF for '/', F0 80 80 BC for '<')
// are invalid UTF-8 that lenient decoders still map to ASCII. Full-width
// forms (U+FF01..U+FF5E) are normalized to ASCII by NFKC-applying back ends.
// A few look-alikes that back ends are known to fold are included: U+00A0
// (no-break space), U+3000 (ideographic space), U+2024 (one dot leader) and U+2215 (division slash),
// and the compatibility characters NFKC maps to one ASCII character (circled
// and mathematical letters, small form variants, one-letter Roman numerals).
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"

namespace fnguard::normalize {
namespace {

bool IsCont(unsigned char c) { return (c & 0xC0) == 0x80; }

// The letter or digit NFKC (Python's unicodedata, Java's Normalizer, IDNA's
// UTS 46 mapping) makes of the one character at in[i], with its length; 0
// when it makes none.
size_t CompatibilityAlnumAt(std::string_view in, size_t i, char* ascii) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(in[i + k]); };
  const unsigned char b0 = at(0);
  const size_t left = in.size() - i;
  // U+017F (long s) to 's';
  if (b0 == 0xC5 && left >= 2 && at(1) == 0xBF) {
    *ascii = 's';
    return 2;
  }
  if (b0 == 0xE2 && left >= 3 && IsCont(at(1)) && IsCont(at(2))) {
    const uint32_t cp = (0x2u << 12) | ((at(1) & 0x3Fu) << 6) | (at(2) & 0x3Fu);
    // circled letters (U+24B6..U+24E9);
    if (cp >= 0x24B6 && cp <= 0x24CF) {
      *ascii = static_cast<char>('A' + (cp - 0x24B6));
      return 3;
    }
    if (cp >= 0x24D0 && cp <= 0x24E9) {
      *ascii = static_cast<char>('a' + (cp - 0x24D0));
      return 3;
    }
    // the script small l (U+2113) and the Kelvin sign (U+212A);
    if (cp == 0x2113 || cp == 0x212A) {
      *ascii = cp == 0x2113 ? 'l' : 'K';
      return 3;
    }
    // the Roman numerals of one letter (U+2160..U+217F).
    if (cp >= 0x2160 && cp <= 0x217F) {
      static constexpr char kRoman[16] = {'I', 0, 0, 0, 'V', 0, 0, 0,
                                          0,   'X', 0, 0, 'L', 'C', 'D', 'M'};
      const char r = kRoman[(cp - 0x2160) & 0x0F];
      if (r != 0) {
        *ascii = cp >= 0x2170 ? static_cast<char>(r + ('a' - 'A')) : r;
        return 3;
      }
    }
  }
  // Mathematical letters and digits (U+1D400..U+1D6A3 in runs of A..Z a..z
  // per style; U+1D7CE..U+1D7FF in runs of 0..9).
  if (b0 == 0xF0 && left >= 4 && at(1) == 0x9D && IsCont(at(2)) && IsCont(at(3))) {
    const uint32_t cp = 0x1D000u | ((at(2) & 0x3Fu) << 6) | (at(3) & 0x3Fu);
    if (cp >= 0x1D400 && cp <= 0x1D6A3) {
      const uint32_t k = (cp - 0x1D400) % 52;
      *ascii = static_cast<char>(k < 26 ? 'A' + k : 'a' + (k - 26));
      return 4;
    }
    if (cp >= 0x1D7CE && cp <= 0x1D7FF) {
      *ascii = static_cast<char>('0' + (cp - 0x1D7CE) % 10);
      return 4;
    }
  }
  return 0;
}

// ASCII byte that the sequence at in[i] folds to, with its length; 0 length
// when the sequence is left alone.
size_t FoldAt(std::string_view in, size_t i, char* ascii) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(in[i + k]); };
  unsigned char b0 = at(0);
  size_t left = in.size() - i;
  if ((b0 == 0xC0 || b0 == 0xC1) && left >= 2 && IsCont(at(1))) {
    *ascii = static_cast<char>(((b0 & 0x01) << 6) | (at(1) & 0x3F));
    return 2;
  }
  if (b0 == 0xE0 && left >= 3 && IsCont(at(1)) && IsCont(at(2)) && at(1) < 0x82) {
    *ascii = static_cast<char>(((at(1) & 0x01) << 6) | (at(2) & 0x3F));
    return 3;
  }
  if (b0 == 0xF0 && left >= 4 && at(1) == 0x80 && at(2) == 0x80 && IsCont(at(3))) {
    *ascii = static_cast<char>(at(3) & 0x3F);
    return 4;
  }
  if (b0 == 0xF0 && left >= 4 && at(1) == 0x80 && at(2) == 0x81 && IsCont(at(3))) {
    *ascii = static_cast<char>(0x40 | (at(3) & 0x3F));
    return 4;
  }
  if (b0 == 0xEF && left >= 3) {
    // U+FF01..U+FF3F is EF BC 81..BF; U+FF40..U+FF5E is EF BD 80..9E.
    if (at(1) == 0xBC && at(2) >= 0x81 && at(2) <= 0xBF) {
      *ascii = static_cast<char>(at(2) - 0x81 + 0x21);
      return 3;
    }
    if (at(1) == 0xBD && at(2) >= 0x80 && at(2) <= 0x9E) {
      *ascii = static_cast<char>(at(2) - 0x80 + 0x60);
      return 3;
    }
  }
  if (b0 == 0xC2 && left >= 2 && at(1) == 0xA0) {
    *ascii = ' ';  // U+00A0, the no-break space (NFKC folds it to a space)
    return 2;
  }
  if (b0 == 0xE3 && left >= 3 && at(1) == 0x80 && at(2) == 0x80) {
    *ascii = ' ';
    return 3;
  }
  if (b0 == 0xE2 && left >= 3 && at(1) == 0x80 && at(2) == 0xA4) {
    *ascii = '.';
    return 3;
  }
  // Typographic quotes and angle quotes, as best-fit code-page conversion
  // (Windows' WideCharToMultiByte, SQL Server's varchar) turns them into the
  // ASCII ones: U+2018, U+2019, U+201B and the prime U+2032 into '\'',
  // U+201C, U+201D, U+201F and U+2033 into '"', U+2039 and U+203A into '<'
  // and '>'.
  if (b0 == 0xE2 && left >= 3 && at(1) == 0x80) {
    switch (at(2)) {
      case 0x98: case 0x99: case 0x9B: case 0xB2: *ascii = '\''; return 3;
      case 0x9C: case 0x9D: case 0x9F: case 0xB3: *ascii = '"'; return 3;
      case 0xB9: *ascii = '<'; return 3;
      case 0xBA: *ascii = '>'; return 3;
      default: break;
    }
  }
  if (b0 == 0xE2 && left >= 3 && at(1) == 0x88 && at(2) == 0x95) {
    *ascii = '/';
    return 3;
  }
  // NFKC's letters and digits: CompatibilityAlnumAt().
  if (b0 >= 0xC5) {
    const size_t n = CompatibilityAlnumAt(in, i, ascii);
    if (n != 0) return n;
  }
  // The small form variants (U+FE50..U+FE6B: "﹛﹛", "﹤script﹥").
  if (b0 == 0xEF && left >= 3 && at(1) == 0xB9 && at(2) >= 0x90 && at(2) <= 0xAB) {
    static constexpr char kSmall[28] = {',', 0,   '.', 0,   ';', ':', '?', '!', 0,   '(',
                                        ')', '{', '}', 0,   0,   '#', '&', '*', '+', '-',
                                        '<', '>', '=', 0,   '\\', '$', '%', '@'};
    const char c = kSmall[at(2) - 0x90];
    if (c != 0) {
      *ascii = c;
      return 3;
    }
  }
  return 0;
}

// Length of the sequence a lenient decoder reads from lead byte `b0`, when
// it is one that no valid UTF-8 starts with (C0, C1, F8..FD) or one that
// starts overlong forms (E0, F0); else 0.
size_t LenientLength(unsigned char b0) {
  if (b0 == 0xC0 || b0 == 0xC1) return 2;
  if (b0 == 0xE0) return 3;
  if (b0 == 0xF0) return 4;
  if (b0 >= 0xF8 && b0 <= 0xFB) return 5;
  if (b0 == 0xFC || b0 == 0xFD) return 6;
  return 0;
}

// '.' or '/' as a lenient decoder reads the sequence at in[i] (its length),
// or 0 when it reads something else. The bytes between the lead and the last
// must be continuation bytes; the last one may be any byte.
size_t LenientSeparatorAt(std::string_view in, size_t i, char* ascii) {
  const size_t n = LenientLength(static_cast<unsigned char>(in[i]));
  if (n == 0 || in.size() - i < n) return 0;
  // E0 and F0 start valid sequences too (E0 A0..BF, F0 90..BF).
  const auto second = static_cast<unsigned char>(in[i + 1]);
  if (n > 2 && in[i] == '\xE0' && second >= 0xA0 && second <= 0xBF) return 0;
  if (n > 2 && in[i] == '\xF0' && second >= 0x90 && second <= 0xBF) return 0;
  for (size_t k = 1; k + 1 < n; ++k) {
    if (!IsCont(static_cast<unsigned char>(in[i + k]))) return 0;
  }
  const char c = static_cast<char>(static_cast<unsigned char>(in[i + n - 1]) & 0x3F);
  if (c != '.' && c != '/') return 0;
  *ascii = c;
  return n;
}

}  // namespace

bool HasCompatibilityAlnum(std::string_view in) {
  char ascii = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (static_cast<unsigned char>(in[i]) >= 0xC5 && CompatibilityAlnumAt(in, i, &ascii) != 0) {
      return true;
    }
  }
  return false;
}

bool IsLenientUtf8Lead(unsigned char b) { return LenientLength(b) != 0; }

bool LenientUtf8Separators(std::string_view in, std::string* out) {
  std::string result;
  bool changed = false;
  char ascii = 0;
  for (size_t i = 0; i < in.size();) {
    const auto b = static_cast<unsigned char>(in[i]);
    size_t n = 0;
    if (b >= 0xC0) {
      n = LenientSeparatorAt(in, i, &ascii);
      if (n == 0) n = FoldAt(in, i, &ascii);
    }
    if (n == 0) {
      if (changed) result.push_back(in[i]);
      ++i;
      continue;
    }
    if (!changed) {
      result.reserve(in.size());
      result.append(in.substr(0, i));
      changed = true;
    }
    result.push_back(ascii);
    i += n;
  }
  if (!changed) return false;
  *out = std::move(result);
  return true;
}

bool FoldUnicode(std::string_view in, std::string* out) {
  size_t first = in.size();
  char ascii = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b >= 0xC0 && FoldAt(in, i, &ascii) != 0) {
      first = i;
      break;
    }
  }
  if (first == in.size()) return false;
  std::string result;
  result.reserve(in.size());
  result.append(in.substr(0, first));
  for (size_t i = first; i < in.size();) {
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b >= 0xC0) {
      size_t n = FoldAt(in, i, &ascii);
      if (n != 0) {
        result.push_back(ascii);
        i += n;
        continue;
      }
    }
    result.push_back(in[i]);
    ++i;
  }
  *out = std::move(result);
  return true;
}

}  // namespace fnguard::normalize
