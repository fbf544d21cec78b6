// URL percent-decoding: %XX, %uXXXX (IIS-style, emitted as UTF-8), optional '+'.
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"
#include "runtime/normalize/text_codec.h"

namespace fnguard::normalize {
namespace {

// Length of the escape starting at in[i] ('%'), 0 when it is not a valid one.
// Sets `*cp` to the decoded byte (for %XX) or code point (for %uXXXX).
size_t EscapeAt(std::string_view in, size_t i, uint32_t* cp, bool* is_unicode) {
  if (i + 2 < in.size()) {
    int h = HexValue(in[i + 1]);
    int l = HexValue(in[i + 2]);
    if (h >= 0 && l >= 0) {
      *cp = static_cast<uint32_t>(h * 16 + l);
      *is_unicode = false;
      return 3;
    }
  }
  if (i + 5 < in.size() && (in[i + 1] == 'u' || in[i + 1] == 'U')) {
    uint32_t v = 0;
    for (size_t k = 2; k < 6; ++k) {
      int d = HexValue(in[i + k]);
      if (d < 0) return 0;
      v = v * 16 + static_cast<uint32_t>(d);
    }
    *cp = v;
    *is_unicode = true;
    return 6;
  }
  return 0;
}

}  // namespace

bool UrlDecode(std::string_view in, std::string* out, bool plus_as_space) {
  // Cheap check first: find the first position that would change.
  size_t first = in.size();
  if (plus_as_space) {
    for (size_t i = 0; i < in.size(); ++i) {
      char c = in[i];
      if (c == '+') {
        first = i;
        break;
      }
      if (c == '%') {
        uint32_t cp;
        bool uni;
        if (EscapeAt(in, i, &cp, &uni) != 0) {
          first = i;
          break;
        }
      }
    }
  } else {
    // Only a valid escape changes anything: jump from '%' to '%'.
    for (size_t i = in.find('%'); i != std::string_view::npos; i = in.find('%', i + 1)) {
      uint32_t cp;
      bool uni;
      if (EscapeAt(in, i, &cp, &uni) != 0) {
        first = i;
        break;
      }
    }
  }
  if (first == in.size()) return false;

  std::string result;
  result.reserve(in.size());
  result.append(in.substr(0, first));
  for (size_t i = first; i < in.size();) {
    char c = in[i];
    if (c == '+' && plus_as_space) {
      result.push_back(' ');
      ++i;
      continue;
    }
    if (c == '%') {
      uint32_t cp;
      bool uni;
      size_t n = EscapeAt(in, i, &cp, &uni);
      if (n != 0) {
        if (!uni) {
          result.push_back(static_cast<char>(cp));
          i += n;
          continue;
        }
        // Pair UTF-16 surrogates written as two %u escapes.
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo;
          bool uni2;
          size_t n2 = EscapeAt(in, i + n, &lo, &uni2);
          if (n2 != 0 && uni2 && lo >= 0xDC00 && lo <= 0xDFFF) {
            AppendUtf8(0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00), &result);
            i += n + n2;
            continue;
          }
        }
        AppendUtf8(cp, &result);
        i += n;
        continue;
      }
    }
    result.push_back(c);
    ++i;
  }
  *out = std::move(result);
  return true;
}

bool UrlDecodeRepeated(std::string_view in, std::string* out, int max_rounds) {
  std::string cur;
  std::string next;
  if (max_rounds <= 0 || !UrlDecode(in, &cur)) return false;
  for (int round = 1; round < max_rounds; ++round) {
    if (!UrlDecode(cur, &next)) break;
    cur.swap(next);
  }
  *out = std::move(cur);
  return true;
}

}  // namespace fnguard::normalize
