// Path folding: the form a file system would resolve, so "a/./b", "a//b",
// "a\\b" and "x/../b" compare equal to what they reach. Leading ".." segments
// that climb above the start are kept: they are what traversal detection needs.
#include <string>
#include <string_view>
#include <vector>

#include "runtime/normalize/normalize.h"

namespace fnguard::normalize {

bool FoldPath(std::string_view in, std::string* out) {
  // Cheap check: a backslash, "//", or a "." / ".." segment.
  bool candidate = false;
  for (size_t i = 0; i < in.size() && !candidate; ++i) {
    char c = in[i];
    if (c == '\\') candidate = true;
    if (c == '/' && i + 1 < in.size() && in[i + 1] == '/') candidate = true;
    if (c == '.' && (i == 0 || in[i - 1] == '/')) candidate = true;
  }
  if (!candidate) return false;

  const auto is_sep = [](char c) { return c == '/' || c == '\\'; };
  bool absolute = !in.empty() && is_sep(in[0]);
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
  size_t i = 0;
  while (i < in.size()) {
    while (i < in.size() && is_sep(in[i])) ++i;
    if (i >= in.size()) {
      trailing_slash = true;
      break;
    }
    size_t j = i;
    while (j < in.size() && !is_sep(in[j])) ++j;
    std::string_view seg = in.substr(i, j - i);
    trailing_slash = false;
    if (seg == ".") {
      trailing_slash = true;
    } else if (seg == ".." && !segments.empty() && segments.back() != "..") {
      segments.pop_back();
      trailing_slash = true;
    } else {
      segments.push_back(seg);
    }
    i = j;
  }
  std::string result;
  result.reserve(in.size());
  if (absolute) result.push_back('/');
  for (size_t k = 0; k < segments.size(); ++k) {
    if (k != 0) result.push_back('/');
    result.append(segments[k]);
  }
  if (trailing_slash && !segments.empty()) result.push_back('/');
  if (result == in) return false;
  *out = std::move(result);
  return true;
}

}  // namespace fnguard::normalize
