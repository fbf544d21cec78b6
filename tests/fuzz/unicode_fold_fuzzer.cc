// Overlong UTF-8 and full-width folding on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"
#include "tests/fuzz/normalize_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fnguard::normalize::fuzz::CheckTransform(fnguard::normalize::FoldUnicode, data, size);
  return 0;
}
