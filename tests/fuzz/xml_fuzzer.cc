// Fuzzes the XML reader (runtime/event/xml): never crash; names and texts
// other than joined character data are views of the document; start and end
// items pair up and nest no deeper than the limit; a complete document has a
// root element.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/event/xml.h"
#include "tests/fuzz/views.h"

using fnguard::event::XmlItem;
using fnguard::event::XmlResult;
using fnguard::fuzz::Inside;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view doc(reinterpret_cast<const char*>(data), size);
  constexpr size_t kMaxDepth = 16;
  std::string scratch;
  std::vector<std::string_view> open;
  size_t roots = 0;
  const XmlResult result =
      fnguard::event::ReadXml(doc, kMaxDepth, &scratch, [&](const XmlItem& item) {
        if (!Inside(item.name, doc)) std::abort();
        if (item.type == XmlItem::Type::kText) {
          if (item.text.empty() || (!Inside(item.text, doc) && item.text.data() != scratch.data())) {
            std::abort();
          }
        } else if (!Inside(item.text, doc)) {
          std::abort();
        }
        if (item.type == XmlItem::Type::kOpen) {
          if (open.empty()) ++roots;
          open.push_back(item.name);
          if (open.size() > kMaxDepth) std::abort();
        } else if (item.type == XmlItem::Type::kClose) {
          if (open.empty() || open.back() != item.name) std::abort();
          open.pop_back();
        } else if (item.type != XmlItem::Type::kProlog && item.type != XmlItem::Type::kMisc &&
                   open.empty()) {
          std::abort();  // attributes and text belong to an element
        }
        return true;
      });
  if (result == XmlResult::kComplete && (roots != 1 || !open.empty())) std::abort();
  if (result == XmlResult::kStopped) std::abort();
  return 0;
}
