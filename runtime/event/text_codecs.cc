#include "runtime/event/text_codecs.h"

#include <algorithm>
#include <array>
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

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Strips spaces, tabs and line breaks from both ends.
std::string_view TrimLinearWhiteSpace(std::string_view t) {
  while (!t.empty() && IsLinearWhiteSpace(t.front())) t.remove_prefix(1);
  while (!t.empty() && IsLinearWhiteSpace(t.back())) t.remove_suffix(1);
  return t;
}

}  // namespace

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

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

namespace {

// Calls `fn(key, value)` for each `key=value` item of a `; a=b; c="d"` list,
// the value without its surrounding quotes, until `fn` returns false.
template <typename Fn>
void ForEachMediaTypeParam(std::string_view params, Fn&& fn) {
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
    // (Line breaks too: a folded header keeps its continuation lines.)
    std::string_view item = TrimLinearWhiteSpace(params.substr(pos, end - pos));
    size_t eq = item.find('=');
    if (eq != std::string_view::npos) {
      std::string_view value = TrimLinearWhiteSpace(item.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (!fn(TrimLinearWhiteSpace(item.substr(0, eq)), value)) return;
    }
    pos = end + 1;
  }
}

}  // namespace

std::optional<std::string_view> FindMediaTypeParam(std::string_view params, std::string_view name) {
  std::optional<std::string_view> found;
  ForEachMediaTypeParam(params, [&](std::string_view key, std::string_view value) {
    if (!EqualsIgnoreCase(key, name)) return true;
    found = value;
    return false;
  });
  return found;
}

void ForEachMediaTypeParamValue(std::string_view params, std::string_view name,
                                absl::FunctionRef<bool(std::string_view)> fn) {
  ForEachMediaTypeParam(params, [&](std::string_view key, std::string_view value) {
    return !EqualsIgnoreCase(key, name) || fn(value);
  });
}

std::optional<std::string> DecodeExtendedParam(std::string_view params, std::string_view name) {
  // RFC 2231 continuations: at most this many sections are joined.
  constexpr size_t kMaxSections = 32;
  struct Section {
    std::string_view value;
    bool present = false;
    bool encoded = false;
  };
  std::array<Section, kMaxSections> sections{};
  Section whole;  // `name*=`
  ForEachMediaTypeParam(params, [&](std::string_view key, std::string_view value) {
    if (key.size() <= name.size() || key[name.size()] != '*' ||
        !EqualsIgnoreCase(key.substr(0, name.size()), name)) {
      return true;
    }
    std::string_view rest = key.substr(name.size() + 1);
    if (rest.empty()) {
      if (!whole.present) whole = Section{value, true, true};
      return true;
    }
    const bool encoded = rest.back() == '*';
    if (encoded) rest.remove_suffix(1);
    if (rest.empty() || rest.size() > 2) return true;
    size_t index = 0;
    for (char c : rest) {
      if (c < '0' || c > '9') return true;
      index = index * 10 + static_cast<size_t>(c - '0');
    }
    if (index < kMaxSections && !sections[index].present) sections[index] = {value, true, encoded};
    return true;
  });
  if (!whole.present && !sections[0].present) return std::nullopt;
  // The charset and language lead the first encoded section: charset'lang'.
  std::string_view charset;
  const auto strip_charset = [&charset](std::string_view v) {
    const size_t q1 = v.find('\'');
    const size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) return v;
    charset = v.substr(0, q1);
    return v.substr(q2 + 1);
  };
  std::string bytes;
  const auto append = [&bytes](std::string_view v, bool encoded) {
    if (!encoded) {
      bytes.append(v);
      return;
    }
    const size_t at = bytes.size();
    bytes.resize(at + v.size());
    bytes.resize(at + PercentDecode(v, /*plus_as_space=*/false, bytes.data() + at));
  };
  if (whole.present) {
    append(strip_charset(whole.value), true);
  } else {
    for (size_t i = 0; i < kMaxSections && sections[i].present; ++i) {
      const Section& sec = sections[i];
      append(i == 0 && sec.encoded ? strip_charset(sec.value) : sec.value, sec.encoded);
    }
  }
  return TranscodeToUtf8(bytes, charset);
}

