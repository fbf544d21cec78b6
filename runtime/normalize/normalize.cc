// PLACEHOLDER: replaced by the real normalizers.
#include "runtime/normalize/normalize.h"

namespace fnguard::normalize {
bool UrlDecode(std::string_view, std::string*, bool) { return false; }
bool UrlDecodeRepeated(std::string_view, std::string*, int) { return false; }
bool HtmlEntityDecode(std::string_view, std::string*) { return false; }
bool JsUnescape(std::string_view, std::string*) { return false; }
bool FoldUnicode(std::string_view, std::string*) { return false; }
bool RemoveControl(std::string_view, std::string*) { return false; }
bool CollapseWhitespace(std::string_view, std::string*) { return false; }
bool RemoveSqlComments(std::string_view, std::string*) { return false; }
bool Lowercase(std::string_view, std::string*) { return false; }
bool FoldPath(std::string_view, std::string*) { return false; }
std::string_view Normalizer::Normalize(std::string_view in) { return in; }
}  // namespace fnguard::normalize
