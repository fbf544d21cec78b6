#include "runtime/event/text_codecs.h"

#include <cstdint>
#include <string>

#include <cstdint>

namespace fnguard::event {
namespace {

// 0..63 for base64 characters of either alphabet, 64 for '=', 65 for ASCII
// whitespace, 255 otherwise.
constexpr uint8_t kPad = 64;
constexpr uint8_t kSpace = 65;
constexpr uint8_t kBad = 255;

struct Base64Table {
  uint8_t v[256];
  constexpr Base64Table() : v() {
    for (int i = 0; i < 256; ++i) v[i] = kBad;
    for (int i = 0; i < 26; ++i) {
      v[static_cast<unsigned char>('A' + i)] = static_cast<uint8_t>(i);
      v[static_cast<unsigned char>('a' + i)] = static_cast<uint8_t>(26 + i);
    }
    for (int i = 0; i < 10; ++i)
      v[static_cast<unsigned char>('0' + i)] = static_cast<uint8_t>(52 + i);
    v[static_cast<unsigned char>('+')] = 62;
    v[static_cast<unsigned char>('-')] = 62;
    v[static_cast<unsigned char>('/')] = 63;
    v[static_cast<unsigned char>('_')] = 63;
    v[static_cast<unsigned char>('=')] = kPad;
    v[static_cast<unsigned char>(' ')] = kSpace;
    v[static_cast<unsigned char>('\t')] = kSpace;
    v[static_cast<unsigned char>('\r')] = kSpace;
    v[static_cast<unsigned char>('\n')] = kSpace;
  }
};
constexpr Base64Table kBase64;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

int Base64DigitValue(char c) {
  const uint8_t v = kBase64.v[static_cast<unsigned char>(c)];
  return v < kPad ? v : -1;
}

std::optional<size_t> Base64Decode(std::string_view in, char* out) {
  uint32_t acc = 0;
  int bits_groups = 0;  // 6-bit groups in `acc`
  size_t n = 0;
  bool padded = false;
  for (unsigned char c : in) {
    uint8_t v = kBase64.v[c];
    if (v == kSpace) continue;
    if (v == kPad) {
      padded = true;
      continue;
    }
    if (v == kBad || padded) return std::nullopt;
    acc = (acc << 6) | v;
    if (++bits_groups == 4) {
      out[n++] = static_cast<char>((acc >> 16) & 0xFF);
      out[n++] = static_cast<char>((acc >> 8) & 0xFF);
      out[n++] = static_cast<char>(acc & 0xFF);
      acc = 0;
      bits_groups = 0;
    }
  }
  switch (bits_groups) {
    case 0:
      break;
    case 1:
      return std::nullopt;  // 6 bits cannot encode a byte
    case 2:
      out[n++] = static_cast<char>((acc >> 4) & 0xFF);
      break;
    case 3:
      out[n++] = static_cast<char>((acc >> 10) & 0xFF);
      out[n++] = static_cast<char>((acc >> 2) & 0xFF);
      break;
  }
  return n;
}

bool NeedsPercentDecode(std::string_view in, bool plus_as_space) {
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_as_space) return true;
    if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      return true;
    }
  }
  return false;
}

size_t PercentDecode(std::string_view in, bool plus_as_space, char* out) {
  size_t n = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_as_space) {
      out[n++] = ' ';
    } else if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out[n++] = static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else {
      out[n++] = c;
    }
  }
  return n;
}

std::string_view TrimSpaces(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

MediaTypeParts SplitMediaType(std::string_view content_type) {
  size_t semi = content_type.find(';');
  MediaTypeParts parts;
  if (semi == std::string_view::npos) {
    parts.type = TrimSpaces(content_type);
  } else {
    parts.type = TrimSpaces(content_type.substr(0, semi));
    parts.params = content_type.substr(semi + 1);
  }
  return parts;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

bool HasUpperAscii(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

std::optional<std::string_view> FindMediaTypeParam(std::string_view params, std::string_view name) {
  size_t pos = 0;
  while (pos < params.size()) {
    // One parameter: up to the next ';' that is not inside quotes.
    size_t end = pos;
    bool quoted = false;
    while (end < params.size()) {
      char c = params[end];
      if (c == '"') quoted = !quoted;
      if (c == '\\' && quoted && end + 1 < params.size()) {
        end += 2;
        continue;
      }
      if (c == ';' && !quoted) break;
      ++end;
    }
    std::string_view item = TrimSpaces(params.substr(pos, end - pos));
    size_t eq = item.find('=');
    if (eq != std::string_view::npos && EqualsIgnoreCase(TrimSpaces(item.substr(0, eq)), name)) {
      std::string_view value = TrimSpaces(item.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::string Base64Encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

size_t QuotedPrintableDecode(std::string_view in, char* out) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  size_t n = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out[n++] = in[i];
      continue;
    }
    if (i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
      i += 2;  // soft line break
      continue;
    }
    if (i + 1 < in.size() && in[i + 1] == '\n') {
      i += 1;
      continue;
    }
    if (i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out[n++] = static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
      i += 2;
      continue;
    }
    out[n++] = in[i];
  }
  return n;
}

}  // namespace fnguard::event
