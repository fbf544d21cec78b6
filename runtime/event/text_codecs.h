// Small, allocation-free decoders for the text encodings found in Lambda
// events: base64 bodies, percent-encoded query strings and form bodies,
// Content-Type parameters and Cookie headers. All run in linear time and
// accept any byte sequence.
#ifndef FNGUARD_RUNTIME_EVENT_TEXT_CODECS_H_
#define FNGUARD_RUNTIME_EVENT_TEXT_CODECS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"

namespace fnguard::event {

// The value (0..15) of a hexadecimal digit of either case, -1 for any other
// byte.
int HexValue(char c);

// A space, tab, CR or LF: HTTP's linear white space, JSON's whitespace and XML's S.
constexpr bool IsLinearWhiteSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Upper bound of the decoded size of `encoded_size` base64 characters.
constexpr size_t Base64MaxDecodedSize(size_t encoded_size) { return encoded_size / 4 * 3 + 3; }

// The value (0..63) of a base64 digit of either alphabet (standard +/ or
// URL-safe -_), -1 for any other byte, padding and whitespace included.
int Base64DigitValue(char c);

// Decodes standard (+/) or URL-safe (-_) base64 into `out`, which must hold
// Base64MaxDecodedSize(in.size()) bytes. Padding is optional; ASCII
// whitespace is skipped. Returns the decoded size, or nullopt when `in` is
// not base64 (bad character, data after padding, a dangling 6-bit group).
std::optional<size_t> Base64Decode(std::string_view in, char* out);

// Standard base64 (+/, padded) of `in`.
std::string Base64Encode(std::string_view in);

// Decodes quoted-printable (RFC 2045 section 6.7): "=XX" escapes and soft
// line breaks ("=" at the end of a line). Anything else is kept verbatim.
// `out` must hold in.size() bytes; returns the decoded size.
size_t QuotedPrintableDecode(std::string_view in, char* out);

// The byte table of an EBCDIC charset named in a Content-Type (IBM037 and
// its aliases, IBM1140, IBM500), or nullptr for any other name. A body in
// EBCDIC shares no letter with ASCII, and some servers (IIS, Java
// containers) decode a form or XML body by the charset it declares.
const uint8_t* EbcdicTable(std::string_view charset);

// `in` decoded with `table` (EbcdicTable()) into UTF-8. `out` must hold
// 2 * in.size() bytes; returns the decoded size.
size_t EbcdicToUtf8(std::string_view in, const uint8_t* table, char* out);

// A body written in UTF-16 or UTF-32, told by its byte order mark, by the
// `charset` its Content-Type declares ("" for none), or by the zero bytes
// around its first character; kNone for anything else (UTF-8 included).
enum class UnicodeForm : uint8_t { kNone, kUtf16Le, kUtf16Be, kUtf32Le, kUtf32Be };
UnicodeForm DetectUnicodeForm(std::string_view text, std::string_view charset);

// Writes code point `cp` (at most U+10FFFF, not a surrogate) as UTF-8 at
// `out`, which has room for 4 bytes; returns the bytes written.
size_t EncodeUtf8(uint32_t cp, char* out);

// `in` (of `form`, not kNone) as UTF-8, without its byte order mark; unpaired
// surrogates and values past U+10FFFF become U+FFFD, and a trailing partial
// unit is dropped. `out` must hold 2 * in.size() bytes; returns the size.
size_t UnicodeToUtf8(std::string_view in, UnicodeForm form, char* out);

// True when PercentDecode would change `in` (it holds a valid %XX escape, or
// a '+' and `plus_as_space`).
bool NeedsPercentDecode(std::string_view in, bool plus_as_space);

// Decodes %XX escapes once (and '+' as a space when `plus_as_space`, as in
// query strings and form bodies). Invalid escapes are kept verbatim. `out`
// must hold in.size() bytes; returns the decoded size.
size_t PercentDecode(std::string_view in, bool plus_as_space, char* out);

// Splits a Content-Type value: the media type (trimmed, NOT lower-cased) and
// the raw parameter list after the first ';'.
struct MediaTypeParts {
  std::string_view type;
  std::string_view params;
};
MediaTypeParts SplitMediaType(std::string_view content_type);

// Finds parameter `name` (case-insensitive) in a `; a=b; c="d"` list and
// returns its value with surrounding quotes removed; nullopt when absent.
std::optional<std::string_view> FindMediaTypeParam(std::string_view params, std::string_view name);

// Calls `fn(value)` for each parameter `name` (case-insensitive) of such a
// list, in order (a list may repeat a parameter, and parsers differ in which
// one they take), quotes removed; `fn` returns false to stop.
void ForEachMediaTypeParamValue(std::string_view params, std::string_view name,
                                absl::FunctionRef<bool(std::string_view)> fn);

// Parameter `name` in its RFC 2231 (RFC 5987) extended form, as Go's mime
// package, Python's email package and Werkzeug read it: `name*=` a charset,
// a language and %XX escapes (utf-8''%2e%2e), or the continuations `name*0`,
// `name*1*`, ... joined in order (sections marked '*' are percent-decoded).
// The bytes are read in the charset given (TranscodeToUtf8). nullopt when
// `params` holds neither form.
std::optional<std::string> DecodeExtendedParam(std::string_view params, std::string_view name);

// `in` with each RFC 2047 encoded word (=?charset?B?base64?= or
// =?charset?Q?quoted?=) replaced by the text it encodes, as Commons
// FileUpload and Tomcat read Content-Disposition parameters: `in` is split
// at white space, a token that starts an encoded word is replaced by its
// text (up to its first "?=", the rest of the token dropped), and white
// space between two encoded words is dropped. Anything else is copied as it
// is. Linear in `in`.
std::string DecodeEncodedWords(std::string_view in);

// `in`, bytes in `charset`, as UTF-8: UTF-16 and UTF-32 (by the charset
// name), the EBCDIC code pages EbcdicTable() knows, ISO-8859-1 and its
// aliases. The bytes of any other charset (UTF-8, US-ASCII and unknown ones)
// are copied.
std::string TranscodeToUtf8(std::string_view in, std::string_view charset);

// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// True when `s` has an ASCII upper-case letter.
bool HasUpperAscii(std::string_view s);

// Strips ASCII spaces and tabs from both ends.
std::string_view TrimSpaces(std::string_view s);

// Calls `fn(name, value)` for each `name=value` item of a Cookie header (or a
// v2 `cookies` array entry), split on ';'. Items without '=' are passed with
// an empty name and the item as value. Names and values are trimmed.
template <typename Fn>
void ForEachCookie(std::string_view header, Fn&& fn) {
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = TrimSpaces(header.substr(start, end - start));
    if (!item.empty()) {
      size_t eq = item.find('=');
      if (eq == std::string_view::npos) {
        if (!fn(std::string_view(), item)) return;
      } else {
        if (!fn(TrimSpaces(item.substr(0, eq)), TrimSpaces(item.substr(eq + 1)))) return;
      }
    }
    start = end + 1;
  }
}

// Calls `fn(raw_name, raw_value)` for each `&`-separated item of a query
// string or form body (still percent-encoded). An item without '=' has an
// empty value. Empty items are skipped. `fn` returns false to stop.
template <typename Fn>
void ForEachFormPair(std::string_view text, Fn&& fn) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    if (!item.empty()) {
      size_t eq = item.find('=');
      std::string_view name = eq == std::string_view::npos ? item : item.substr(0, eq);
      std::string_view value =
          eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      if (!fn(name, value)) return;
    }
    start = end + 1;
  }
}

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_TEXT_CODECS_H_
