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

// Whether the text before a value's first line break is one token that
// would be written into a header (an address, a URL, a language tag with a
// region, an id), not a line of prose: no blanks, and a character prose
// words do not have. Empty counts: the value starts with the break.
bool IsHeaderTokenPrefix(std::string_view prefix) {
  if (prefix.size() > 256) return false;
  bool marked = prefix.empty();
  for (size_t k = 0; k < prefix.size(); ++k) {
    const char c = prefix[k];
    if (c == ' ' || c == '\t') return false;
    // A dot counts inside a name ("example.com"), not at a sentence's end.
    if (scan::IsDigit(c) || c == '@' || c == '/' || c == '=' || c == '%' || c == '_' ||
        (c == '.' && k + 1 < prefix.size() && scan::IsAlnum(prefix[k + 1]))) {
      marked = true;
    }
  }
  return marked;
}

// Length of a line break at v[p], 0 when there is none: CR or LF, or a
// character that becomes one on the way into a header. Writers that keep
// only the low byte of each character turn U+560A and U+560D ("嘊", "嘍")
// into LF and CR, and U+0085, U+2028 and U+2029 end lines for
// Unicode-aware parsers. `disguised` tells which.
size_t BreakAt(std::string_view v, size_t p, bool* disguised) {
  const unsigned char c = static_cast<unsigned char>(v[p]);
  *disguised = false;
  if (c == '\r' || c == '\n') return 1;
  if (c < 0xc2) return 0;
  size_t n = c < 0xe0 ? 2 : (c < 0xf0 ? 3 : 4);
  if (p + n > v.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(v[p + k]) & 0xc0) != 0x80) return 0;
  }
  const unsigned char last = static_cast<unsigned char>(v[p + n - 1]);
  const unsigned char before = static_cast<unsigned char>(v[p + n - 2]);
  const bool low_byte_break = (before & 0x03) == 0 && (last == 0x8a || last == 0x8d);
  const bool separator = (n == 2 && c == 0xc2 && last == 0x85) ||
                         (n == 3 && c == 0xe2 && before == 0x80 && (last == 0xa8 || last == 0xa9));
  if (!low_byte_break && !separator) return 0;
  *disguised = true;
  return n;
}

// Length of an event-stream field name and its ':' at `p` ("data:",
// "event:", "id:", "retry:", as the stream writes them, in lower case),
// 0 when there is none.
size_t SseFieldAt(std::string_view v, size_t p) {
  for (std::string_view f : {"data:", "event:", "id:", "retry:"}) {
    if (v.compare(p, f.size(), f) == 0) return f.size();
  }
  return 0;
}

// Whether the event-stream field at `p` (after a line break) is injected:
// in a strict context, after CR LF, or followed by a second field. (After a
// plain LF, one "data:" line may be text.)
bool SseFieldInjected(std::string_view v, size_t p, bool strict) {
  if (strict || (p >= 2 && v[p - 2] == '\r' && v[p - 1] == '\n')) return true;
  const size_t nl = v.find('\n', p);
  return nl != std::string_view::npos && nl - p < 4096 && SseFieldAt(v, nl + 1) > 0;
}

// Whether a log level in capitals starts at `p`, then a blank and a word.
bool BareLogLevelAt(std::string_view v, size_t p) {
  for (std::string_view level :
       {"INFO", "WARN", "WARNING", "ERROR", "DEBUG", "FATAL", "TRACE", "CRITICAL", "NOTICE"}) {
    if (v.compare(p, level.size(), level) == 0) {
      const size_t e = p + level.size();
      return e + 1 < v.size() && v[e] == ' ' && scan::IsAlnum(v[e + 1]);
    }
  }
  return false;
}

// Whether v[p] starts U+0085, U+2028 or U+2029.
bool IsUnicodeLineSeparator(std::string_view v, size_t p) {
  return (p + 1 < v.size() && v[p] == '\xC2' && v[p + 1] == '\x85') ||
         (p + 2 < v.size() && v[p] == '\xE2' && v[p + 1] == '\x80' &&
          (v[p + 2] == '\xA8' || v[p + 2] == '\xA9'));
}

bool IsLineEnd(std::string_view v, size_t k) {
  return k >= v.size() || v[k] == '\r' || v[k] == '\n';
}

