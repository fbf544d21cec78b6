// The generic normalization chain (runtime/normalize/normalize.cc) on
// arbitrary bytes: no crash, no out-of-bounds, bounded growth, and the
// variant that is told which bytes are present gives the same result.
// Each transform has its own fuzzer (url_decode, html_entity, js_unescape,
// unicode_fold, fold_path, text_transforms).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace n = fnguard::normalize;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  n::Normalizer normalizer;
  const std::string norm(normalizer.Normalize(in));
  if (norm.size() > in.size() * 4 + 16) std::abort();
  n::Presence present;
  for (unsigned char c : in) {
    present.percent |= c == '%';
    present.amp |= c == '&';
    present.backslash |= c == '\\';
    present.non_ascii |= c >= 0x80;
    present.control |= c < 0x20 || c == 0x7f;
  }
  n::Normalizer other;
  if (other.Normalize(in, present) != norm) std::abort();
  return 0;
}
