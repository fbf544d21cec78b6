// URL decoding (one pass, with '+', repeated) on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"
#include "tests/fuzz/normalize_fuzz_common.h"

namespace {

bool UrlDecodeOnce(std::string_view in, std::string* out) {
  return fnguard::normalize::UrlDecode(in, out);
}
bool UrlDecodePlus(std::string_view in, std::string* out) {
  return fnguard::normalize::UrlDecode(in, out, true);
}
bool UrlDecodeRepeatedDefault(std::string_view in, std::string* out) {
  return fnguard::normalize::UrlDecodeRepeated(in, out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace f = fnguard::normalize::fuzz;
  f::CheckTransform(UrlDecodeOnce, data, size);
  f::CheckTransform(UrlDecodePlus, data, size);
  f::CheckTransform(UrlDecodeRepeatedDefault, data, size);
  return 0;
}
