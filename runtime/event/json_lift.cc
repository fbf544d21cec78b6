#include "runtime/event/json_lift.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "runtime/event/text_codecs.h"

namespace fnguard::event {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// What each two-character escape stands for; 0 for the bytes that cannot
// follow a backslash (and for 'u', which is read apart).
constexpr std::array<char, 256> kEscapes = [] {
  std::array<char, 256> t{};
  t['"'] = '"';
  t['\\'] = '\\';
  t['/'] = '/';
  t['b'] = '\b';
  t['f'] = '\f';
  t['n'] = '\n';
  t['r'] = '\r';
  t['t'] = '\t';
  return t;
}();

// The four hex digits at `p` (which has at least four bytes), or -1.
int32_t Hex4(const char* p) {
  int32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = HexValue(p[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// One escape at `*s` (a backslash, before `end`), written at `*d`; both
// move past it. False when it is not a valid JSON escape. A high surrogate
// must be followed by an escaped low one, as the parser requires.
bool ReadEscape(const char** s, const char* end, char** d) {
  const char* p = *s;
  if (end - p < 2) return false;
  if (p[1] != 'u') {
    const char m = kEscapes[static_cast<unsigned char>(p[1])];
    if (m == 0) return false;
    *(*d)++ = m;
    *s = p + 2;
    return true;
  }
  if (end - p < 6) return false;
  int32_t cp = Hex4(p + 2);
  if (cp < 0) return false;
  p += 6;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return false;
    const int32_t low = Hex4(p + 2);
    if (low < 0xDC00 || low > 0xDFFF) return false;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    p += 6;
  }
  *d += EncodeUtf8(static_cast<uint32_t>(cp), *d);
  *s = p;
  return true;
}

// Whether the quote at `q` is escaped: preceded by an odd run of
// backslashes (within the string's content, which starts at `from`).
bool QuoteIsEscaped(const char* p, size_t from, size_t q) {
  size_t k = q;
  constexpr uint64_t kEightBackslashes = 0x5C5C5C5C5C5C5C5Cu;
  uint64_t word;
  while (k - from >= 8 && (std::memcpy(&word, p + k - 8, 8), word == kEightBackslashes)) k -= 8;
  while (k > from && p[k - 1] == '\\') --k;
  return ((q - k) & 1) != 0;
}

// The index of the quote that ends the string whose content starts at
// `from`, or npos. Only quotes are looked for (memchr), so a stretch of
// escapes without a quote costs what plain text does. (Each backslash is
// counted for the one quote its run precedes: linear.)
size_t StringEnd(std::string_view json, size_t from) {
  const char* p = json.data();
  const char* const end = p + json.size();
  for (const char* q = p + std::min(from, json.size()); q < end; ++q) {
    q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(end - q)));
    if (q == nullptr) break;
    if (!QuoteIsEscaped(p, from, static_cast<size_t>(q - p))) return static_cast<size_t>(q - p);
  }
  return kNpos;
}

size_t SkipSpaces(std::string_view json, size_t i) {
  while (i < json.size() && IsLinearWhiteSpace(json[i])) ++i;
  return i;
}

// The index just past the value that starts at `i`, or npos. Only the
// extent is found; the parser checks the value.
size_t SkipValue(std::string_view json, size_t i) {
  if (i >= json.size()) return kNpos;
  if (json[i] == '"') {
    const size_t end = StringEnd(json, i + 1);
    return end == kNpos ? kNpos : end + 1;
  }
  if (json[i] == '{' || json[i] == '[') {
    size_t depth = 0;
    while (i < json.size()) {
      const char c = json[i];
      if (c == '"') {
        const size_t end = StringEnd(json, i + 1);
        if (end == kNpos) return kNpos;
        i = end + 1;
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return kNpos;
  }
  // A number, true, false or null.
  while (i < json.size() && json[i] != ',' && json[i] != '}' && json[i] != ']' &&
         !IsLinearWhiteSpace(json[i])) {
    ++i;
  }
  return i;
}

}  // namespace

size_t UnescapeJsonString(std::string_view text, char* out, size_t* consumed) {
  const char* s = text.data();
  const char* const end = s + text.size();
  char* d = out;
#if defined(__SSE2__)
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i max_control = _mm_set1_epi8(0x1F);
  // Sixteen bytes at a time, copied whole; escapes in the block are then
  // written over the copy one by one, each followed by a copy of the
  // sixteen bytes after it (the reads stay within 32 bytes of the block).
  while (end - s >= 32) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d), v);
    const unsigned escapes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash)));
    unsigned stops =
        escapes | static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote))) |
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, max_control), v)));
    if (stops == 0) {
      s += 16;
      d += 16;
      continue;
    }
    // Escapes of two characters that start within the block's first 15
    // bytes; `removed` bytes of the block are gone from the output so far.
    unsigned k = 16;
    unsigned removed = 0;
    while (stops != 0) {
      k = static_cast<unsigned>(__builtin_ctz(stops));
      if (k >= 15 || (escapes & (1u << k)) == 0) break;
      const char m = kEscapes[static_cast<unsigned char>(s[k + 1])];
      if (m == 0) break;  // \u, or not an escape: read below
      d[k - removed] = m;
      ++removed;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + k + 2 - removed),
                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + k + 2)));
      stops &= ~(3u << k);  // the backslash and the byte it escapes
      k = 16;
    }
    d += k - removed;
    s += k;
    if (k == 16) continue;
    // At a quote, a control character, or an escape read one at a time.
    if (*s == '"') {
      *consumed = static_cast<size_t>(s - text.data());
      return static_cast<size_t>(d - out);
    }
    if (*s != '\\' || !ReadEscape(&s, end, &d)) return kNpos;
  }