// Whether `k` is the end of the value, of a line, or a blank run before it.
bool IsLineEndAt(std::string_view v, size_t k) {
  while (k < v.size() && (v[k] == ' ' || v[k] == '\t')) ++k;
  return IsLineEnd(v, k);
}

struct Injected {
  size_t offset = 0;
  size_t length = 0;
  bool status_line = false;
  bool request_line = false;
  bool response_field = false;  // in kInjectedResponseFields
  bool known_field = false;     // in kCommonFields, kMailFields or X-*
  bool short_name = false;      // a known field of four letters or fewer
  bool location_url = false;    // Location: followed by a URL or path
  bool implausible_value = false;  // Host: or Date: followed by what neither holds
  bool mail_field = false;         // in kMailFields
  bool labelling_mail_field = false;  // To, From or Subject
};

// Whether the value after a "Host:" is a host as a header carries one (a
// name or address, a port): one token ("Host: Dr. Patel" labels a line).
bool IsHostValue(std::string_view v, size_t k) {
  size_t e = k;
  while (e < v.size() && (scan::IsAlnum(v[e]) || v[e] == '.' || v[e] == '-' || v[e] == ':' ||
                          v[e] == '[' || v[e] == ']' || v[e] == '_')) {
    ++e;
  }
  return e > k && IsLineEndAt(v, e);
}

// Whether the value after a "Date:" opens as an HTTP date does, with a day
// name and a comma ("Sun, 06 Nov 1994 08:49:37 GMT"); "date: 2024-05-12" is
// a line of YAML front matter.
bool IsHttpDate(std::string_view v, size_t k) {
  return k + 4 <= v.size() && scan::IsAlpha(v[k]) && scan::IsAlpha(v[k + 1]) &&
         scan::IsAlpha(v[k + 2]) && v[k + 3] == ',';
}

// Mail header fields a line break adds to a message (lower case).
// (To, From and Subject label lines of quoted mail in prose too.)
constexpr std::array<std::string_view, 3> kMailFields = {"bcc", "cc", "reply-to"};

// "GET /admin HTTP/1.1": a request line, smuggled into a request the server
// makes with the value (an upstream call, a Redis or SMTP command).
bool IsRequestLine(std::string_view v, size_t p) {
  size_t e = p;
  while (e < v.size() && e - p < 8 && v[e] >= 'A' && v[e] <= 'Z') ++e;
  if (e - p < 3 || e >= v.size() || v[e] != ' ') return false;
  ++e;
  if (e >= v.size() || !(v[e] == '/' || v[e] == '*' || scan::IAt(v, e, "http"))) return false;
  const std::string_view line = v.substr(e, 2048);
  const size_t http = line.find(" HTTP/");
  return http != std::string_view::npos &&
         line.substr(0, http).find_first_of("\r\n ") == std::string_view::npos;
}