namespace {

// A white-space-free token that starts an RFC 2047 encoded word, read as
// Commons FileUpload's MimeUtility reads it: =?charset?B|Q?text?= with the
// text up to the first "?=" (anything after it is dropped). False when the
// token is not one.
bool DecodeEncodedWord(std::string_view token, std::string* text) {
  constexpr size_t kMaxCharset = 64;
  if (token.size() < 8 || token.substr(0, 2) != "=?") return false;
  const size_t q1 = token.find('?', 2);
  if (q1 == std::string_view::npos || q1 == 2 || q1 - 2 > kMaxCharset) return false;
  if (q1 + 2 >= token.size() || token[q1 + 2] != '?') return false;
  const char enc = token[q1 + 1];
  if (enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q') return false;
  const size_t term = token.find("?=", q1 + 3);
  if (term == std::string_view::npos) return false;
  const std::string_view encoded = token.substr(q1 + 3, term - q1 - 3);
  std::string_view charset = token.substr(2, q1 - 2);
  charset = charset.substr(0, charset.find('*'));  // RFC 2231's charset*language
  std::string bytes(Base64MaxDecodedSize(encoded.size()) + encoded.size(), '\0');
  if (enc == 'B' || enc == 'b') {
    const std::optional<size_t> n = Base64Decode(encoded, bytes.data());
    if (!n) return false;
    bytes.resize(*n);
  } else {
    // Quoted-printable with '_' for a space (RFC 2047 section 4.2); a token
    // holds no line break, so no soft one.
    std::string spaced(encoded);
    std::replace(spaced.begin(), spaced.end(), '_', ' ');
    bytes.resize(QuotedPrintableDecode(spaced, bytes.data()));
  }
  *text = TranscodeToUtf8(bytes, charset);
  return true;
}

}  // namespace

std::string DecodeEncodedWords(std::string_view in) {
  // Token by token, as MimeUtility.decodeText() splits the text: each token
  // is read once, so the whole is linear.
  std::string out;
  out.reserve(in.size());
  std::string word;
  size_t i = 0;
  bool after_word = false;  // the last token was a decoded word
  while (i < in.size()) {
    size_t j = i;
    while (j < in.size() && IsLinearWhiteSpace(in[j])) ++j;
    const std::string_view space = in.substr(i, j - i);
    size_t k = j;
    while (k < in.size() && !IsLinearWhiteSpace(in[k])) ++k;
    const std::string_view token = in.substr(j, k - j);
    if (!token.empty() && DecodeEncodedWord(token, &word)) {
      // White space between two encoded words is not part of the text.
      if (!after_word) out.append(space);
      out.append(word);
      after_word = true;
    } else {
      out.append(space);
      out.append(token);
      after_word = false;
    }
    i = k;
  }
  return out;
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
    if (i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      out[n++] = static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
      continue;
    }
    out[n++] = in[i];
  }
  return n;
}

