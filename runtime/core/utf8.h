// UTF-8 well-formedness, one sequence at a time (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF). Allocation-free, so the
// sandbox can use it in a forked child. Internal; not part of the public API.
#ifndef FNGUARD_RUNTIME_CORE_UTF8_H_
#define FNGUARD_RUNTIME_CORE_UTF8_H_

#include <cstddef>
#include <string_view>

namespace fnguard::core {

// The length of the well-formed UTF-8 sequence at s[i] (1 for an ASCII
// byte), 0 if there is none. `i` must be less than s.size().
inline size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char lead = b(0);
  if (lead < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) lo = 0xA0;  // overlong below
    if (lead == 0xED) hi = 0x9F;  // surrogates above
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) lo = 0x90;  // overlong below
    if (lead == 0xF4) hi = 0x8F;  // past U+10FFFF above
  } else {
    return 0;
  }
  if (s.size() - i < n || b(1) < lo || b(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (b(k) < 0x80 || b(k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace fnguard::core

#endif  // FNGUARD_RUNTIME_CORE_UTF8_H_
