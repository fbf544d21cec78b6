// JSON's grammar admits any \uXXXX escape, so a lone UTF-16 surrogate
// ("\ud83d" from a string cut inside an emoji) is valid JSON text that
// JavaScript's JSON.parse and Python's json accept. simdjson rejects it with
// STRING_ERROR, which would leave a whole event or body unread. The decoder
// retries such documents with every lone surrogate escape written as U+FFFD,
// the character an encoder puts in its place.
#ifndef FNGUARD_RUNTIME_EVENT_JSON_SURROGATES_H_
#define FNGUARD_RUNTIME_EVENT_JSON_SURROGATES_H_

#include <string>
#include <string_view>

namespace fnguard::event {

// Copies `json` into `*out` with the four hex digits of every lone surrogate
// escape (a \uD800..\uDBFF not followed by an escaped low surrogate, or a
// \uDC00..\uDFFF not preceded by a high one) replaced by "fffd": the same
// length, so offsets and structure are kept. Escaped pairs, escaped
// backslashes and every other byte are left as they are. Returns true when
// an escape was replaced. Linear time.
bool ReplaceLoneSurrogates(std::string_view json, std::string* out);

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_JSON_SURROGATES_H_