// Reads the line starting at `p` (just after a CR/LF run). Returns false when
// it is not an HTTP field, status or request line.
bool ReadLine(std::string_view v, size_t p, Injected* out) {
  // "HTTP/1.1 200", "HTTP/2 302": a second response.
  if (scan::IAt(v, p, "http/") && p + 5 < v.size() && scan::IsDigit(v[p + 5])) {
    out->offset = p;
    out->length = 6;
    out->status_line = true;
    return true;
  }
  if (IsRequestLine(v, p)) {
    out->offset = p;
    out->length = v.find(' ', p) - p;
    out->request_line = true;
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
                     scan::IEqualsAny(name, kMailFields) ||
                     (name.size() >= 3 && scan::IAt(name, 0, "x-"));
  out->short_name = name.size() <= 4;
  out->mail_field = scan::IEqualsAny(name, kMailFields);
  out->labelling_mail_field = scan::IEqualsAny(name, {"to", "from", "subject"});
  size_t k = e + 1;
  while (k < v.size() && (v[k] == ' ' || v[k] == '\t')) ++k;
  if (scan::IEquals(name, "host")) out->implausible_value = !IsHostValue(v, k);
  if (scan::IEquals(name, "date")) out->implausible_value = !IsHttpDate(v, k);
  if (scan::IEquals(name, "location")) {
    out->location_url = k < v.size() && (v[k] == '/' || v[k] == '\\' || scan::IAt(v, k, "http") ||
                                         scan::IAt(v, k, "javascript:"));
  }
  return true;
}

// A person's name as a form field holds it ("John Smith", "Ana María
// López-Ortiz"): two to four words of letters, nothing else; or a mailbox,
// one to four such words and an address in angle brackets ("山田
// <yamada@example.jp>").
bool IsNameLine(std::string_view line) {
  int min_words = 2;
  if (line.size() > 5 && line.back() == '>') {
    const size_t open = line.rfind(" <");
    if (open == std::string_view::npos ||
        line.find('@', open) == std::string_view::npos) {
      return false;
    }
    line = line.substr(0, open);
    min_words = 1;
  }
  if (line.empty() || line.size() > 64) return false;
  int words = 0;
  bool in_word = false;
  for (char c : line) {
    if (c == ' ') {
      in_word = false;
      continue;
    }
    if (!(scan::IsAlpha(c) || c == '-' || c == '\'' || c == '.' ||
          static_cast<unsigned char>(c) >= 0x80)) {
      return false;
    }
    if (!in_word) ++words;
    in_word = true;
  }
  return words >= min_words && words <= 4;
}

// A value that is one word (a cache key, a user name, an id): letters,
// digits and the marks of names, no blanks and no colon.
bool IsOneWord(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > 128) return false;
  for (char c : prefix) {
    if (!(scan::IsAlnum(c) || c == '_' || c == '-' || c == '.' || c == '@' || c == '>' ||
          c == '<')) {
      return false;
    }
  }
  return true;
}

// Commands of Redis's inline protocol that change or read the store, and
// of SMTP, in the upper case clients send.
constexpr std::array<std::string_view, 26> kRedisCommands = {
    "FLUSHALL", "FLUSHDB", "SET",    "SETEX",    "DEL",     "EVAL",   "EVALSHA",
    "SLAVEOF",  "REPLICAOF", "CONFIG", "MODULE", "SCRIPT",  "KEYS",   "SAVE",
    "BGSAVE",   "SHUTDOWN", "DEBUG",  "MIGRATE", "HSET",    "LPUSH",  "RPUSH",
    "PUBLISH",  "CLIENT",   "ACL",    "EXPIRE",  "GETSET"};

enum class Protocol { kNone, kRedis, kSmtp, kMemcached, kIrc, kPseudoHeader, kLog, kSse };


