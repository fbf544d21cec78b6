// Fuzzes the lifting of payload strings out of a JSON event
// (runtime/event/json_lift): the unescaper writes only within its output
// room and reads a string exactly as the parser reads it, and a lifted
// document whose rest parses parses whole, with the same strings where they
// were lifted from.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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

  static std::string buffer;
  std::string rest;
  std::vector<fnguard::event::LiftedString> lifted;
  if (fnguard::event::LiftEventStrings(in, 0, &buffer, &lifted, &rest) == 0) return 0;
  size_t total = 0;
  for (const fnguard::event::LiftedString& l : lifted) total += l.length;
  if (rest.size() > size || total > size || buffer.size() < size) std::abort();
  simdjson::dom::element root;
  if (parser.parse(rest).get(root) != simdjson::SUCCESS) return 0;
  if (parser.parse(in.data(), in.size()).get(root) != simdjson::SUCCESS) std::abort();
  for (const fnguard::event::LiftedString& l : lifted) {
    simdjson::dom::element e;
    simdjson::error_code err;
    if (l.record == fnguard::event::LiftedString::kTopLevel) {
      err = root["body"].get(e);
    } else {
      simdjson::dom::element record;
      err = root["Records"].at(l.record).get(record);
      if (err == simdjson::SUCCESS) {
        err = (l.sns_message ? record["Sns"]["Message"] : record["body"]).get(e);
      }
    }
    std::string_view s;
    if (err != simdjson::SUCCESS || e.get_string().get(s) != simdjson::SUCCESS ||
        s != std::string_view(buffer.data() + l.offset, l.length)) {
      std::abort();
    }
  }
  return 0;
}
