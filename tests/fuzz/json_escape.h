// Writes bytes as the inside of a JSON string for the fuzzers that build
// events around their input.
#ifndef FNGUARD_TESTS_FUZZ_JSON_ESCAPE_H_
#define FNGUARD_TESTS_FUZZ_JSON_ESCAPE_H_

#include <string>
#include <string_view>

namespace fnguard::fuzz {

inline void AppendJsonEscaped(std::string_view in, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char c : in) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x80) {
      // Bytes >= 0x80 become U+0080..U+00FF so that the event stays UTF-8.
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
}

}  // namespace fnguard::fuzz

#endif  // FNGUARD_TESTS_FUZZ_JSON_ESCAPE_H_
