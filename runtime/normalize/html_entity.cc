// HTML character references: named (the common set), decimal and hex, with
// leading zeros and the missing ';' that browsers tolerate.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/normalize/normalize.h"
#include "runtime/normalize/text_codec.h"

namespace fnguard::normalize {
namespace {

struct NamedEntity {
  std::string_view name;
  uint32_t cp;
  bool legacy;  // decoded by browsers even without the trailing ';'
};

// Sorted by name (byte order) for binary search. Names are case-sensitive,
// as in HTML.
constexpr NamedEntity kEntities[] = {
    {"AMP", '&', true},      {"Aacute", 0xC1, true},   {"Agrave", 0xC0, true},
    {"Auml", 0xC4, true},    {"COPY", 0xA9, true},     {"Ccedil", 0xC7, true},
    {"Eacute", 0xC9, true},  {"GT", '>', true},        {"LT", '<', true},
    {"NewLine", '\n', false}, {"Ouml", 0xD6, true},    {"QUOT", '"', true},
    {"REG", 0xAE, true},     {"Tab", '\t', false},     {"Uuml", 0xDC, true},
    {"aacute", 0xE1, true},  {"acute", 0xB4, true},    {"agrave", 0xE0, true},
    {"amp", '&', true},      {"apos", '\'', false},    {"ast", '*', false},
    {"auml", 0xE4, true},    {"bdquo", 0x201E, false}, {"bsol", '\\', false},
    {"bull", 0x2022, false}, {"ccedil", 0xE7, true},   {"cent", 0xA2, true},
    {"circ", 0x2C6, false},  {"colon", ':', false},    {"comma", ',', false},
    {"commat", '@', false},  {"copy", 0xA9, true},     {"curren", 0xA4, true},
    {"dagger", 0x2020, false}, {"deg", 0xB0, true},    {"divide", 0xF7, true},
    {"dollar", '$', false},  {"eacute", 0xE9, true},   {"ecirc", 0xEA, true},
    {"egrave", 0xE8, true},  {"emsp", 0x2003, false},  {"ensp", 0x2002, false},
    {"equals", '=', false},  {"euml", 0xEB, true},     {"euro", 0x20AC, false},
    {"excl", '!', false},    {"frac12", 0xBD, true},   {"frac14", 0xBC, true},
    {"frac34", 0xBE, true},  {"grave", '`', false},    {"gt", '>', true},
    {"hellip", 0x2026, false}, {"hyphen", 0x2010, false}, {"iacute", 0xED, true},
    {"icirc", 0xEE, true},   {"iexcl", 0xA1, true},    {"igrave", 0xEC, true},
    {"iquest", 0xBF, true},  {"iuml", 0xEF, true},     {"laquo", 0xAB, true},
    {"lbrace", '{', false},  {"lbrack", '[', false},   {"lcub", '{', false},
    {"ldquo", 0x201C, false}, {"lowbar", '_', false},  {"lpar", '(', false},
    {"lsaquo", 0x2039, false}, {"lsqb", '[', false},   {"lsquo", 0x2018, false},
    {"lt", '<', true},       {"macr", 0xAF, true},     {"mdash", 0x2014, false},
    {"micro", 0xB5, true},   {"midast", '*', false},   {"middot", 0xB7, true},
    {"nbsp", 0xA0, true},    {"ndash", 0x2013, false}, {"not", 0xAC, true},
    {"ntilde", 0xF1, true},  {"num", '#', false},      {"oacute", 0xF3, true},
    {"ocirc", 0xF4, true},   {"ograve", 0xF2, true},   {"ordf", 0xAA, true},
    {"ordm", 0xBA, true},    {"ouml", 0xF6, true},     {"para", 0xB6, true},
    {"percnt", '%', false},  {"period", '.', false},   {"permil", 0x2030, false},
    {"plus", '+', false},    {"plusmn", 0xB1, true},   {"pound", 0xA3, true},
    {"quest", '?', false},   {"quot", '"', true},      {"raquo", 0xBB, true},
    {"rbrace", '}', false},  {"rbrack", ']', false},   {"rcub", '}', false},
    {"rdquo", 0x201D, false}, {"reg", 0xAE, true},     {"rpar", ')', false},
    {"rsaquo", 0x203A, false}, {"rsqb", ']', false},   {"rsquo", 0x2019, false},
    {"sbquo", 0x201A, false}, {"sect", 0xA7, true},    {"semi", ';', false},
    {"shy", 0xAD, true},     {"sol", '/', false},      {"sup1", 0xB9, true},
    {"sup2", 0xB2, true},    {"sup3", 0xB3, true},     {"szlig", 0xDF, true},
    {"thinsp", 0x2009, false}, {"tilde", 0x2DC, false}, {"times", 0xD7, true},
    {"trade", 0x2122, false}, {"uacute", 0xFA, true},  {"ucirc", 0xFB, true},
    {"ugrave", 0xF9, true},  {"uml", 0xA8, true},      {"uuml", 0xFC, true},
    {"verbar", '|', false},  {"vert", '|', false},     {"yacute", 0xFD, true},
    {"yen", 0xA5, true},     {"yuml", 0xFF, true},     {"zwj", 0x200D, false},
    {"zwnj", 0x200C, false},
};
constexpr size_t kMaxEntityName = 8;

const NamedEntity* FindEntity(std::string_view name) {
  const NamedEntity* end = kEntities + sizeof(kEntities) / sizeof(kEntities[0]);
  const NamedEntity* it = std::lower_bound(
      kEntities, end, name, [](const NamedEntity& e, std::string_view n) { return e.name < n; });
  if (it != end && it->name == name) return it;
  return nullptr;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Decodes the reference starting at in[i] == '&'. Returns the number of bytes
// consumed (0: not a reference) and sets `*cp`.
size_t ReferenceAt(std::string_view in, size_t i, uint32_t* cp) {
  size_t j = i + 1;
  if (j >= in.size()) return 0;
  if (in[j] == '#') {
    ++j;
    bool hex = false;
    if (j < in.size() && (in[j] == 'x' || in[j] == 'X')) {
      hex = true;
      ++j;
    }
    size_t digits_start = j;
    uint32_t v = 0;
    while (j < in.size()) {
      int d = hex ? HexValue(in[j]) : (in[j] >= '0' && in[j] <= '9' ? in[j] - '0' : -1);
      if (d < 0) break;
      v = v * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      if (v > 0x10FFFF) v = 0x110000;  // saturate; becomes U+FFFD
      ++j;
    }
    if (j == digits_start) return 0;
    if (j < in.size() && in[j] == ';') ++j;
    *cp = (v == 0) ? 0xFFFD : v;
    return j - i;
  }
  // Named: the longest name in the table that matches, ';' optional only for
  // the legacy names.
  size_t k = j;
  while (k < in.size() && k - j < kMaxEntityName && IsAsciiAlnum(in[k])) ++k;
  for (size_t end = k; end > j; --end) {
    const NamedEntity* e = FindEntity(in.substr(j, end - j));
    if (e == nullptr) continue;
    if (end < in.size() && in[end] == ';') {
      *cp = e->cp;
      return end + 1 - i;
    }
    if (e->legacy) {
      *cp = e->cp;
      return end - i;
    }
  }
  return 0;
}

}  // namespace

bool HtmlEntityDecode(std::string_view in, std::string* out) {
  size_t first = in.size();
  uint32_t cp = 0;
  for (size_t i = in.find('&'); i != std::string_view::npos; i = in.find('&', i + 1)) {
    if (ReferenceAt(in, i, &cp) != 0) {
      first = i;
      break;
    }
  }
  if (first == in.size()) return false;
  std::string result;
  result.reserve(in.size());
  result.append(in.substr(0, first));
  for (size_t i = first; i < in.size();) {
    if (in[i] == '&') {
      size_t n = ReferenceAt(in, i, &cp);
      if (n != 0) {
        AppendUtf8(cp, &result);
        i += n;
        continue;
      }
    }
    result.push_back(in[i]);
    ++i;
  }
  *out = std::move(result);
  return true;
}

}  // namespace fnguard::normalize