// What the line at `p` is in another protocol the value may be written into:
// a Redis command (inline, or a RESP array "*3" then "$3"), an SMTP command,
// an HTTP/2 pseudo-header, or a log line (a timestamp, or a bracketed level
// and a timestamp). `*len` is the part to report.
Protocol ProtocolLine(std::string_view v, size_t p, size_t* len) {
  *len = 0;
  if (p >= v.size()) return Protocol::kNone;  // the value ends with its break
  size_t e = p;
  while (e < v.size() && e - p < 12 && v[e] >= 'A' && v[e] <= 'Z') ++e;
  const std::string_view word = v.substr(p, e - p);
  *len = word.size();
  if (!word.empty()) {
    for (std::string_view c : kRedisCommands) {
      // A command with arguments, or one that takes none alone on its line.
      if (word == c && (IsLineEnd(v, e) || (v[e] == ' ' && e + 1 < v.size() && v[e + 1] != ' '))) {
        return Protocol::kRedis;
      }
    }
    if ((word == "MAIL" && scan::IAt(v, e, " from:")) || (word == "RCPT" && scan::IAt(v, e, " to:"))) {
      *len += 6;
      return Protocol::kSmtp;
    }
    if ((word == "HELO" || word == "EHLO") && e < v.size() && v[e] == ' ') return Protocol::kSmtp;
    if (word == "DATA" && IsLineEnd(v, e) && e < v.size()) return Protocol::kSmtp;
    // IRC: "PRIVMSG #ops :text", "NOTICE nick :text".
    if ((word == "PRIVMSG" || word == "NOTICE") && e < v.size() && v[e] == ' ') {
      // The target, one token, then " :" (read no further than that).
      size_t colon = e + 1;
      while (colon < v.size() && colon - e < 64 && v[colon] > ' ') ++colon;
      if (colon > e + 1 && v.compare(colon, 2, " :") == 0) {
        return Protocol::kIrc;
      }
    }
  }
  // memcached's text protocol: a storage command with its flags, expiry and
  // length ("set key 0 3600 4"), or flush_all.
  {
    size_t w = p;
    while (w < v.size() && w - p < 10 && ((v[w] >= 'a' && v[w] <= 'z') || v[w] == '_')) ++w;
    const std::string_view cmd = v.substr(p, w - p);
    if (cmd == "flush_all" && (IsLineEnd(v, w) || v[w] == ' ')) {
      *len = cmd.size();
      return Protocol::kMemcached;
    }
    if (scan::EqualsAny(cmd, {"set", "add", "replace", "append", "prepend", "cas"}) &&
        w < v.size() && v[w] == ' ') {
      size_t k = w + 1;
      while (k < v.size() && k - w < 251 && v[k] > ' ' && v[k] != 0x7f) ++k;  // the key
      int numbers = 0;
      while (k < v.size() && v[k] == ' ' && numbers < 4) {
        size_t d = k + 1;
        while (d < v.size() && scan::IsDigit(v[d])) ++d;
        if (d == k + 1) break;
        ++numbers;
        k = d;
      }
      if (numbers >= 3 && IsLineEnd(v, k)) {
        *len = k - p;
        return Protocol::kMemcached;
      }
    }
  }
  if (v[p] == '*' && p + 1 < v.size() && scan::IsDigit(v[p + 1])) {
    size_t k = p + 1;
    while (k < v.size() && scan::IsDigit(v[k])) ++k;
    if (k + 2 < v.size() && v[k] == '\r' && v[k + 1] == '\n' && v[k + 2] == '$') {
      *len = k - p;
      return Protocol::kRedis;
    }
  }
  // A Server-Sent Events field: the value is written into an event stream
  // (a reflected Last-Event-ID, a message's text).
  if (const size_t n = SseFieldAt(v, p); n > 0) {
    *len = n;
    return Protocol::kSse;
  }
  for (std::string_view pseudo : {":path:", ":authority:", ":method:", ":scheme:", ":status:"}) {
    if (scan::IAt(v, p, pseudo)) {
      *len = pseudo.size();
      return Protocol::kPseudoHeader;
    }
  }
  // "2024-05-01 12:00:01", "[2024-06-01 09:00:00]", "[ERROR] 2024-03-02T10:11:12Z".
  size_t k = p;
  // A level written bare before the timestamp ("ERROR 2024-05-12 11:00:00").
  if (scan::EqualsAny(word, {"INFO", "WARN", "WARNING", "ERROR", "DEBUG", "FATAL", "TRACE",
                             "CRITICAL"}) &&
      e < v.size() && v[e] == ' ') {
    k = scan::SkipSpaces(v, e);
  }
  if (k < v.size() && v[k] == '[') {
    ++k;
    size_t w = k;
    while (w < v.size() && w - k < 8 && v[w] >= 'A' && v[w] <= 'Z') ++w;
    if (w - k >= 4 && w < v.size() && v[w] == ']') k = scan::SkipSpaces(v, w + 1);
  }
  auto digits = [&](size_t at, size_t n) {
    for (size_t d = 0; d < n; ++d) {
      if (at + d >= v.size() || !scan::IsDigit(v[at + d])) return false;
    }
    return true;
  };
  if (digits(k, 4) && k + 16 <= v.size() && v[k + 4] == '-' && digits(k + 5, 2) &&
      v[k + 7] == '-' && digits(k + 8, 2) && (v[k + 10] == ' ' || v[k + 10] == 'T') &&
      digits(k + 11, 2) && v[k + 13] == ':' && digits(k + 14, 2)) {
    *len = k + 16 - p;
    return Protocol::kLog;
  }
  // An access log line in the Common Log Format: an address, the identity
  // and user fields, then "[12/May/2024:10:33:00".
  if (scan::IsDigit(v[p])) {
    size_t a = p;
    int dots = 0;
    while (a < v.size() && a - p < 15 && (scan::IsDigit(v[a]) || v[a] == '.')) dots += v[a++] == '.';
    if (dots == 3 && v.compare(a, 3, " - ") == 0) {
      size_t b = a + 3;
      while (b < v.size() && b - a < 64 && v[b] != ' ' && v[b] != '\r' && v[b] != '\n') ++b;
      if (b + 13 < v.size() && v[b] == ' ' && v[b + 1] == '[' && digits(b + 2, 2) &&
          v[b + 4] == '/' && scan::IsAlpha(v[b + 5]) && v[b + 8] == '/' && digits(b + 9, 4)) {
        *len = b + 2 - p;
        return Protocol::kLog;
      }
    }
  }
  return Protocol::kNone;
}