#endif
  while (s < end) {
    const char c = *s;
    if (c == '"') {
      *consumed = static_cast<size_t>(s - text.data());
      return static_cast<size_t>(d - out);
    }
    if (c == '\\') {
      if (!ReadEscape(&s, end, &d)) return kNpos;
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) return kNpos;
    *d++ = c;
    ++s;
  }
  return kNpos;  // no closing quote
}

bool LiftTopLevelString(std::string_view json, std::string_view key, size_t min_bytes,
                        std::string* value, std::string* rest) {
  size_t i = SkipSpaces(json, 0);
  if (i >= json.size() || json[i] != '{') return false;
  i = SkipSpaces(json, i + 1);
  size_t open = kNpos;   // the value's opening quote
  size_t close = kNpos;  // and its closing one
  size_t written = 0;
  for (;;) {
    if (i >= json.size() || json[i] != '"') return false;
    const size_t name_end = StringEnd(json, i + 1);
    if (name_end == kNpos) return false;
    const std::string_view name = json.substr(i + 1, name_end - i - 1);
    if (name.find('\\') != std::string_view::npos) return false;  // the parser unescapes it
    const bool is_key = name == key;
    i = SkipSpaces(json, name_end + 1);
    if (i >= json.size() || json[i] != ':') return false;
    i = SkipSpaces(json, i + 1);
    if (is_key) {
      if (open != kNpos || i >= json.size() || json[i] != '"') return false;
      const std::string_view content = json.substr(i + 1);
      if (value->size() < content.size() + 32) value->resize(content.size() + 32);
      size_t consumed = 0;
      written = UnescapeJsonString(content, value->data(), &consumed);
      if (written == kNpos || !simdjson::validate_utf8(content.data(), consumed)) return false;
      open = i;
      close = i + 1 + consumed;
      i = close + 1;
    } else {
      i = SkipValue(json, i);
      if (i == kNpos) return false;
    }
    i = SkipSpaces(json, i);
    if (i >= json.size()) return false;
    if (json[i] == '}') break;
    if (json[i] != ',') return false;
    i = SkipSpaces(json, i + 1);
  }
  if (open == kNpos || close - open - 1 < min_bytes || SkipSpaces(json, i + 1) != json.size()) {
    return false;
  }
  rest->assign(json.substr(0, open + 1));
  rest->push_back('"');
  rest->append(json.substr(close + 1));
  value->resize(written);
  return true;
}

}  // namespace fnguard::event
