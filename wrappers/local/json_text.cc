#include "wrappers/local/json_text.h"

#include <simdjson.h>

#include "runtime/core/json.h"

namespace fnguard::local {

bool IsJsonDocument(std::string_view text, std::string* error) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element doc;
  simdjson::error_code code = parser.parse(padded).get(doc);
  if (code != simdjson::SUCCESS) {
    if (error != nullptr) *error = simdjson::error_message(code);
    return false;
  }
  return true;
}

std::string JsonValueOrString(std::string_view text) {
  if (!IsJsonDocument(text)) return json::Quote(text);
  std::string out(text.size(), '\0');
  size_t out_len = 0;
  if (simdjson::minify(text.data(), text.size(), out.data(), out_len) != simdjson::SUCCESS) {
    return json::Quote(text);
  }
  out.resize(out_len);
  return out;
}

}  // namespace fnguard::local
