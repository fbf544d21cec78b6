#include "runtime/detect/detector.h"

#include <array>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FNGUARD_CHARMASK_AVX2 1
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

#if defined(FNGUARD_CHARMASK_AVX2)
// Values at least this long take the AVX2 path: below it, the table loop is
// cheaper than the path's final reductions.
constexpr size_t kAvx2MinBytes = 64;

// (False until this file's initializers run, so a mask taken before then
// comes from the table loop.)
const bool kHasAvx2 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}();

// The OR of a vector's 32 bytes.
[[gnu::target("avx2")]] inline uint64_t OrOfBytes(__m256i x) {
  __m128i y = _mm_or_si128(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
  y = _mm_or_si128(y, _mm_srli_si128(y, 8));
  y = _mm_or_si128(y, _mm_srli_si128(y, 4));
  y = _mm_or_si128(y, _mm_srli_si128(y, 2));
  y = _mm_or_si128(y, _mm_srli_si128(y, 1));
  return static_cast<uint64_t>(_mm_cvtsi128_si32(y) & 0xFF);
}

// The same presence bits as the table loop, 32 bytes per step, for the
// first `n - n % 32` bytes of `p`; returns how many bytes it read. A byte c
// is a row (c >> 4) and a column (c & 15) of the 128-bit map. One shuffle
// turns each byte's column into a bit (columns 0..7 in `col_lo`, 8..15 in
// `col_hi`), and each printable row (2..7) keeps the bits of its own bytes
// in two accumulators; rows 0 and 1, the control bytes, only need to be
// seen, and the sign bits tell non-ASCII bytes. About 1.3 instructions per
// byte against 4 for the table loop.
[[gnu::target("avx2")]] size_t PresenceAvx2(const unsigned char* p, size_t n, uint64_t* lo,
                                             uint64_t* hi, unsigned* na) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i col_lo_bits = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0,
                                               1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i col_hi_bits = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, -128,
                                               0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, -128);
  const __m256i top3 = _mm256_set1_epi8(static_cast<char>(0xE0));
  const __m256i zero = _mm256_setzero_si256();
  __m256i row_lo[6], row_hi[6];
  for (int r = 0; r < 6; ++r) row_lo[r] = row_hi[r] = zero;
  __m256i control = zero, any = zero;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i col = _mm256_and_si256(v, nibble);
    const __m256i row = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
    const __m256i bit_lo = _mm256_shuffle_epi8(col_lo_bits, col);
    const __m256i bit_hi = _mm256_shuffle_epi8(col_hi_bits, col);
    for (int r = 0; r < 6; ++r) {
      const __m256i in_row = _mm256_cmpeq_epi8(row, _mm256_set1_epi8(static_cast<char>(r + 2)));
      row_lo[r] = _mm256_or_si256(row_lo[r], _mm256_and_si256(in_row, bit_lo));
      row_hi[r] = _mm256_or_si256(row_hi[r], _mm256_and_si256(in_row, bit_hi));
    }
    control = _mm256_or_si256(control, _mm256_cmpeq_epi8(_mm256_and_si256(v, top3), zero));
    any = _mm256_or_si256(any, v);
  }
  uint64_t map[2] = {0, 0};  // bytes 0..63, 64..127
  for (int r = 0; r < 6; ++r) {
    const int row = r + 2;
    const uint64_t bits = OrOfBytes(row_lo[r]) | (OrOfBytes(row_hi[r]) << 8);
    map[row / 4] |= bits << (16 * (row % 4));
  }
  if (_mm256_movemask_epi8(control) != 0) map[0] |= 1;  // any control byte stands for all
  if (_mm256_movemask_epi8(any) != 0) *na |= 0x80;
  *lo |= map[0];
  *hi |= map[1];
  return i;
}
#endif

}  // namespace

CharMask CharMask::Of(std::string_view s) {
  // One table load and one OR per byte, no branches; `na` collects the top
  // bits of non-ASCII bytes. The mask's fields are read off at the end.
  uint64_t lo = 0, hi = 0;
  unsigned na = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
#if defined(FNGUARD_CHARMASK_AVX2)
  if (n >= kAvx2MinBytes && kHasAvx2) i = PresenceAvx2(p, n, &lo, &hi, &na);
#endif
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
  lo |= both[0];
  hi |= both[1];
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
