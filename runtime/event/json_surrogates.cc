#include "runtime/event/json_surrogates.h"

#include <cstdint>
#include <cstring>

namespace fnguard::event {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of the \uXXXX escape at `i` (a backslash), or -1.
int32_t EscapedUnit(std::string_view s, size_t i) {
  if (s.size() - i < 6 || s[i] != '\\' || s[i + 1] != 'u') return -1;
  int32_t v = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const int h = HexValue(s[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

bool IsHigh(int32_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool IsLow(int32_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

}  // namespace

bool ReplaceLoneSurrogates(std::string_view json, std::string* out) {
  out->assign(json.data(), json.size());
  bool replaced = false;
  const char* const base = out->data();
  size_t i = 0;
  while (i < out->size()) {
    const void* bs = std::memchr(base + i, '\\', out->size() - i);
    if (bs == nullptr) break;
    i = static_cast<size_t>(static_cast<const char*>(bs) - base);
    const int32_t unit = EscapedUnit(*out, i);
    if (unit < 0) {
      i += 2;  // any other escape, an escaped backslash included
      continue;
    }
    if (IsHigh(unit) && IsLow(EscapedUnit(*out, i + 6))) {
      i += 12;  // a pair
      continue;
    }
    if (IsHigh(unit) || IsLow(unit)) {
      std::memcpy(&(*out)[i + 2], "fffd", 4);
      replaced = true;
    }
    i += 6;
  }
  return replaced;
}

}  // namespace fnguard::event
