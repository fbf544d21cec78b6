// An XML body read into the pieces an XML parser hands an application: the
// prolog, each element's start tag and attribute values, and its character
// data. Views into the document, linear in its size, no recursion.
//
// The reader accepts well-formed documents only. Anything else (a '<' that
// opens no markup, an unquoted attribute, a stray or mismatched end tag, a
// DOCTYPE after the root, text outside the root, nesting deeper than the
// limit, an unterminated construct) makes it return kMalformed, and the
// caller inspects the document as one text instead.
#ifndef FNGUARD_RUNTIME_EVENT_XML_H_
#define FNGUARD_RUNTIME_EVENT_XML_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"

namespace fnguard::event {

struct XmlItem {
  enum class Type {
    kProlog,     // `text`: everything before the root element (declaration,
                 // DOCTYPE and its internal subset, comments, PIs)
    kOpen,       // `name`: an element's qualified name; `text`: its whole start tag
    kAttribute,  // `name`: the attribute's qualified name; `text`: its value, between the quotes
    kText,       // `text`: an element's character data up to its next child
                 // or its end: text and CDATA content joined, comments and
                 // PIs between them left out; never only white space
    kClose,      // `name`: the element that ends
    kMisc,       // `text`: a comment or PI inside or after the root element
  };
  Type type = Type::kText;
  std::string_view name;
  std::string_view text;
};

enum class XmlResult {
  kComplete,   // the whole document was read
  kMalformed,  // not well-formed (items already handed out are to be dropped)
  kStopped,    // the callback asked to stop
};

// Calls `on_item` for each item of `doc` in document order; it returns false
// to stop. A kText's text points into `doc` when it is one run, else into
// `*scratch` (valid until the next call). Elements nested deeper than
// `max_depth` make the document malformed.
XmlResult ReadXml(std::string_view doc, size_t max_depth, std::string* scratch,
                  absl::FunctionRef<bool(const XmlItem&)> on_item);

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_XML_H_