namespace {

// IBM's EBCDIC code pages 037 (US, Canada; 1140 is 037 with the euro) and 500
// (international), as the codecs of the ICU and Python libraries define them.
// cp037: each byte as the Latin-1 code point it stands for.
constexpr uint8_t kIbm037[256] = {
    0x00, 0x01, 0x02, 0x03, 0x9c, 0x09, 0x86, 0x7f, 0x97, 0x8d, 0x8e, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x9d, 0x85, 0x08, 0x87, 0x18, 0x19, 0x92, 0x8f, 0x1c, 0x1d, 0x1e, 0x1f,
    0x80, 0x81, 0x82, 0x83, 0x84, 0x0a, 0x17, 0x1b, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x05, 0x06, 0x07,
    0x90, 0x91, 0x16, 0x93, 0x94, 0x95, 0x96, 0x04, 0x98, 0x99, 0x9a, 0x9b, 0x14, 0x15, 0x9e, 0x1a,
    0x20, 0xa0, 0xe2, 0xe4, 0xe0, 0xe1, 0xe3, 0xe5, 0xe7, 0xf1, 0xa2, 0x2e, 0x3c, 0x28, 0x2b, 0x7c,
    0x26, 0xe9, 0xea, 0xeb, 0xe8, 0xed, 0xee, 0xef, 0xec, 0xdf, 0x21, 0x24, 0x2a, 0x29, 0x3b, 0xac,
    0x2d, 0x2f, 0xc2, 0xc4, 0xc0, 0xc1, 0xc3, 0xc5, 0xc7, 0xd1, 0xa6, 0x2c, 0x25, 0x5f, 0x3e, 0x3f,
    0xf8, 0xc9, 0xca, 0xcb, 0xc8, 0xcd, 0xce, 0xcf, 0xcc, 0x60, 0x3a, 0x23, 0x40, 0x27, 0x3d, 0x22,
    0xd8, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0xab, 0xbb, 0xf0, 0xfd, 0xfe, 0xb1,
    0xb0, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0xaa, 0xba, 0xe6, 0xb8, 0xc6, 0xa4,
    0xb5, 0x7e, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0xa1, 0xbf, 0xd0, 0xdd, 0xde, 0xae,
    0x5e, 0xa3, 0xa5, 0xb7, 0xa9, 0xa7, 0xb6, 0xbc, 0xbd, 0xbe, 0x5b, 0x5d, 0xaf, 0xa8, 0xb4, 0xd7,
    0x7b, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0xad, 0xf4, 0xf6, 0xf2, 0xf3, 0xf5,
    0x7d, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0xb9, 0xfb, 0xfc, 0xf9, 0xfa, 0xff,
    0x5c, 0xf7, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0xb2, 0xd4, 0xd6, 0xd2, 0xd3, 0xd5,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0xb3, 0xdb, 0xdc, 0xd9, 0xda, 0x9f,
};
// cp500: each byte as the Latin-1 code point it stands for.
constexpr uint8_t kIbm500[256] = {
    0x00, 0x01, 0x02, 0x03, 0x9c, 0x09, 0x86, 0x7f, 0x97, 0x8d, 0x8e, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x9d, 0x85, 0x08, 0x87, 0x18, 0x19, 0x92, 0x8f, 0x1c, 0x1d, 0x1e, 0x1f,
    0x80, 0x81, 0x82, 0x83, 0x84, 0x0a, 0x17, 0x1b, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x05, 0x06, 0x07,
    0x90, 0x91, 0x16, 0x93, 0x94, 0x95, 0x96, 0x04, 0x98, 0x99, 0x9a, 0x9b, 0x14, 0x15, 0x9e, 0x1a,
    0x20, 0xa0, 0xe2, 0xe4, 0xe0, 0xe1, 0xe3, 0xe5, 0xe7, 0xf1, 0x5b, 0x2e, 0x3c, 0x28, 0x2b, 0x21,
    0x26, 0xe9, 0xea, 0xeb, 0xe8, 0xed, 0xee, 0xef, 0xec, 0xdf, 0x5d, 0x24, 0x2a, 0x29, 0x3b, 0x5e,
    0x2d, 0x2f, 0xc2, 0xc4, 0xc0, 0xc1, 0xc3, 0xc5, 0xc7, 0xd1, 0xa6, 0x2c, 0x25, 0x5f, 0x3e, 0x3f,
    0xf8, 0xc9, 0xca, 0xcb, 0xc8, 0xcd, 0xce, 0xcf, 0xcc, 0x60, 0x3a, 0x23, 0x40, 0x27, 0x3d, 0x22,
    0xd8, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0xab, 0xbb, 0xf0, 0xfd, 0xfe, 0xb1,
    0xb0, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0xaa, 0xba, 0xe6, 0xb8, 0xc6, 0xa4,
    0xb5, 0x7e, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0xa1, 0xbf, 0xd0, 0xdd, 0xde, 0xae,
    0xa2, 0xa3, 0xa5, 0xb7, 0xa9, 0xa7, 0xb6, 0xbc, 0xbd, 0xbe, 0xac, 0x7c, 0xaf, 0xa8, 0xb4, 0xd7,
    0x7b, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0xad, 0xf4, 0xf6, 0xf2, 0xf3, 0xf5,
    0x7d, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0xb9, 0xfb, 0xfc, 0xf9, 0xfa, 0xff,
    0x5c, 0xf7, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0xb2, 0xd4, 0xd6, 0xd2, 0xd3, 0xd5,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0xb3, 0xdb, 0xdc, 0xd9, 0xda, 0x9f,
};

// A charset name as a Content-Type parameter gives it, without the quotes
// and spaces around it.
std::string_view BareCharset(std::string_view charset) {
  while (!charset.empty() && (charset.front() == '"' || charset.front() == ' ')) {
    charset.remove_prefix(1);
  }
  while (!charset.empty() && (charset.back() == '"' || charset.back() == ' ')) {
    charset.remove_suffix(1);
  }
  return charset;
}

}  // namespace

