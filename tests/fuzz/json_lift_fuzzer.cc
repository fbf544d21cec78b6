// Fuzzes the lifting of a top-level string out of a JSON event
// (runtime/event/json_lift): the unescaper writes only within its output
// room and reads a string exactly as the parser reads it, and a lifted
// document whose rest parses parses whole, with the same string.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/event/json_lift.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static simdjson::dom::parser parser;
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  // The unescaper, with exactly the room it asks for.
  std::unique_ptr<char[]> out(new char[size + 32]);
  size_t consumed = 0;
  const size_t n = fnguard::event::UnescapeJsonString(in, out.get(), &consumed);
  if (n != std::string_view::npos) {
    if (consumed >= size || in[consumed] != '"' || n > consumed) std::abort();
    const std::string doc = "\"" + std::string(in.substr(0, consumed)) + "\"";
    std::string_view s;
    const bool utf8 = simdjson::validate_utf8(in.data(), consumed);
    const bool parsed = parser.parse(doc).get_string().get(s) == simdjson::SUCCESS;
    if (parsed != utf8) std::abort();
    if (parsed && s != std::string_view(out.get(), n)) std::abort();
  }

  std::string value, rest;
  if (!fnguard::event::LiftTopLevelString(in, "body", 0, &value, &rest)) return 0;
  if (rest.size() + value.size() > size + 2 || rest.size() > size) std::abort();
  simdjson::dom::element root;
  if (parser.parse(rest).get(root) != simdjson::SUCCESS) return 0;
  std::string_view body;
  if (parser.parse(in.data(), in.size()).get(root) != simdjson::SUCCESS ||
      root["body"].get_string().get(body) != simdjson::SUCCESS || body != value) {
    std::abort();
  }
  return 0;
}
