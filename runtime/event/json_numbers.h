// simdjson's DOM parser rejects numbers it cannot represent (integers beyond
// 64 bits, doubles beyond ±1.8e308) with NUMBER_ERROR / BIGINT_ERROR, which
// would make a whole event undecodable. Numbers are never fields, so the
// decoder retries such documents with every number replaced by `0`.
#ifndef FNGUARD_RUNTIME_EVENT_JSON_NUMBERS_H_
#define FNGUARD_RUNTIME_EVENT_JSON_NUMBERS_H_

#include <string>
#include <string_view>

namespace fnguard::event {

// Copies `json` into `*out` with every well-formed JSON number token outside
// strings replaced by "0" followed by spaces (same length, so offsets and
// structure are preserved). Malformed number tokens are left as they are, so
// the document stays invalid if it was. Returns true when a number was
// replaced. Linear time.
bool BlankOutNumbers(std::string_view json, std::string* out);

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_JSON_NUMBERS_H_
