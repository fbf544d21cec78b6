#include "runtime/event/json_numbers.h"

namespace fnguard::event {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsNumberChar(char c) {
  return IsDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (IsDigit(s[i])) {
    while (i < s.size() && IsDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i == s.size();
}

}  // namespace

bool BlankOutNumbers(std::string_view json, std::string* out) {
  out->assign(json.data(), json.size());
  bool replaced = false;
  bool in_string = false;
  for (size_t i = 0; i < out->size(); ++i) {
    char c = (*out)[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    // A run of number bytes is one token wherever it starts, so ".5" and
    // "+1" stay as written rather than having their digits blanked.
    if (!IsNumberChar(c) || c == 'e' || c == 'E') continue;
    size_t end = i;
    while (end < out->size() && IsNumberChar((*out)[end])) ++end;
    if (IsJsonNumber(std::string_view(*out).substr(i, end - i))) {
      (*out)[i] = '0';
      for (size_t k = i + 1; k < end; ++k) (*out)[k] = ' ';
      replaced = true;
    }
    i = end - 1;
  }
  return replaced;
}

}  // namespace fnguard::event
