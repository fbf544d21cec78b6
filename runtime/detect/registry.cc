#include "runtime/detect/detector.h"

#include <array>
#include <cstdint>

namespace fnguard::detect {

namespace {

// The bit each ASCII byte sets in CharMask::Of()'s two accumulators (bytes
// 0..63 and 64..127); non-ASCII bytes set none.
struct MaskBits {
  std::array<uint64_t, 256> lo{};
  std::array<uint64_t, 256> hi{};
};
constexpr MaskBits MakeMaskBits() {
  MaskBits b;
  for (int c = 0; c < 64; ++c) b.lo[c] = uint64_t{1} << c;
  for (int c = 64; c < 128; ++c) b.hi[c] = uint64_t{1} << (c - 64);
  return b;
}
constexpr MaskBits kMaskBits = MakeMaskBits();

}  // namespace

CharMask CharMask::Of(std::string_view s) {
  // Two table lookups and ORs per byte, no branches; `na` collects the top
  // bits of non-ASCII bytes. The mask's fields are read off at the end.
  uint64_t lo = 0, hi = 0;
  unsigned na = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0; i < s.size(); ++i) {
    lo |= kMaskBits.lo[p[i]];
    hi |= kMaskBits.hi[p[i]];
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
