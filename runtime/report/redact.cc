#include "runtime/report/redact.h"

#include <array>
#include <cctype>

namespace fnguard::report {
namespace {

constexpr std::string_view kMask = "[REDACTED]";

bool IsUpperAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '~' || c == '+' || c == '/' || c == '=';
}
bool IsValueEnd(char c) {
  return c == '&' || c == ';' || c == ',' || c == ' ' || c == '"' || c == '\'' || c == '\n' ||
         c == '\r' || c == '\t' || c == '}' || c == ')';
}

bool StartsWithNoCase(std::string_view s, size_t at, std::string_view prefix) {
  if (s.size() - at < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[at + i])) != prefix[i]) return false;
  }
  return true;
}

// Secret-bearing names whose assigned value is masked: `password=...`,
// `"api_key": "..."`.
constexpr std::array<std::string_view, 9> kSecretNames = {
    "password", "passwd", "pwd", "secret", "api_key", "apikey", "access_token", "token", "authorization",
};

}  // namespace

std::string Redact(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    // AWS access key ids: AKIA/ASIA + 16 upper-case alphanumerics.
    if ((c == 'A') && i + 20 <= s.size() && (s.substr(i, 4) == "AKIA" || s.substr(i, 4) == "ASIA")) {
      size_t j = i + 4;
      while (j < s.size() && j < i + 20 && IsUpperAlnum(s[j])) ++j;
      if (j == i + 20) {
        out += kMask;
        i = j;
        continue;
      }
    }
    // JWTs: eyJ<b64url>.<b64url>.<b64url>
    if (c == 'e' && s.substr(i, 3) == "eyJ") {
      size_t j = i;
      int dots = 0;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-' ||
                              s[j] == '_' || s[j] == '.')) {
        if (s[j] == '.') ++dots;
        ++j;
      }
      if (dots >= 2 && j - i >= 20) {
        out += kMask;
        i = j;
        continue;
      }
    }
    // Bearer/Basic credentials.
    if ((c == 'b' || c == 'B') &&
        (StartsWithNoCase(s, i, "bearer ") || StartsWithNoCase(s, i, "basic "))) {
      size_t word = (c == 'b' || c == 'B') && StartsWithNoCase(s, i, "bearer ") ? 7 : 6;
      size_t j = i + word;
      size_t start = j;
      while (j < s.size() && IsTokenChar(s[j])) ++j;
      if (j - start >= 8) {
        out.append(s.substr(i, word));
        out += kMask;
        i = j;
        continue;
      }
    }
    // name=value / "name": "value" for secret-bearing names.
    bool matched = false;
    for (std::string_view name : kSecretNames) {
      if (std::tolower(static_cast<unsigned char>(c)) != name[0]) continue;
      if (!StartsWithNoCase(s, i, name)) continue;
      size_t j = i + name.size();
      // Allow a closing quote after a JSON key, spaces, then ':' or '='.
      size_t k = j;
      if (k < s.size() && (s[k] == '"' || s[k] == '\'')) ++k;
      while (k < s.size() && s[k] == ' ') ++k;
      if (k >= s.size() || (s[k] != '=' && s[k] != ':')) continue;
      ++k;
      while (k < s.size() && s[k] == ' ') ++k;
      bool quoted = k < s.size() && (s[k] == '"' || s[k] == '\'');
      char quote = quoted ? s[k] : 0;
      if (quoted) ++k;
      size_t v = k;
      // A credential header's value runs to the end of the line ("Bearer x").
      const bool whole_line = name == "authorization";
      while (v < s.size() && (quoted ? s[v] != quote
                                     : (whole_line ? (s[v] != '\n' && s[v] != '\r' && s[v] != '&')
                                                   : !IsValueEnd(s[v])))) {
        ++v;
      }
      if (v == k) continue;
      out.append(s.substr(i, k - i));
      out += kMask;
      i = v;
      matched = true;
      break;
    }
    if (matched) continue;
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace fnguard::report
