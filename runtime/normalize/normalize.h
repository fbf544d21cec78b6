// Normalization: undo the encodings attackers use to hide a payload.
//
// Each transform is a free function `bool Name(std::string_view in, std::string* out)`
// that returns false (and leaves `out` untouched) when it would change nothing,
// so callers copy only when needed. Transforms are linear time.
//
// Normalizer chains the generic transforms that every detector benefits from;
// detectors apply class-specific ones (SQL comments, path folding, case) on top.
#ifndef FNGUARD_RUNTIME_NORMALIZE_NORMALIZE_H_
#define FNGUARD_RUNTIME_NORMALIZE_NORMALIZE_H_

#include <string>
#include <string_view>

namespace fnguard::normalize {

// %XX and %uXXXX (UTF-8 encoded) decoding; '+' to space when `plus_as_space`.
// One pass; call repeatedly (UrlDecodeRepeated) for double encoding.
bool UrlDecode(std::string_view in, std::string* out, bool plus_as_space = false);
// Repeats UrlDecode until nothing changes or `max_rounds` is reached.
bool UrlDecodeRepeated(std::string_view in, std::string* out, int max_rounds = 4);
// &lt; &#60; &#x3c; &#x3c (missing ';'), named entities (the common HTML set).
bool HtmlEntityDecode(std::string_view in, std::string* out);
// JavaScript/JSON escapes: \uXXXX, \u{X..}, \xXX, \NNN octal, \n \t ...
bool JsUnescape(std::string_view in, std::string* out);
// Only the numeric JavaScript escapes (\uXXXX, \u{X..}, \xXX, and the octal
// \040..\077 of spaces, digits and punctuation): the subset the generic
// chain applies, since decoding "\n" or "\b" would corrupt Windows paths
// ("..\\boot.ini") that other detectors inspect.
bool JsUnescapeNumeric(std::string_view in, std::string* out);
// Overlong UTF-8 (e.g. C0 AE) to ASCII, full-width forms (U+FF01..FF5E) to ASCII,
// typographic and angle quotes to the ASCII quotes and '<' '>' (as best-fit
// code-page conversion maps them), no-break and ideographic spaces to ' '.
bool FoldUnicode(std::string_view in, std::string* out);
// Whether `in` holds a character NFKC folds to one ASCII letter or digit,
// as FoldUnicode() folds it: the long s, circled and mathematical letters and
// digits, the script l, the Kelvin sign, Roman numerals of one letter.
bool HasCompatibilityAlnum(std::string_view in);
// What a lenient decoder (IIS 4 and 5 before MS00-078, October 2000) made of invalid
// multi-byte sequences, for path separators only: a sequence whose lead byte
// is never valid or always overlong (C0, C1, E0, F0, F8..FD) is read from the
// low six bits of its last byte, whatever that byte is, when they give '.' or
// '/' ("\xC0\xEE" and "\xC0n" as '.', "\xC1\xAF" as '/', five- and six-byte
// forms). Other sequences fold as FoldUnicode() folds them; other bytes stay.
// Not part of the generic chain: path_traversal reads a value this way
// when the generic reading finds nothing.
bool LenientUtf8Separators(std::string_view in, std::string* out);
// Whether `b` starts a sequence that LenientUtf8Separators() reads leniently.
bool IsLenientUtf8Lead(unsigned char b);
// Removes NUL and other control bytes except \t \n \r; \v and \f become spaces.
bool RemoveControl(std::string_view in, std::string* out);
// Collapses runs of whitespace (space, \t, \n, \r, \v, \f) to one space.
bool CollapseWhitespace(std::string_view in, std::string* out);
// Removes /* ... */ comments (replaced by one space) and trailing "--"/"#" comments.
bool RemoveSqlComments(std::string_view in, std::string* out);
// ASCII lower-casing.
bool Lowercase(std::string_view in, std::string* out);
// Path folding: backslash to '/', doubled slashes, "./" segments, "seg/../".
bool FoldPath(std::string_view in, std::string* out);

// Which of the bytes that the chain acts on occur in a value: '%', '&', '\\',
// non-ASCII bytes, control bytes (below 0x20, and 0x7f).
struct Presence {
  bool percent = false;
  bool amp = false;
  bool backslash = false;
  bool non_ascii = false;
  bool control = false;
};

// Runs the generic chain (URL decoding repeated, %u, HTML entities, JS escapes,
// Unicode folding, control removal) and returns a view of the result: `in`
// itself when nothing changed, else a view into this object's buffer, valid
// until the next call. Not thread-safe: one per invocation context.
class Normalizer {
 public:
  std::string_view Normalize(std::string_view in);
  // The same, for a caller that has already found which of those bytes `in`
  // holds (`present` must be exactly that): saves the first scan.
  std::string_view Normalize(std::string_view in, const Presence& present);

 private:
  std::string a_, b_;
};

}  // namespace fnguard::normalize

#endif  // FNGUARD_RUNTIME_NORMALIZE_NORMALIZE_H_