const uint8_t* EbcdicTable(std::string_view charset) {
  charset = BareCharset(charset);
  for (std::string_view name : {"ibm037", "ibm-037", "ibm37", "cp037", "cp37", "csibm037",
                                "ebcdic-cp-us", "ebcdic-cp-ca", "ebcdic-cp-nl", "ebcdic-cp-wt",
                                "ibm01140", "ibm1140", "cp1140", "ccsid01140", "ebcdic-us-37+euro"}) {
    if (EqualsIgnoreCase(charset, name)) return kIbm037;
  }
  for (std::string_view name : {"ibm500", "ibm-500", "cp500", "csibm500", "ebcdic-cp-be",
                                "ebcdic-cp-ch"}) {
    if (EqualsIgnoreCase(charset, name)) return kIbm500;
  }
  return nullptr;
}

size_t EbcdicToUtf8(std::string_view in, const uint8_t* table, char* out) {
  size_t n = 0;
  for (char c : in) {
    const uint8_t cp = table[static_cast<uint8_t>(c)];
    if (cp < 0x80) {
      out[n++] = static_cast<char>(cp);
    } else {
      out[n++] = static_cast<char>(0xc0 | (cp >> 6));
      out[n++] = static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  return n;
}

UnicodeForm DetectUnicodeForm(std::string_view text, std::string_view charset) {
  charset = BareCharset(charset);
  const auto at = [&](size_t i) { return i < text.size() ? static_cast<uint8_t>(text[i]) : 1; };
  // A byte order mark decides (UTF-32 first: its LE mark starts like UTF-16's).
  if (at(0) == 0xff && at(1) == 0xfe && at(2) == 0 && at(3) == 0) return UnicodeForm::kUtf32Le;
  if (at(0) == 0 && at(1) == 0 && at(2) == 0xfe && at(3) == 0xff) return UnicodeForm::kUtf32Be;
  if (at(0) == 0xff && at(1) == 0xfe) return UnicodeForm::kUtf16Le;
  if (at(0) == 0xfe && at(1) == 0xff) return UnicodeForm::kUtf16Be;
  if (EqualsIgnoreCase(charset, "utf-16le")) return UnicodeForm::kUtf16Le;
  if (EqualsIgnoreCase(charset, "utf-16be")) return UnicodeForm::kUtf16Be;
  if (EqualsIgnoreCase(charset, "utf-32le")) return UnicodeForm::kUtf32Le;
  if (EqualsIgnoreCase(charset, "utf-32be")) return UnicodeForm::kUtf32Be;
  // Otherwise the zero bytes around the first character, as RFC 4627 reads
  // JSON and as Jackson and Python's json do (any text starts with ASCII
  // here: '{', '[', '<', a name or a digit).
  if (text.size() >= 4 && at(0) != 0 && at(1) == 0 && at(2) == 0 && at(3) == 0) {
    return UnicodeForm::kUtf32Le;
  }
  if (text.size() >= 4 && at(0) == 0 && at(1) == 0 && at(2) == 0 && at(3) != 0) {
    return UnicodeForm::kUtf32Be;
  }
  if (text.size() >= 2 && at(0) != 0 && at(1) == 0) return UnicodeForm::kUtf16Le;
  if (text.size() >= 2 && at(0) == 0 && at(1) != 0) return UnicodeForm::kUtf16Be;
  if (EqualsIgnoreCase(charset, "utf-16")) return UnicodeForm::kUtf16Be;  // RFC 2781's default
  if (EqualsIgnoreCase(charset, "utf-32")) return UnicodeForm::kUtf32Be;
  return UnicodeForm::kNone;
}

size_t UnicodeToUtf8(std::string_view in, UnicodeForm form, char* out) {
  const size_t unit = form == UnicodeForm::kUtf32Le || form == UnicodeForm::kUtf32Be ? 4 : 2;
  const bool le = form == UnicodeForm::kUtf16Le || form == UnicodeForm::kUtf32Le;
  const auto read = [&](size_t i) {
    uint32_t v = 0;
    for (size_t k = 0; k < unit; ++k) {
      const uint32_t b = static_cast<uint8_t>(in[i + k]);
      v |= le ? b << (8 * k) : b << (8 * (unit - 1 - k));
    }
    return v;
  };
  size_t i = 0, n = 0;
  // A byte order mark is not text.
  if (in.size() >= unit && read(0) == 0xfeff) i = unit;
  for (; i + unit <= in.size(); i += unit) {
    uint32_t cp = read(i);
    if (unit == 2 && cp >= 0xd800 && cp <= 0xdbff && i + 2 * unit <= in.size()) {
      const uint32_t lo = read(i + unit);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i += unit;
      }
    }
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) cp = 0xfffd;
    n += EncodeUtf8(cp, out + n);
  }
  return n;
}

