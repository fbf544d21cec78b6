// The hello function's own logic, with nothing of fnguard in it: read a name
// from an API Gateway / Function URL event and build the HTTP response
// document. main.cc runs it behind fnguard's Runtime API loop.
//
//   std::string response = hello::GreetingResponse(event_json);
//   // {"statusCode":200,"headers":{...},"body":"{\"message\":\"hello, Ada\"}"}
//
// The name comes from the query string (?name=Ada) or from a JSON body
// ({"name":"Ada"}, base64-encoded bodies too); "world" otherwise. It reads the
// little JSON it needs with its own small reader, so the example depends on
// nothing but the standard library and fnguard's public API.
#ifndef FNGUARD_EXAMPLES_HELLO_GREETING_H_
#define FNGUARD_EXAMPLES_HELLO_GREETING_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace hello {
namespace detail {

// ---- A small JSON reader: enough to pick a member out of an object. ----

constexpr int kMaxDepth = 64;

inline void SkipSpace(std::string_view s, size_t* i) {
  while (*i < s.size() && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n' || s[*i] == '\r')) ++*i;
}

inline void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

inline bool ReadHex4(std::string_view s, size_t i, uint32_t* out) {
  if (i + 4 > s.size()) return false;
  uint32_t v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    char c = s[k];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
    else return false;
  }
  *out = v;
  return true;
}

// Reads the string starting at s[*i] == '"'; leaves *i after the closing quote.
inline std::optional<std::string> ReadString(std::string_view s, size_t* i) {
  if (*i >= s.size() || s[*i] != '"') return std::nullopt;
  std::string out;
  for (size_t k = *i + 1; k < s.size(); ++k) {
    char c = s[k];
    if (c == '"') {
      *i = k + 1;
      return out;
    }
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++k >= s.size()) return std::nullopt;
    switch (s[k]) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        uint32_t cp = 0;
        if (!ReadHex4(s, k + 1, &cp)) return std::nullopt;
        k += 4;
        uint32_t low = 0;
        if (cp >= 0xd800 && cp <= 0xdbff && k + 6 < s.size() && s[k + 1] == '\\' &&
            s[k + 2] == 'u' && ReadHex4(s, k + 3, &low) && low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          k += 6;
        } else if (cp >= 0xd800 && cp <= 0xdfff) {
          cp = 0xfffd;
        }
        AppendUtf8(&out, cp);
        break;
      }
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

// Skips the value at s[*i] (any JSON value); false on malformed input.
inline bool SkipValue(std::string_view s, size_t* i, int depth) {
  if (depth > kMaxDepth) return false;
  SkipSpace(s, i);
  if (*i >= s.size()) return false;
  char c = s[*i];
  if (c == '"') return ReadString(s, i).has_value();
  if (c == '{' || c == '[') {
    const char close = c == '{' ? '}' : ']';
    ++*i;
    SkipSpace(s, i);
    if (*i < s.size() && s[*i] == close) {
      ++*i;
      return true;
    }
    while (true) {
      if (c == '{') {
        SkipSpace(s, i);
        if (!ReadString(s, i)) return false;
        SkipSpace(s, i);
        if (*i >= s.size() || s[*i] != ':') return false;
        ++*i;
      }
      if (!SkipValue(s, i, depth + 1)) return false;
      SkipSpace(s, i);
      if (*i >= s.size()) return false;
      if (s[*i] == ',') {
        ++*i;
        continue;
      }
      if (s[*i] == close) {
        ++*i;
        return true;
      }
      return false;
    }
  }
  // number, true, false, null: up to the next delimiter
  size_t start = *i;
  while (*i < s.size() && s[*i] != ',' && s[*i] != '}' && s[*i] != ']' && s[*i] != ' ' &&
         s[*i] != '\n' && s[*i] != '\r' && s[*i] != '\t') {
    ++*i;
  }
  return *i > start;
}

// The raw text of member `key` of the object `s`, if `s` is an object that has it.
inline std::optional<std::string_view> FindMember(std::string_view s, std::string_view key) {
  size_t i = 0;
  SkipSpace(s, &i);
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  ++i;
  while (true) {
    SkipSpace(s, &i);
    if (i < s.size() && s[i] == '}') return std::nullopt;
    std::optional<std::string> name = ReadString(s, &i);
    if (!name) return std::nullopt;
    SkipSpace(s, &i);
    if (i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    SkipSpace(s, &i);
    size_t value_start = i;
    if (!SkipValue(s, &i, 1)) return std::nullopt;
    if (*name == key) return s.substr(value_start, i - value_start);
    SkipSpace(s, &i);
    if (i >= s.size() || s[i] != ',') return std::nullopt;
    ++i;
  }
}

inline std::optional<std::string> StringMember(std::string_view s, std::string_view key) {
  std::optional<std::string_view> raw = FindMember(s, key);
  if (!raw) return std::nullopt;
  size_t i = 0;
  return ReadString(*raw, &i);
}

// ---- Base64 (for isBase64Encoded bodies) and JSON output. ----

inline std::optional<std::string> DecodeBase64(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

inline std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

// At most `max` bytes, cut on a UTF-8 character boundary.
inline std::string Clip(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
  s.resize(cut);
  return s;
}

constexpr size_t kMaxNameBytes = 64;

inline std::string NameFromEvent(std::string_view event) {
  if (auto query = FindMember(event, "queryStringParameters")) {
    if (auto name = StringMember(*query, "name"); name && !name->empty()) return *name;
  }
  if (auto body = StringMember(event, "body")) {
    std::string text = *body;
    if (FindMember(event, "isBase64Encoded").value_or("false") == "true") {
      text = DecodeBase64(text).value_or("");
    }
    if (auto name = StringMember(text, "name"); name && !name->empty()) return *name;
  }
  return "world";
}

}  // namespace detail

// The response document (API Gateway proxy format) greeting the caller.
inline std::string GreetingResponse(std::string_view event) {
  std::string name = detail::Clip(detail::NameFromEvent(event), detail::kMaxNameBytes);
  std::string body = "{\"message\":" + detail::JsonQuote("hello, " + name) + "}";
  return "{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"},"
         "\"body\":" + detail::JsonQuote(body) + "}";
}

}  // namespace hello

#endif  // FNGUARD_EXAMPLES_HELLO_GREETING_H_
