// Every normalization transform and the chain on arbitrary bytes: no crash,
// no out-of-bounds, and the "unchanged" contract holds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"

namespace {

using Transform = bool (*)(std::string_view, std::string*);

bool UrlDecodePlus(std::string_view in, std::string* out) {
  return fnguard::normalize::UrlDecode(in, out, true);
}
bool UrlDecodeOnce(std::string_view in, std::string* out) {
  return fnguard::normalize::UrlDecode(in, out);
}
bool UrlDecodeRepeatedDefault(std::string_view in, std::string* out) {
  return fnguard::normalize::UrlDecodeRepeated(in, out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace n = fnguard::normalize;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static constexpr Transform kTransforms[] = {
      UrlDecodeOnce,      UrlDecodePlus,     UrlDecodeRepeatedDefault, n::HtmlEntityDecode,
      n::JsUnescape,      n::JsUnescapeNumeric, n::FoldUnicode,        n::RemoveControl,
      n::CollapseWhitespace, n::RemoveSqlComments, n::Lowercase,       n::FoldPath,
  };
  for (Transform t : kTransforms) {
    std::string out = "untouched";
    if (t(in, &out)) {
      // A transform that reports a change must produce something different.
      if (out == in) std::abort();
    } else if (out != "untouched") {
      std::abort();
    }
  }
  n::Normalizer normalizer;
  std::string_view norm = normalizer.Normalize(in);
  if (norm.size() > in.size() * 4 + 16) std::abort();
  return 0;
}
