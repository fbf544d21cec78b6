#include "runtime/detect/detector.h"

#include <array>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fnguard::detect {

namespace {

// The bits each ASCII byte sets in CharMask::Of()'s two accumulators (bytes
// 0..63 in `lo`, 64..127 in `hi`), side by side so that one 16-byte load
// fetches both; non-ASCII bytes set none.
struct alignas(16) MaskBits {
  uint64_t lo = 0;
  uint64_t hi = 0;
};
constexpr std::array<MaskBits, 256> MakeMaskBits() {
  std::array<MaskBits, 256> b{};
  for (int c = 0; c < 64; ++c) b[c].lo = uint64_t{1} << c;
  for (int c = 64; c < 128; ++c) b[c].hi = uint64_t{1} << (c - 64);
  return b;
}
constexpr std::array<MaskBits, 256> kMaskBits = MakeMaskBits();

}  // namespace

CharMask CharMask::Of(std::string_view s) {
  // One table load and one OR per byte, no branches; `na` collects the top
  // bits of non-ASCII bytes. The mask's fields are read off at the end.
  uint64_t lo = 0, hi = 0;
  unsigned na = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
#if defined(__SSE2__)
  // Two accumulators: the ORs of consecutive bytes do not wait on each other.
  __m128i acc0 = _mm_setzero_si128();
  __m128i acc1 = _mm_setzero_si128();
  for (; i + 2 <= n; i += 2) {
    acc0 = _mm_or_si128(acc0, _mm_load_si128(reinterpret_cast<const __m128i*>(&kMaskBits[p[i]])));
    acc1 = _mm_or_si128(acc1,
                        _mm_load_si128(reinterpret_cast<const __m128i*>(&kMaskBits[p[i + 1]])));
    na |= p[i] | p[i + 1];
  }
  alignas(16) uint64_t both[2];
  _mm_store_si128(reinterpret_cast<__m128i*>(both), _mm_or_si128(acc0, acc1));
  lo = both[0];
  hi = both[1];
#endif
  for (; i < n; ++i) {
    lo |= kMaskBits[p[i]].lo;
    hi |= kMaskBits[p[i]].hi;
    na |= p[i];
  }
  CharMask m;
  m.bits = (lo >> 32) | (hi << 32);        // bytes 32..95
  m.high = (hi >> 32) & 0x7FFFFFFFu;       // bytes 96..126
  m.has_control = (lo & 0xFFFFFFFFu) != 0 || ((hi >> 63) & 1) != 0;  // < 32, 127
  m.has_non_ascii = (na & 0x80) != 0;
  return m;
}

const Detector& Get(DetectorId id) {
  switch (id) {
    case DetectorId::kSqli: return SqliDetector();
    case DetectorId::kXss: return XssDetector();
    case DetectorId::kCmdi: return CmdiDetector();
    case DetectorId::kPathTraversal: return PathTraversalDetector();
    case DetectorId::kRfi: return RfiDetector();
    case DetectorId::kSsti: return SstiDetector();
    case DetectorId::kNosqli: return NosqliDetector();
    case DetectorId::kLdapi: return LdapiDetector();
    case DetectorId::kXxe: return XxeDetector();
    case DetectorId::kSsrf: return SsrfDetector();
    case DetectorId::kJndi: return JndiDetector();
    case DetectorId::kDeserialization: return DeserializationDetector();
    case DetectorId::kPrototypePollution: return PrototypePollutionDetector();
    case DetectorId::kCrlf: return CrlfDetector();
    case DetectorId::kCount: break;
  }
  return SqliDetector();
}

}  // namespace fnguard::detect