size_t EncodeUtf8(uint32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xc0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xe0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out[2] = static_cast<char>(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = static_cast<char>(0xf0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
  out[3] = static_cast<char>(0x80 | (cp & 0x3f));
  return 4;
}

std::string TranscodeToUtf8(std::string_view in, std::string_view charset) {
  charset = BareCharset(charset);
  std::string out(2 * in.size(), '\0');
  if (const uint8_t* table = EbcdicTable(charset)) {
    out.resize(EbcdicToUtf8(in, table, out.data()));
    return out;
  }
  const bool wide = charset.size() >= 6 && (EqualsIgnoreCase(charset.substr(0, 6), "utf-16") ||
                                            EqualsIgnoreCase(charset.substr(0, 6), "utf-32"));
  if (wide) {
    const UnicodeForm form = DetectUnicodeForm(in, charset);
    if (form != UnicodeForm::kNone) {
      out.resize(UnicodeToUtf8(in, form, out.data()));
      return out;
    }
  }
  for (std::string_view latin1 : {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1",
                                  "iso_8859-1", "cp819", "ibm819", "windows-1252", "cp1252"}) {
    if (!EqualsIgnoreCase(charset, latin1)) continue;
    // Each byte is the code point of the same number.
    static constexpr std::array<uint8_t, 256> kLatin1 = [] {
      std::array<uint8_t, 256> t{};
      for (size_t i = 0; i < t.size(); ++i) t[i] = static_cast<uint8_t>(i);
      return t;
    }();
    out.resize(EbcdicToUtf8(in, kLatin1.data(), out.data()));
    return out;
  }
  return std::string(in);
}

}  // namespace fnguard::event
