// HTTP header injection (CRLF injection, response splitting): a value that
// ends a header line and starts another one. Applications copy inputs into
// headers (a redirect's Location, a cookie, a download's filename); a CR or
// LF in such an input lets the attacker add headers (Set-Cookie, CORS,
// Content-Security-Policy) or a whole second response.
//
// Grammar: after a CR/LF run, an HTTP field line `name:` (RFC 9110 token
// characters, no space before the colon) or a status line `HTTP/d`. What a
// field name must be depends on where the value came from:
// - query, header, cookie, path, path parameter: values that are written
//   back into URLs and headers and that have no business carrying line
//   breaks. Any registered or `X-` field name, or a status line.
// - bodies, messages and other JSON: multi-line text is ordinary there
//   (support tickets quote e-mails, "Location: Berlin" opens a line of a job
//   posting), so only field names that mean something to a browser when
//   injected and that prose does not use: Set-Cookie, Refresh, CORS and
//   security-policy headers.
#include <array>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/fill_match.h"

namespace fnguard::detect {
namespace {

// Field names that change what a browser does with the response, in lower
// case. Prose does not start a line with them.
constexpr std::array<std::string_view, 16> kInjectedResponseFields = {
    "set-cookie",
    "set-cookie2",
    "refresh",
    "content-security-policy",
    "content-security-policy-report-only",
    "x-xss-protection",
    "x-frame-options",
    "x-content-type-options",
    "strict-transport-security",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-expose-headers",
    "cross-origin-resource-policy",
    "cross-origin-opener-policy",
};

// Other common request and response fields (lower case).
constexpr std::array<std::string_view, 38> kCommonFields = {
    "location",        "content-type",     "content-length",   "content-disposition",
    "content-encoding", "content-language", "content-location", "content-range",
    "transfer-encoding", "cache-control",   "pragma",           "expires",
    "last-modified",   "etag",             "vary",             "link",
    "server",          "date",             "age",              "connection",
    "keep-alive",      "upgrade",          "host",             "cookie",
    "authorization",   "proxy-authorization", "www-authenticate", "referer",
    "origin",          "user-agent",       "accept",           "accept-encoding",
    "accept-language", "range",            "forwarded",        "via",
    "te",              "trailer",
};

bool IsTokenChar(char c) {
  // RFC 9110 tchar minus the characters no real field name uses.
  return scan::IsAlnum(c) || c == '-' || c == '_' || c == '.';
}

// Strict contexts: the value should never hold a line break.
bool IsLineFreeLocation(event::Location loc) {
  switch (loc) {
    case event::Location::kPath:
    case event::Location::kQuery:
    case event::Location::kHeader:
    case event::Location::kCookie:
    case event::Location::kParam:
      return true;
    default:
      return false;
  }
}

struct Injected {
  size_t offset = 0;
  size_t length = 0;
  bool status_line = false;
  bool response_field = false;  // in kInjectedResponseFields
  bool known_field = false;     // in kCommonFields or X-*
};

// Reads the line starting at `p` (just after a CR/LF run). Returns false when
// it is not an HTTP field or status line.
bool ReadLine(std::string_view v, size_t p, Injected* out) {
  // "HTTP/1.1 200", "HTTP/2 302": a second response.
  if (scan::IAt(v, p, "http/") && p + 5 < v.size() && scan::IsDigit(v[p + 5])) {
    out->offset = p;
    out->length = 6;
    out->status_line = true;
    return true;
  }
  size_t e = p;
  // Field names are short; a longer run of token characters is a word.
  while (e < v.size() && e - p <= 40 && IsTokenChar(v[e])) ++e;
  if (e == p || e - p > 40 || e >= v.size() || v[e] != ':') return false;
  if (!scan::IsAlpha(v[p])) return false;
  std::string_view name = v.substr(p, e - p);
  out->offset = p;
  out->length = e - p + 1;
  out->response_field = scan::IEqualsAny(name, kInjectedResponseFields);
  out->known_field = out->response_field || scan::IEqualsAny(name, kCommonFields) ||
                     (name.size() >= 3 && scan::IAt(name, 0, "x-"));
  return true;
}

class CrlfImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kCrlf; }

  bool Inspect(const Input& in, Match* m) const override {
    // A line break is a control byte, and a field line needs its colon (a
    // status line its slash).
    if (!in.mask.has_control || !in.mask.HasAny(":/")) return false;
    std::string_view v = in.norm;
    const bool strict = IsLineFreeLocation(in.location) && !in.IsObjectKey();
    size_t i = 0;
    // The next CR at or after `i`, searched for again only once `i` has
    // passed it: searching the rest of the value at every LF would read a
    // value of many lines and no CR once per line.
    const char* cr = static_cast<const char*>(std::memchr(v.data(), '\r', v.size()));
    while (i < v.size()) {
      const void* hit = nullptr;
      {
        // The next CR or LF.
        const char* base = v.data() + i;
        const size_t n = v.size() - i;
        if (cr != nullptr && cr < base) cr = static_cast<const char*>(std::memchr(base, '\r', n));
        const void* lf = std::memchr(base, '\n', cr != nullptr ? cr - base : n);
        hit = lf != nullptr ? lf : cr;
      }
      if (hit == nullptr) return false;
      size_t p = static_cast<const char*>(hit) - v.data();
      while (p < v.size() && (v[p] == '\r' || v[p] == '\n')) ++p;
      Injected line;
      if (p < v.size() && ReadLine(v, p, &line)) {
        if (line.response_field) {
          return FillMatch(m, "crlf.header_injection",
                           "Line break followed by a response header that changes what the "
                           "browser does (response splitting)",
                           strict ? 90 : 75, line.offset, line.length);
        }
        if (strict && (line.known_field || line.status_line)) {
          return FillMatch(m, line.status_line ? "crlf.response_splitting" : "crlf.header_injection",
                           line.status_line
                               ? "Line break followed by an HTTP status line in a value that is "
                                 "written into URLs or headers"
                               : "Line break followed by an HTTP header in a value that is "
                                 "written into URLs or headers",
                           85, line.offset, line.length);
        }
      }
      i = p > i ? p : i + 1;
    }
    return false;
  }
};

}  // namespace

const Detector& CrlfDetector() {
  static const CrlfImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
