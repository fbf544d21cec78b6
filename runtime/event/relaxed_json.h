// JSON as the lenient parsers read it. Newtonsoft.Json (by default), Jackson
// with its ALLOW_* features, Gson in lenient mode and JSON5 accept documents
// that strict JSON parsers reject: comments, trailing commas, single-quoted
// strings, bare property names, a UTF-8 byte order mark, JSON5's string
// escapes and line continuations. A function behind one of them acts on
// such a body, so the decoder reads it as they do: RelaxedJsonToStrict()
// rewrites it token by token into strict JSON, which the event's JSON parser
// then reads. It is not a parser: it only changes the tokens strict JSON
// spells differently, and leaves every structural error to the parser.
#ifndef FNGUARD_RUNTIME_EVENT_RELAXED_JSON_H_
#define FNGUARD_RUNTIME_EVENT_RELAXED_JSON_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace fnguard::event {

// The most bytes RelaxedJsonToStrict() writes for `in_size` input bytes.
constexpr size_t RelaxedJsonMaxOutput(size_t in_size) { return 3 * in_size + 1; }

// Rewrites `in` into strict JSON in `out` (replaced):
//   - a leading UTF-8 byte order mark is dropped;
//   - comments (`// ...`, `/* ... */`, and `# ...` as Gson reads it) become
//     a space;
//   - a comma before a closing '}' or ']' is dropped;
//   - a single-quoted string becomes a double-quoted one;
//   - a bare word other than true, false and null (a property name, NaN,
//     Infinity, one of Gson's unquoted strings) becomes a string, and so
//     does a number strict JSON does not spell (JSON5's 0x1F, +1, .5);
//   - in strings, JSON5's `\'`, `\xHH`, `\v`, `\0` and backslash-newline
//     are spelled as strict JSON spells them.
// Returns false when a string or comment is not closed. Runs in one pass,
// and writes at most RelaxedJsonMaxOutput(in.size()) bytes.
bool RelaxedJsonToStrict(std::string_view in, std::string* out);

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_RELAXED_JSON_H_
