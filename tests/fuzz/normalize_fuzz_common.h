// Shared body of the normalization fuzzers: a transform on arbitrary bytes
// must not crash or read out of bounds, must keep the "unchanged" contract
// (false leaves the output untouched, true produces something different),
// and must not grow its input beyond what its encoding allows.
#ifndef FNGUARD_TESTS_FUZZ_NORMALIZE_FUZZ_COMMON_H_
#define FNGUARD_TESTS_FUZZ_NORMALIZE_FUZZ_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fnguard::normalize::fuzz {

using Transform = bool (*)(std::string_view, std::string*);

// The output may be at most this many times the input, plus 16 bytes
// (decoders shrink; a few replacements, such as one space for a comment or
// three UTF-8 bytes for one escape, may grow).
inline constexpr size_t kMaxGrowth = 4;

inline void CheckTransform(Transform t, const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out = "untouched";
  if (t(in, &out)) {
    if (out == in) std::abort();
    if (out.size() > in.size() * kMaxGrowth + 16) std::abort();
  } else if (out != "untouched") {
    std::abort();
  }
}

}  // namespace fnguard::normalize::fuzz

#endif  // FNGUARD_TESTS_FUZZ_NORMALIZE_FUZZ_COMMON_H_
