#include "runtime/event/json_lift.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

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

namespace {

// One pass over an event's members, lifting the payload strings
// (LiftEventStrings()). Each Read*() takes the index of a value's first byte
// and returns the index just past it, or npos to give up.
class Lifter {
 public:
  Lifter(std::string_view json, size_t min_bytes, std::string* buffer,
         std::vector<LiftedString>* lifted)
      : json_(json), min_bytes_(min_bytes), buffer_(buffer), lifted_(lifted) {}

  // The whole document: one object and nothing after it.
  bool ReadDocument() {
    bool body = false, records = false;
    size_t i = SkipSpaces(json_, 0);
    if (i >= json_.size() || json_[i] != '{') return false;
    i = ReadObject(i, [&](std::string_view name, size_t v) {
      if (name == "body")
        return Once(&body) ? ReadPayload(v, LiftedString::kTopLevel, false) : kNpos;
      if (name == "Records") return Once(&records) ? ReadRecords(v) : kNpos;
      return SkipValue(json_, v);
    });
    return i != kNpos && SkipSpaces(json_, i) == json_.size();
  }

 private:
  static bool Once(bool* seen) { return !std::exchange(*seen, true); }

  // The array or object at `i` (its opening bracket), up to its `close`:
  // each item (a member or an element) handed to `item(start, index)`, which
  // returns the index past it.
  template <typename Item>
  size_t ReadItems(size_t i, char close, Item&& item) {
    i = SkipSpaces(json_, i + 1);
    if (i < json_.size() && json_[i] == close) return i + 1;
    for (size_t index = 0;; ++index) {
      i = item(i, index);
      if (i == kNpos) return kNpos;
      i = SkipSpaces(json_, i);
      if (i >= json_.size()) return kNpos;
      if (json_[i] == close) return i + 1;
      if (json_[i] != ',') return kNpos;
      i = SkipSpaces(json_, i + 1);
    }
  }

  // The object at `i` ('{'), each member handed to `member(name, value)`,
  // which returns the index past the value. A name written with an escape
  // could be any name to the parser: npos.
  template <typename Member>
  size_t ReadObject(size_t i, Member&& member) {
    return ReadItems(i, '}', [&](size_t at, size_t) {
      if (at >= json_.size() || json_[at] != '"') return kNpos;
      const size_t name_end = StringEnd(json_, at + 1);
      if (name_end == kNpos) return kNpos;
      const std::string_view name = json_.substr(at + 1, name_end - at - 1);
      if (name.find('\\') != std::string_view::npos) return kNpos;
      at = SkipSpaces(json_, name_end + 1);
      if (at >= json_.size() || json_[at] != ':') return kNpos;
      return member(name, SkipSpaces(json_, at + 1));
    });
  }

  // The "Records" array: each object element is a record whose "body" and
  // "Sns"."Message" are read. Any other value is skipped.
  size_t ReadRecords(size_t i) {
    if (i >= json_.size() || json_[i] != '[') return SkipValue(json_, i);
    return ReadItems(i, ']', [&](size_t at, size_t index) {
      if (at >= json_.size() || json_[at] != '{') return SkipValue(json_, at);
      bool body = false, sns = false;
      return ReadObject(at, [&](std::string_view name, size_t v) {
        if (name == "body") return Once(&body) ? ReadPayload(v, index, false) : kNpos;
        if (name == "Sns") return Once(&sns) ? ReadSns(v, index) : kNpos;
        return SkipValue(json_, v);
      });
    });
  }

  size_t ReadSns(size_t i, size_t index) {
    if (i >= json_.size() || json_[i] != '{') return SkipValue(json_, i);
    bool message = false;
    return ReadObject(i, [&](std::string_view name, size_t v) {
      if (name == "Message") return Once(&message) ? ReadPayload(v, index, true) : kNpos;
      return SkipValue(json_, v);
    });
  }

  // A payload member's value: a string of min_bytes or more as written is
  // unescaped into the buffer and lifted; any other value is skipped. A
  // string that is not valid: npos.
  size_t ReadPayload(size_t i, size_t record, bool sns_message) {
    if (i >= json_.size() || json_[i] != '"') return SkipValue(json_, i);
    // Every value fits where the document would: unescaping never grows it.
    if (buffer_->size() < json_.size() + 32) buffer_->resize(json_.size() + 32);
    const std::string_view content = json_.substr(i + 1);
    size_t consumed = 0;
    const size_t written = UnescapeJsonString(content, buffer_->data() + used_, &consumed);
    if (written == kNpos || !simdjson::validate_utf8(content.data(), consumed)) return kNpos;
    if (consumed >= min_bytes_) {
      lifted_->push_back(LiftedString{record, sns_message, i, consumed, used_, written});
      used_ += written;
    }
    return i + 2 + consumed;
  }

  const std::string_view json_;
  const size_t min_bytes_;
  std::string* const buffer_;
  std::vector<LiftedString>* const lifted_;
  size_t used_ = 0;
};

}  // namespace

size_t LiftEventStrings(std::string_view json, size_t min_bytes, std::string* buffer,
                        std::vector<LiftedString>* lifted, std::string* rest) {
  lifted->clear();
  Lifter lifter(json, min_bytes, buffer, lifted);
  if (!lifter.ReadDocument() || lifted->empty()) {
    lifted->clear();
    return 0;
  }
  rest->clear();
  size_t from = 0;
  for (const LiftedString& l : *lifted) {
    rest->append(json.substr(from, l.quote_at + 1 - from));
    from = l.quote_at + 1 + l.written;
  }
  rest->append(json.substr(from));
  return lifted->size();
}

}  // namespace fnguard::event
