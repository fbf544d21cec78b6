// Fuzzes the lenient-JSON rewriter (runtime/event/relaxed_json): never crash,
// never write more than RelaxedJsonMaxOutput(), leave strict JSON exactly as
// it is, and hand the parser only text it can read or reject.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/event/relaxed_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static simdjson::dom::parser parser;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out;
  if (!fnguard::event::RelaxedJsonToStrict(in, &out)) return 0;
  if (out.size() > fnguard::event::RelaxedJsonMaxOutput(in.size())) std::abort();
  simdjson::dom::element root;
  if (!in.starts_with("\xEF\xBB\xBF") &&
      parser.parse(in.data(), in.size()).get(root) == simdjson::SUCCESS && out != in) {
    std::abort();  // strict JSON must come out as it went in
  }
  (void)parser.parse(out.data(), out.size()).get(root);
  return 0;
}
