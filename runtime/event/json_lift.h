// Lifting one large string out of a JSON event before it is parsed.
//
// An HTTP event carries its body as one JSON string, and a JSON body inside
// it has every quote escaped (`\"`): a 1 MiB body of records holds about
// 170,000 escapes. simdjson's DOM parser unescapes one escape at a time, and
// on such an event that costs more than parsing the body itself.
// LiftTopLevelString() reads the top-level members of an object, unescapes
// the value of one of them sixteen bytes at a time (several escapes per
// block), and hands back the rest of the document with that value replaced
// by "", for the DOM parser. The rest parses exactly when the document does
// (the lifted value is checked as the parser checks a string: escapes,
// control characters, surrogate pairs, UTF-8).
#ifndef FNGUARD_RUNTIME_EVENT_JSON_LIFT_H_
#define FNGUARD_RUNTIME_EVENT_JSON_LIFT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace fnguard::event {

// The JSON string content at `text` (just after its opening quote),
// unescaped into `out`, which must have room for text.size() + 32 bytes.
// Returns the bytes written and sets `*consumed` to the content's length
// (text[*consumed] is the closing quote); returns npos when the content is
// not a valid JSON string (a bad escape, a lone surrogate, a control
// character, no closing quote). UTF-8 is not checked here.
size_t UnescapeJsonString(std::string_view text, char* out, size_t* consumed);

// When `json` is an object with exactly one top-level member named `key`
// (written without escapes) whose value is a valid string of at least
// `min_bytes` bytes as written, sets `*value` to that string unescaped and
// `*rest` to `json` with the value written as "", and returns true.
// Otherwise (no such member, two of them, another kind of value, a shorter
// string, a member name with an escape, a document that is not an object or
// does not end where an object ends) returns false and the caller parses
// `json` whole. Runs in time linear in `json`.
bool LiftTopLevelString(std::string_view json, std::string_view key, size_t min_bytes,
                        std::string* value, std::string* rest);

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_JSON_LIFT_H_
