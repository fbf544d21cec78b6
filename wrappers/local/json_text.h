// Small JSON checks for the local harness's machine-readable output.
#ifndef FNGUARD_WRAPPERS_LOCAL_JSON_TEXT_H_
#define FNGUARD_WRAPPERS_LOCAL_JSON_TEXT_H_

#include <string>
#include <string_view>

namespace fnguard::local {

// Whether `text` is one complete, valid JSON document.
bool IsJsonDocument(std::string_view text, std::string* error = nullptr);

// `text` as a JSON value on one line: the document itself (minified) when it
// is valid JSON, else `text` as a JSON string.
std::string JsonValueOrString(std::string_view text);

}  // namespace fnguard::local

#endif  // FNGUARD_WRAPPERS_LOCAL_JSON_TEXT_H_
