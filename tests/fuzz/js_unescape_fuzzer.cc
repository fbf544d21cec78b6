// JavaScript/JSON escapes, all and numeric only, on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"
#include "tests/fuzz/normalize_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace f = fnguard::normalize::fuzz;
  f::CheckTransform(fnguard::normalize::JsUnescape, data, size);
  f::CheckTransform(fnguard::normalize::JsUnescapeNumeric, data, size);
  return 0;
}
