// Lifting an event's large payload strings out of it before it is parsed.
//
// An HTTP event carries its body as one JSON string, and a JSON body inside
// it has every quote escaped (`\"`): a 1 MiB body of records holds about
// 170,000 escapes. simdjson's DOM parser unescapes one escape at a time, and
// on such an event that costs more than parsing the body itself.
// LiftEventStrings() reads the members of an event that hold its payload
// (an HTTP body, SQS and SNS message bodies), unescapes each large one
// sixteen bytes at a time (several escapes per block), and hands back the
// rest of the document with those values replaced by "", for the DOM
// parser. The rest parses exactly when the document does (each lifted value
// is checked as the parser checks a string: escapes, control characters,
// surrogate pairs, UTF-8).
#ifndef FNGUARD_RUNTIME_EVENT_JSON_LIFT_H_
#define FNGUARD_RUNTIME_EVENT_JSON_LIFT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fnguard::event {

// The JSON string content at `text` (just after its opening quote),
// unescaped into `out`, which must have room for text.size() + 32 bytes.
// Returns the bytes written and sets `*consumed` to the content's length
// (text[*consumed] is the closing quote); returns npos when the content is
// not a valid JSON string (a bad escape, a lone surrogate, a control
// character, no closing quote). UTF-8 is not checked here.
size_t UnescapeJsonString(std::string_view text, char* out, size_t* consumed);

// A string taken out of an event by LiftEventStrings(): where it was, and
// where its unescaped value is in the buffer they share.
struct LiftedString {
  static constexpr size_t kTopLevel = std::string_view::npos;
  // The index of the record in the top-level "Records" array, or kTopLevel
  // for the event's own "body".
  size_t record = kTopLevel;
  // The record's "Sns"."Message" rather than its "body".
  bool sns_message = false;
  // Where it was in the document: the index of its opening quote, and its
  // length as written (between the quotes).
  size_t quote_at = 0;
  size_t written = 0;
  // Where its value is in the buffer.
  size_t offset = 0;
  size_t length = 0;
};

// Lifts the strings that carry an event's payload out of `json` (an
// object): its top-level "body" (API Gateway, ALB, function URLs) and, in
// its top-level "Records" array, each record's "body" (SQS) and "Sns"
// "Message" (SNS), each one that is a valid string of at least `min_bytes`
// bytes as written. Returns how many were lifted, with `*lifted` describing
// them in document order, their values unescaped one after another in
// `*buffer` (which keeps its size between calls: read it through
// `offset` and `length`), and `*rest` the document with each written as "".
// Returns 0, and the caller parses `json` whole, when none is, or when the
// parser might read the document otherwise: a member name written with an
// escape, or one of those members given twice, in any object read; a
// document that is not an object, or does not end where the object ends; a
// string to lift that is not valid. Runs in time linear in `json`.
size_t LiftEventStrings(std::string_view json, size_t min_bytes, std::string* buffer,
                        std::vector<LiftedString>* lifted, std::string* rest);

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_JSON_LIFT_H_
