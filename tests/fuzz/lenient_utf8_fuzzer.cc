// Lenient reading of invalid UTF-8 as '.' and '/' on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"
#include "tests/fuzz/normalize_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fnguard::normalize::fuzz::CheckTransform(fnguard::normalize::LenientUtf8Separators, data, size);
  return 0;
}
