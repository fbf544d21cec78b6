// Control-byte removal, whitespace collapsing, SQL comment removal and
// lower-casing on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"
#include "tests/fuzz/normalize_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace f = fnguard::normalize::fuzz;
  namespace n = fnguard::normalize;
  f::CheckTransform(n::RemoveControl, data, size);
  f::CheckTransform(n::CollapseWhitespace, data, size);
  f::CheckTransform(n::RemoveSqlComments, data, size);
  f::CheckTransform(n::Lowercase, data, size);
  return 0;
}
