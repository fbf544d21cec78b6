// JavaScript/JSON string escapes.
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"
#include "runtime/normalize/text_codec.h"

namespace fnguard::normalize {
namespace {

// Parses exactly `n` hex digits at in[i]; -1 when they are not all hex.
int64_t FixedHex(std::string_view in, size_t i, size_t n) {
  if (i + n > in.size()) return -1;
  int64_t v = 0;
  for (size_t k = 0; k < n; ++k) {
    int d = HexValue(in[i + k]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// Decodes the numeric escape (\uXXXX, \u{X..}, \xXX) at in[i] == '\\'.
// Returns bytes consumed, 0 when there is none.
size_t NumericEscapeAt(std::string_view in, size_t i, uint32_t* cp) {
  if (i + 1 >= in.size()) return 0;
  char k = in[i + 1];
  if (k == 'x') {
    int64_t v = FixedHex(in, i + 2, 2);
    if (v < 0) return 0;
    *cp = static_cast<uint32_t>(v);
    return 4;
  }
  if (k != 'u') return 0;
  if (i + 2 < in.size() && in[i + 2] == '{') {
    size_t j = i + 3;
    uint32_t v = 0;
    while (j < in.size() && j - (i + 3) < 8 && HexValue(in[j]) >= 0) {
      v = v * 16 + static_cast<uint32_t>(HexValue(in[j]));
      ++j;
    }
    if (j == i + 3 || j >= in.size() || in[j] != '}') return 0;
    *cp = v;
    return j + 1 - i;
  }
  int64_t v = FixedHex(in, i + 2, 4);
  if (v < 0) return 0;
  uint32_t u = static_cast<uint32_t>(v);
  // A surrogate pair written as two escapes.
  if (u >= 0xD800 && u <= 0xDBFF && i + 7 < in.size() && in[i + 6] == '\\' &&
      in[i + 7] == 'u') {
    int64_t lo = FixedHex(in, i + 8, 4);
    if (lo >= 0xDC00 && lo <= 0xDFFF) {
      *cp = 0x10000 + ((u - 0xD800) << 10) + (static_cast<uint32_t>(lo) - 0xDC00);
      return 12;
    }
  }
  *cp = u;
  return 6;
}

// A legacy octal escape of three digits with a leading zero for a space,
// a digit or punctuation ("\074" '<', "\075" '=', "\050" '('): 4 bytes
// consumed, 0 when there is none. Letters (\101 and up) and control bytes
// are left as written, which keeps Windows paths with numbered directories
// ("C:\2024\") and NUL escapes as they are.
size_t PunctuationOctalAt(std::string_view in, size_t i, uint32_t* cp) {
  if (i + 3 >= in.size() || in[i + 1] != '0') return 0;
  const char a = in[i + 2], b = in[i + 3];
  if (a < '4' || a > '7' || b < '0' || b > '7') return 0;
  *cp = static_cast<uint32_t>((a - '0') * 8 + (b - '0'));
  return 4;
}

// Decodes any escape at in[i] == '\\' (numeric, octal, simple). Returns bytes
// consumed (0: leave the backslash as is).
size_t AnyEscapeAt(std::string_view in, size_t i, uint32_t* cp) {
  size_t n = NumericEscapeAt(in, i, cp);
  if (n != 0) return n;
  if (i + 1 >= in.size()) return 0;
  char k = in[i + 1];
  if (k >= '0' && k <= '7') {
    uint32_t v = 0;
    size_t j = i + 1;
    while (j < in.size() && j - (i + 1) < 3 && in[j] >= '0' && in[j] <= '7' &&
           v * 8 + static_cast<uint32_t>(in[j] - '0') <= 0377) {
      v = v * 8 + static_cast<uint32_t>(in[j] - '0');
      ++j;
    }
    *cp = v;
    return j - i;
  }
  switch (k) {
    case 'n': *cp = '\n'; return 2;
    case 't': *cp = '\t'; return 2;
    case 'r': *cp = '\r'; return 2;
    case 'b': *cp = '\b'; return 2;
    case 'f': *cp = '\f'; return 2;
    case 'v': *cp = '\v'; return 2;
    case '\'': case '"': case '\\': case '/': case '`':
      *cp = static_cast<uint32_t>(k);
      return 2;
    default:
      return 0;
  }
}

// In numeric-only mode an escaped backslash is kept as written but still
// read as one unit, so the text "\\u0041" (a backslash, then "u0041") does
// not turn into "\A".
bool Unescape(std::string_view in, std::string* out, bool numeric_only) {
  // Bytes consumed by the escape at in[i] == '\\' (0: none); *decoded says
  // whether `cp` holds its value or the bytes stay as written.
  auto escape_at = [&](size_t i, uint32_t* cp, bool* decoded) -> size_t {
    *decoded = true;
    if (!numeric_only) return AnyEscapeAt(in, i, cp);
    if (i + 1 < in.size() && in[i + 1] == '\\') {
      *decoded = false;
      return 2;
    }
    if (const size_t n = NumericEscapeAt(in, i, cp); n != 0) return n;
    return PunctuationOctalAt(in, i, cp);
  };
  uint32_t cp = 0;
  bool decoded = false;
  size_t first = in.size();
  for (size_t i = in.find('\\'); i != std::string_view::npos; i = in.find('\\', i + 1)) {
    const size_t n = escape_at(i, &cp, &decoded);
    if (n != 0 && decoded) {
      first = i;
      break;
    }
    if (n != 0) ++i;  // skip the escaped backslash
  }
  if (first == in.size()) return false;
  std::string result;
  result.reserve(in.size());
  result.append(in.substr(0, first));
  for (size_t i = first; i < in.size();) {
    if (in[i] == '\\') {
      size_t n = escape_at(i, &cp, &decoded);
      if (n != 0) {
        if (decoded) {
          AppendUtf8(cp, &result);
        } else {
          result.append(in.substr(i, n));
        }
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

}  // namespace

bool JsUnescape(std::string_view in, std::string* out) { return Unescape(in, out, false); }

bool JsUnescapeNumeric(std::string_view in, std::string* out) {
  return Unescape(in, out, true);
}

}  // namespace fnguard::normalize
