#include "runtime/event/relaxed_json.h"

#include "runtime/event/text_codecs.h"

namespace fnguard::event {
namespace {

bool IsWordStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

bool IsWordByte(char c) { return IsWordStart(c) || (c >= '0' && c <= '9'); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether `s` is a number as strict JSON spells it.
bool IsStrictNumber(std::string_view s) {
  size_t i = 0;
  const auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

// Copies the string whose opening quote `quote` is at in[*i], as a
// double-quoted strict JSON string. False when it is not closed.
bool CopyString(std::string_view in, size_t* i, char quote, std::string* out) {
  out->push_back('"');
  size_t j = *i + 1;
  const size_t n = in.size();
  while (j < n && in[j] != quote) {
    const char c = in[j];
    if (c == '"') {  // only in a single-quoted string
      out->append("\\\"");
      ++j;
      continue;
    }
    if (c != '\\') {
      out->push_back(c);
      ++j;
      continue;
    }
    if (j + 1 >= n) return false;
    const char e = in[j + 1];
    if (e == '\'') {
      out->push_back('\'');
      j += 2;
    } else if (e == '\n') {  // a line continuation
      j += 2;
    } else if (e == '\r') {
      j += j + 2 < n && in[j + 2] == '\n' ? 3 : 2;
    } else if (e == 'v') {
      out->append("\\u000b");
      j += 2;
    } else if (e == '0' && !(j + 2 < n && in[j + 2] >= '0' && in[j + 2] <= '9')) {
      out->append("\\u0000");
      j += 2;
    } else if (e == 'x' && j + 3 < n && HexValue(in[j + 2]) >= 0 && HexValue(in[j + 3]) >= 0) {
      out->append("\\u00");
      out->append(in.substr(j + 2, 2));
      j += 4;
    } else {
      out->append(in.substr(j, 2));
      j += 2;
    }
  }
  if (j >= n) return false;
  out->push_back('"');
  *i = j + 1;
  return true;
}

}  // namespace

bool RelaxedJsonToStrict(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size() + in.size() / 8 + 16);
  size_t i = in.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  const size_t n = in.size();
  bool pending_comma = false;
  size_t comma_at = 0;
  while (i < n) {
    const char c = in[i];
    if (IsLinearWhiteSpace(c)) {
      out->push_back(c);
      ++i;
      continue;
    }
    if (c == '#' || (c == '/' && i + 1 < n && in[i + 1] == '/')) {
      const size_t eol = in.find('\n', i);
      i = eol == std::string_view::npos ? n : eol;
      out->push_back(' ');
      continue;
    }
    if (c == '/' && i + 1 < n && in[i + 1] == '*') {
      const size_t end = in.find("*/", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 2;
      out->push_back(' ');
      continue;
    }
    // A comma is written where it stands, and taken back when the next
    // token closes the object or array. The bytes after it are moved once.
    if (pending_comma) {
      if (c == '}' || c == ']') out->erase(comma_at, 1);
      pending_comma = false;
    }
    if (c == ',') {
      comma_at = out->size();
      out->push_back(',');
      pending_comma = true;
      ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      if (!CopyString(in, &i, c, out)) return false;
      continue;
    }
    if (IsWordStart(c) || IsDigit(c) || c == '-' || c == '+' || c == '.') {
      // A word or a number. Those strict JSON does not spell (a bare name,
      // NaN, -Infinity, JSON5's 0x1F, +1, .5 and 5.) become strings.
      // (A sign belongs to the word only after an exponent's 'e'.)
      const auto in_word = [&](size_t j) {
        const char b = in[j];
        return IsWordByte(b) || b == '.' ||
               ((b == '+' || b == '-') && (in[j - 1] == 'e' || in[j - 1] == 'E'));
      };
      size_t j = i + 1;
      while (j < n && in_word(j)) ++j;
      const std::string_view word = in.substr(i, j - i);
      const bool literal =
          word == "true" || word == "false" || word == "null" || IsStrictNumber(word);
      if (!literal) out->push_back('"');
      out->append(word);
      if (!literal) out->push_back('"');
      i = j;
      continue;
    }
    out->push_back(c);
    ++i;
  }
  return true;
}

}  // namespace fnguard::event