// "%%0a0a" or "%%0d0d" (either case, in a run) followed by a header name and
// ':' in the raw value (see CrlfImpl::Inspect()).
bool NestedEncodedBreak(std::string_view raw, Match* m) {
  int checks = 8;
  for (size_t p = raw.find("%%0"); p != std::string_view::npos && checks-- > 0;
       p = raw.find("%%0", p + 3)) {
    size_t e = p;
    while (e + 6 <= raw.size() && raw[e] == '%' && raw[e + 1] == '%' && raw[e + 2] == '0' &&
           (scan::Lower(raw[e + 3]) == 'a' || scan::Lower(raw[e + 3]) == 'd') &&
           raw[e + 4] == '0' && scan::Lower(raw[e + 5]) == scan::Lower(raw[e + 3])) {
      e += 6;
    }
    if (e == p) continue;
    size_t n = e;
    while (n < raw.size() && n - e < 64 && (scan::IsAlnum(raw[n]) || raw[n] == '-')) ++n;
    if (n > e + 1 && n < raw.size() && raw[n] == ':') {
      return FillMatch(m, "crlf.header_injection",
                       "Encoded line break nested in itself, then a header (for a filter that "
                       "strips it once)",
                       80, 0, n + 1);
    }
  }
  return false;
}

class CrlfImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kCrlf; }

  bool Inspect(const Input& in, Match* m) const override {
    // "%%0a0aSet-Cookie:": a line break nested in itself, for a filter
    // that deletes "%0a" once and leaves the outer one ("%0a") behind.
    if (in.mask.Has('%') && NestedEncodedBreak(in.raw, m)) return true;
    // A line break is a control byte or a multibyte character.
    if (!(in.mask.has_control || in.mask.has_non_ascii)) return false;
    std::string_view v = in.norm;
    // U+010D U+010A ("čĊ"), which a latin1 conversion truncates to CR LF:
    // Node.js's request splitting (its http client wrote a path's
    // characters as latin1 bytes). No language writes the two side by side.
    if (in.mask.has_non_ascii) {
      const size_t p = scan::Find(v, "\xC4\x8D\xC4\x8A");
      if (p != std::string_view::npos) {
        return FillMatch(m, "crlf.request_splitting",
                         "Characters that a latin1 conversion truncates to CR LF", 80, p, 4);
      }
    }
    // A whole request written out ("GET / HTTP/1.1\r\nHost: internal\r\n\r\n"),
    // its line ended by CRLF as the protocol ends it, then a header: for a
    // raw connection the server opens (gopher://, a socket, a pipeline).
    // So is the rest of a request line the value completes ("/x HTTP/1.1",
    // after the method the server writes) followed the same way.
    const auto request_line_tail = [&v] {
      if (v.empty() || v[0] != '/') return false;
      const std::string_view line = v.substr(0, 2048);
      const size_t http = line.find(" HTTP/");
      return http != std::string_view::npos &&
             line.substr(0, http).find_first_of("\r\n ") == std::string_view::npos;
    };
    if (in.mask.has_control && (IsRequestLine(v, 0) || request_line_tail())) {
      const size_t eol = v.substr(0, 2048).find("\r\n");
      Injected field;
      if (eol != std::string_view::npos && eol + 2 < v.size() && ReadLine(v, eol + 2, &field) &&
          field.known_field && !field.implausible_value) {
        return FillMatch(m, "crlf.request_splitting",
                         "Value is an HTTP request, request line and headers", 80, 0, eol);
      }
    }
    // One line, then content headers ended by an empty line, then a body,
    // every break a CRLF ("Order update\r\nContent-Type: text/html\r\n\r\n<h1>..."):
    // the value rewrites the message it is written into (a mail's subject,
    // a header the server sets), whatever the context.
    if (in.mask.has_control) {
      const size_t eol = v.substr(0, 256).find("\r\n");
      if (eol != std::string_view::npos && eol > 0 &&
          v.substr(0, eol).find('\n') == std::string_view::npos &&
          (scan::IAt(v, eol + 2, "content-") || scan::IAt(v, eol + 2, "mime-version"))) {
        Injected field;
        const size_t blank = v.substr(0, eol + 512).find("\r\n\r\n", eol + 2);
        bool crlf_only = blank != std::string_view::npos;
        for (size_t k = eol + 2; crlf_only && k < blank; ++k) {
          crlf_only = v[k] != '\n' || v[k - 1] == '\r';
        }
        if (crlf_only && ReadLine(v, eol + 2, &field) && field.known_field &&
            blank + 4 < v.size() && !scan::IsSpace(v[blank + 4])) {
          return FillMatch(m, "crlf.header_injection",
                           "Line break followed by content headers, an empty line and a body",
                           80, eol + 2, blank - eol - 2);
        }
      }
    }
    const bool line_free = IsLineFreeLocation(in.location) && !in.IsObjectKey();
    // A line break sent percent-encoded ("%0d%0a" in a JSON string) was
    // meant for a URL or a header, where the decoding happens: text typed
    // into a form carries its breaks as they are.
    bool strict = line_free || (!in.RawIsNorm() && in.raw.find('%') != std::string_view::npos &&
                                (scan::IFind(in.raw, "%0a") != std::string_view::npos ||
                                 scan::IFind(in.raw, "%0d") != std::string_view::npos));
    bool one_word = false;
    std::string_view first_line;  // the text before the first break
    bool first = true;
    size_t i = 0;
    // The next CR at or after `i`, searched for again only once `i` has
    // passed it: searching the rest of the value at every LF would read a
    // value of many lines and no CR once per line.
    const char* cr = static_cast<const char*>(std::memchr(v.data(), '\r', v.size()));
    while (i < v.size()) {
      size_t p = i;
      bool disguised = false;
      if (in.mask.has_non_ascii) {
        // Byte by byte: a disguised break is a multibyte character.
        while (p < v.size() && BreakAt(v, p, &disguised) == 0) ++p;
      } else {
        // The next CR or LF.
        const char* base = v.data() + i;
        const size_t n = v.size() - i;
        if (cr != nullptr && cr < base) cr = static_cast<const char*>(std::memchr(base, '\r', n));
        const void* lf = std::memchr(base, '\n', cr != nullptr ? cr - base : n);
        const void* hit = lf != nullptr ? lf : cr;
        if (hit == nullptr) return false;
        p = static_cast<const char*>(hit) - v.data();
      }
      if (p >= v.size()) return false;
      // A value of one token (an address, a URL) is a header value wherever
      // it came from: its line break is an injection in any context.
      if (first) {
        strict = strict || IsHeaderTokenPrefix(v.substr(0, p));
        one_word = IsOneWord(v.substr(0, p));
        // One word and a CR: typed text (a textarea's value in JSON) breaks
        // lines with LF alone; a CR after a name is written for a protocol.
        strict = strict || (one_word && v[p] == '\r');
        first_line = v.substr(0, p);
      }
      first = false;
      // The run of breaks (counting its LFs), and the blanks of a folded line.
      size_t breaks = 0;
      bool all_disguised = true;
      bool any_disguised = false;
      // (U+0085, U+2028 and U+2029 end the lines of a log that Java's \R,
      // Python's splitlines() or a JavaScript reader splits.)
      bool unicode_lines = true;
      for (size_t len = 0; p < v.size() && (len = BreakAt(v, p, &disguised)) > 0; p += len) {
        breaks += v[p] == '\n';
        all_disguised = all_disguised && disguised;
        any_disguised = any_disguised || disguised;
        unicode_lines = unicode_lines && (!disguised || IsUnicodeLineSeparator(v, p));
      }
      const size_t line = p;
      // After one word, a Unicode line separator and a log level
      // ("carol\u0085WARN audit disabled"): no one types the separator,
      // and a log reader splits the line there.
      if (any_disguised && unicode_lines && one_word && BareLogLevelAt(v, p)) {
        return FillMatch(m, "crlf.log_injection",
                         "Unicode line separator followed by a forged log line (a level)", 70,
                         p, 4);
      }
      while (p < v.size() && (v[p] == ' ' || v[p] == '\t')) ++p;
      Injected field;
      size_t proto_len = 0;
      if (p < v.size() && ReadLine(v, p, &field)) {
        if (field.response_field) {
          return FillMatch(m, "crlf.header_injection",
                           "Line break followed by a response header that changes what the "
                           "browser does (response splitting)",
                           strict ? 90 : 75, field.offset, field.length);
        }
        // A name, then a mail header that adds a recipient with an address
        // ("John Smith\r\nBcc: x@evil.example"): the value was to be the
        // name in a From or To line.
        const std::string_view header = v.substr(field.offset, 256);
        if (!strict && field.mail_field && header.find('@') < header.find('\n') &&
            IsNameLine(first_line)) {
          return FillMatch(m, "crlf.header_injection",
                           "Line break after a name followed by a mail header that adds "
                           "recipients",
                           75, field.offset, field.length);
        }
        if (strict && field.request_line) {
          return FillMatch(m, "crlf.request_splitting",
                           "Line break followed by an HTTP request line (request splitting)", 85,
                           field.offset, field.length);
        }
        // Outside the line-free contexts, "Location:" opens labelled lines
        // of prose; it is a header there only when a URL follows.
        const bool known =
            field.known_field && !(all_disguised && field.short_name) && !field.implausible_value &&
            (line_free || !scan::IAt(v, field.offset, "location") || field.location_url);
        // After one word (a name, an address), To, From and Subject start
        // mail header lines, not the quoted mail of a message.
        if (strict && (known || field.status_line || (one_word && field.labelling_mail_field))) {
          return FillMatch(
              m, field.status_line ? "crlf.response_splitting" : "crlf.header_injection",
              field.status_line ? "Line break followed by an HTTP status line in a value that is "
                                  "written into URLs or headers"
                                : "Line break followed by an HTTP header in a value that is "
                                  "written into URLs or headers",
              85, field.offset, field.length);
        }
        // An event-stream field reads as a header line too ("data: {...}").
        if (const size_t sse = SseFieldAt(v, p); sse > 0 && p == line && !any_disguised &&
                                                  (strict || one_word) &&
                                                  SseFieldInjected(v, p, strict)) {
          return FillMatch(m, "crlf.protocol_injection",
                           "Line break followed by a Server-Sent Events field", 75, p, sse);
        }
      } else if (const Protocol kind = p == line && (!any_disguised || unicode_lines) &&
                                               (strict || one_word)
                                           ? ProtocolLine(v, p, &proto_len)
                                           : Protocol::kNone;
                 kind != Protocol::kNone && (!any_disguised || kind == Protocol::kLog)) {
        // Another protocol's line after a key or name the value was to be:
        // a Redis or SMTP command, an HTTP/2 pseudo-header, a forged log line.
        const size_t len = proto_len;
        // Outside the line-free contexts an upper-case word after a plain LF
        // may be a shouted line of text; Redis and SMTP clients send CR LF.
        const bool crlf = p >= 2 && v[p - 2] == '\r' && v[p - 1] == '\n';
        switch (kind) {
          case Protocol::kRedis:
          case Protocol::kSmtp:
          case Protocol::kMemcached:
          case Protocol::kIrc:
            if (!strict && !crlf) break;
            return FillMatch(m, "crlf.protocol_injection",
                             "Line break followed by a Redis, memcached, SMTP or IRC command", 80,
                             p, len);
          case Protocol::kPseudoHeader:
            return FillMatch(m, "crlf.header_injection",
                             "Line break followed by an HTTP/2 pseudo-header", 85, p, len);
          case Protocol::kSse:
            if (!SseFieldInjected(v, p, strict)) break;
            return FillMatch(m, "crlf.protocol_injection",
                             "Line break followed by a Server-Sent Events field", 75, p, len);
          default:
            // A log line after a line of text is a quoted log; after a name
            // it is forged.
            if (!one_word) break;
            return FillMatch(m, "crlf.log_injection",
                             "Line break followed by a forged log line (a timestamp or an "
                             "access log entry)",
                             70, p, len);
        }
      } else if (strict && breaks >= 2 && !any_disguised && line < v.size() && v[line] == '<') {
        // An empty line ends the headers; markup after it is a body.
        return FillMatch(m, "crlf.response_splitting",
                         "An empty line followed by markup: a response body of the value's own", 80,
                         line, 1);
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
