// Byte-level transforms: control removal, whitespace collapsing, SQL comment
// removal and ASCII lower-casing.
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"

namespace fnguard::normalize {
namespace {

bool IsDroppedControl(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

bool RemoveControl(std::string_view in, std::string* out) {
  size_t first = 0;
  while (first < in.size() && !IsDroppedControl(static_cast<unsigned char>(in[first]))) ++first;
  if (first == in.size()) return false;
  std::string result;
  result.reserve(in.size());
  result.append(in.substr(0, first));
  for (size_t i = first; i < in.size(); ++i) {
    const char c = in[i];
    // A vertical tab or form feed separates words as a space does (SQL,
    // HTML and CSS read both as whitespace: "union\vselect" is two words).
    if (c == '\v' || c == '\f') {
      result.push_back(' ');
    } else if (!IsDroppedControl(static_cast<unsigned char>(c))) {
      result.push_back(c);
    }
  }
  *out = std::move(result);
  return true;
}

bool CollapseWhitespace(std::string_view in, std::string* out) {
  // Changes happen at a non-space whitespace byte or at a second space in a run.
  size_t first = in.size();
  for (size_t i = 0; i < in.size(); ++i) {
    if (!IsSpace(in[i])) continue;
    if (in[i] != ' ' || (i + 1 < in.size() && IsSpace(in[i + 1]))) {
      first = i;
      break;
    }
  }
  if (first == in.size()) return false;
  std::string result;
  result.reserve(in.size());
  result.append(in.substr(0, first));
  bool in_run = false;
  for (size_t i = first; i < in.size(); ++i) {
    if (IsSpace(in[i])) {
      if (!in_run) result.push_back(' ');
      in_run = true;
    } else {
      result.push_back(in[i]);
      in_run = false;
    }
  }
  *out = std::move(result);
  return true;
}

bool RemoveSqlComments(std::string_view in, std::string* out) {
  size_t first = in.size();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '#' || (c == '/' && i + 1 < in.size() && in[i + 1] == '*') ||
        (c == '-' && i + 1 < in.size() && in[i + 1] == '-')) {
      first = i;
      break;
    }
  }
  if (first == in.size()) return false;
  std::string result;
  result.reserve(in.size());
  result.append(in.substr(0, first));
  size_t i = first;
  while (i < in.size()) {
    char c = in[i];
    if (c == '/' && i + 1 < in.size() && in[i + 1] == '*') {
      size_t body = i + 2;
      // MySQL executable comment /*!NNNNN ... */: the body is code; keep it.
      bool executable = body < in.size() && in[body] == '!';
      if (executable) {
        ++body;
        while (body < in.size() && body - (i + 3) < 5 && in[body] >= '0' && in[body] <= '9') {
          ++body;
        }
      }
      size_t end = in.find("*/", body);
      size_t body_end = end == std::string_view::npos ? in.size() : end;
      result.push_back(' ');
      if (executable) {
        result.append(in.substr(body, body_end - body));
        result.push_back(' ');
      }
      i = end == std::string_view::npos ? in.size() : end + 2;
      continue;
    }
    if (c == '#' || (c == '-' && i + 1 < in.size() && in[i + 1] == '-')) {
      size_t eol = in.find('\n', i);
      i = eol == std::string_view::npos ? in.size() : eol;
      continue;
    }
    result.push_back(c);
    ++i;
  }
  *out = std::move(result);
  return true;
}

bool Lowercase(std::string_view in, std::string* out) {
  size_t first = 0;
  while (first < in.size() && !(in[first] >= 'A' && in[first] <= 'Z')) ++first;
  if (first == in.size()) return false;
  std::string result(in);
  for (size_t i = first; i < result.size(); ++i) {
    if (result[i] >= 'A' && result[i] <= 'Z') result[i] = static_cast<char>(result[i] + 32);
  }
  *out = std::move(result);
  return true;
}

}  // namespace fnguard::normalize
