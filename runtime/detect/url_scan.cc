#include "runtime/detect/url_scan.h"

#include <array>
#include <cstdint>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/ip_address.h"

namespace fnguard::detect {
namespace {

bool IsSchemeChar(char c) {
  return scan::IsAlnum(c) || c == '+' || c == '-' || c == '.';
}

bool EndsAuthority(char c) {
  return c == '/' || c == '\\' || c == '?' || c == '#' || scan::IsSpace(c) || c == '"' ||
         c == '\'' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|' ||
         c == '^' || c == ',';
}

bool EndsUrl(char c) {
  return scan::IsSpace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
}

using scan::IsSlash;

// First j >= from with two slashes (either kind) at j and j + 1, or npos.
size_t NextDoubleSlash(std::string_view t, size_t from) {
  // Jump from slash to slash (most text has few).
  constexpr size_t kNone = std::string_view::npos;
  for (size_t j = scan::FindAnyOf(t, from, '/', '\\', '/'); j != kNone && j + 1 < t.size();
       j = scan::FindAnyOf(t, j + 1, '/', '\\', '/')) {
    if (IsSlash(t[j + 1])) return j;
  }
  return std::string_view::npos;
}

// The digits `s` starts with: a port, without what follows it.
std::string_view LeadingDigits(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && scan::IsDigit(s[n])) ++n;
  return s.substr(0, n);
}

void SplitAuthority(UrlRef* url) {
  std::string_view a = url->authority;
  size_t at = a.rfind('@');
  if (at != std::string_view::npos) {
    url->has_userinfo = true;
    a = a.substr(at + 1);
  }
  if (!a.empty() && a.front() == '[') {
    size_t close = a.find(']');
    if (close != std::string_view::npos) {
      url->host = a.substr(0, close + 1);
      std::string_view after = a.substr(close + 1);
      if (!after.empty() && after.front() == ':') url->port = LeadingDigits(after.substr(1));
      return;
    }
    url->host = a;
    return;
  }
  size_t colon = a.find(':');
  if (colon != std::string_view::npos) {
    // Unbracketed IPv6 ("::1") has two or more colons and only hex digits.
    bool ipv6ish = a.find(':', colon + 1) != std::string_view::npos;
    for (char c : a) ipv6ish = ipv6ish && (scan::IsHex(c) || c == ':' || c == '.');
    std::array<uint8_t, 16> bytes;
    ipv6ish = ipv6ish && ParseIpv6(a, &bytes);
    if (!ipv6ish) {
      url->host = a.substr(0, colon);
      url->port = LeadingDigits(a.substr(colon + 1));
      return;
    }
  }
  // Characters that cannot be part of a host end it ("127.0.0.1!/" in jar: URLs).
  size_t e = 0;
  while (e < a.size() && (scan::IsAlnum(a[e]) || a[e] == '.' || a[e] == '-' || a[e] == '_' ||
                          a[e] == ':' || a[e] == '%' || static_cast<unsigned char>(a[e]) >= 0x80)) {
    ++e;
  }
  url->host = a.substr(0, e);
}

}  // namespace

bool NextUrl(std::string_view text, size_t* pos, UrlRef* url, bool allow_protocol_relative) {
  size_t i = *pos;
  while (i + 2 < text.size()) {
    // Both shapes below need two slashes in a row, at i + 1 or at i: skip to
    // just before the next such pair.
    const size_t d = NextDoubleSlash(text, i);
    if (d == std::string_view::npos) break;
    if (d > i + 1) {
      i = d - 1;
      if (i + 2 >= text.size()) break;
    }
    size_t slashes_at = std::string_view::npos;
    size_t scheme_begin = i;
    if (text[i] == ':' && i + 2 < text.size() && IsSlash(text[i + 1]) && IsSlash(text[i + 2])) {
      scheme_begin = i;
      while (scheme_begin > 0 && IsSchemeChar(text[scheme_begin - 1]) && i - scheme_begin < 32) {
        --scheme_begin;
      }
      // Schemes start with a letter.
      while (scheme_begin < i && !scan::IsAlpha(text[scheme_begin])) ++scheme_begin;
      if (scheme_begin < i) slashes_at = i + 1;
    } else if (allow_protocol_relative && text[i] == '/' && text[i + 1] == '/' &&
               (i == 0 || text[i - 1] == '=' || text[i - 1] == '"' || text[i - 1] == '\'' ||
                scan::IsSpace(text[i - 1])) &&
               i + 2 < text.size() && (scan::IsAlnum(text[i + 2]) || text[i + 2] == '[')) {
      scheme_begin = i;
      slashes_at = i;
    }
    if (slashes_at == std::string_view::npos) {
      ++i;
      continue;
    }
    *url = UrlRef{};
    url->begin = scheme_begin;
    url->scheme = text.substr(scheme_begin, slashes_at == i ? 0 : i - scheme_begin);
    size_t a = slashes_at + 2;
    // Extra slashes ("http:///host") are skipped like browsers do.
    if (!scan::IEquals(url->scheme, "file")) {
      while (a < text.size() && IsSlash(text[a]) && a - slashes_at < 8) ++a;
    }
    size_t e = a;
    // Bounded so that many URLs in one value stay linear overall.
    while (e < text.size() && e - a < 512 && !EndsAuthority(text[e])) ++e;
    url->authority = text.substr(a, e - a);
    size_t r = e;
    while (r < text.size() && r - e < 4096 && !EndsUrl(text[r])) ++r;
    url->rest = text.substr(e, r - e);
    url->end = r;
    SplitAuthority(url);
    *pos = slashes_at + 2;
    return true;
  }
  *pos = text.size();
  return false;
}

bool SplitSchemeless(std::string_view token, UrlRef* url, bool* protocol_relative) {
  *url = UrlRef{};
  size_t a = 0;
  while (a < token.size() && a < 8 && IsSlash(token[a])) ++a;
  if (protocol_relative != nullptr) *protocol_relative = a >= 2;
  if (a == 1) return false;  // "/path" is a path on this server
  for (char c : token) {
    if (scan::IsSpace(c)) return false;
  }
  size_t e = a;
  while (e < token.size() && e - a < 512 && !EndsAuthority(token[e])) ++e;
  if (e == a) return false;
  url->authority = token.substr(a, e - a);
  url->rest = token.substr(e);
  url->begin = 0;
  url->end = token.size();
  SplitAuthority(url);
  return !url->host.empty();
}

}  // namespace fnguard::detect
