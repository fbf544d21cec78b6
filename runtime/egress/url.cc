#include "runtime/egress/url.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "policy/text.h"
#include "runtime/core/libcurl.h"

namespace fnguard::egress {
namespace {

using policy::Cat;

absl::Status Reject(std::string_view url_reason) {
  return absl::InvalidArgumentError(std::string(url_reason));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// WHATWG "ends in a number": the last label is decimal digits or "0x" hex.
// Such a host is an IPv4 address to every browser-like parser, and to
// libcurl, whatever the spelling.
bool EndsInNumber(std::string_view host) {
  size_t dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  bool all_digits = true;
  for (char c : last) all_digits = all_digits && IsDigit(c);
  if (all_digits) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    for (char c : last.substr(2)) {
      if (!IsHexDigit(c)) return false;
    }
    return true;
  }
  return false;
}

// Exactly four decimal parts of 1-3 digits, no leading zeros, each <= 255;
// the address into `ip` when so.
bool ParseCanonicalDottedQuad(std::string_view host, policy::IpAddress* ip) {
  const char* p = host.data();
  const char* const end = p + host.size();
  for (size_t part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    const char* const start = p;
    unsigned value = 0;
    while (p != end && p - start < 3 && IsDigit(*p)) {
      value = value * 10 + static_cast<unsigned>(*p - '0');
      ++p;
    }
    if (p == start || (p - start > 1 && *start == '0') || value > 255) return false;
    ip->bytes[part] = static_cast<uint8_t>(value);
  }
  // A fourth digit, a fifth part or any other byte is left over.
  if (p != end) return false;
  ip->family = 4;
  return true;
}

// Validates a host name (not an IP literal) already lower-cased, without the
// trailing dot.
absl::Status CheckHostName(std::string_view host) {
  if (host.size() > policy::kMaxHostLength) {
    return Reject(Cat("host is longer than ", policy::kMaxHostLength, " characters"));
  }
  size_t label_start = 0;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      size_t len = i - label_start;
      if (len == 0) return Reject(Cat("host '", host, "' has an empty label"));
      if (len > policy::kMaxLabelLength) {
        return Reject(Cat("host '", host, "' has a label longer than ",
                          policy::kMaxLabelLength, " characters"));
      }
      label_start = i + 1;
      continue;
    }
    char c = host[i];
    if (!(IsAlpha(c) || IsDigit(c) || c == '-' || c == '_')) {
      return Reject(Cat("host '", host, "' contains the invalid character '", c, "'"));
    }
  }
  return absl::OkStatus();
}

// Parses the decimal port text; 1..65535, no sign, no leading zeros.
absl::Status ParsePort(std::string_view text, uint16_t* port) {
  if (text.empty()) return Reject("empty port");
  if (text.size() > 5 || (text.size() > 1 && text[0] == '0')) {
    return Reject(Cat("port '", text, "' is not a canonical decimal port"));
  }
  uint32_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return Reject(Cat("port '", text, "' is not a decimal number"));
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value == 0 || value > 65535) return Reject(Cat("port ", text, " is out of range"));
  *port = static_cast<uint16_t>(value);
  return absl::OkStatus();
}

// What we read from the raw text, before libcurl sees it.
struct RawParts {
  std::string_view scheme;  // "https" or "http" (static text)
  std::string host;         // normalized
  std::optional<policy::IpAddress> ip;
  uint16_t port = 0;
  bool port_explicit = false;
};

// Case-insensitive equality of `text` with `lower` (already lower-case).
bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (Lower(text[i]) != lower[i]) return false;
  }
  return true;
}

// Any byte <= 0x20 (controls, space) or 0x7f, eight bytes at a time.
bool HasControlOrSpace(std::string_view text) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const char* p = text.data();
  size_t n = text.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t x;
    std::memcpy(&x, p, sizeof(x));
    // Some byte < 0x21 (exact as a whole-word test; bytes >= 0x80 never
    // count), or some byte == 0x7f.
    const uint64_t below = (x - kOnes * 0x21) & ~x & kHighs;
    const uint64_t del = x ^ (kOnes * 0x7f);
    const uint64_t is_del = (del - kOnes) & ~del & kHighs;
    if ((below | is_del) != 0) return true;
  }
  for (; n > 0; ++p, --n) {
    const unsigned u = static_cast<unsigned char>(*p);
    if (u <= 0x20 || u == 0x7f) return true;
  }
  return false;
}

// Byte classes for one pass over the authority and the host.
enum : uint8_t {
  kOther = 0,     // invalid in a host
  kHostChar = 1,  // a-z 0-9 - _
  kUpper = 2,     // A-Z (valid, lower-cased)
  kDot = 4,
  kPercent = 8,
  kNonAscii = 16,
  kEndsAuthority = 32,  // / ? #
  kBackslash = 64,
  kAt = 128,
};
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    uint8_t v = kOther;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') v = kHostChar;
    if (c >= 'A' && c <= 'Z') v = kUpper;
    if (c == '.') v = kDot;
    if (c == '%') v = kPercent;
    if (c >= 0x80) v = kNonAscii;
    if (c == '/' || c == '?' || c == '#') v = kEndsAuthority;
    if (c == '\\') v = kBackslash;
    if (c == '@') v = kAt;
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}();
uint8_t ByteClass(char c) { return kByteClass[static_cast<unsigned char>(c)]; }

absl::Status ParseRaw(std::string_view url, RawParts* out) {
  if (url.empty()) return Reject("empty URL");
  if (url.size() > kMaxUrlLength) {
    return Reject(Cat("URL is longer than ", kMaxUrlLength, " bytes"));
  }
  if (HasControlOrSpace(url)) return Reject("URL contains whitespace or a control character");
  std::string_view rest;
  // The usual spellings first; anything else takes the checks below.
  if (url.starts_with("https://")) {
    out->scheme = "https";
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    out->scheme = "http";
    rest = url.substr(7);
  } else {
    size_t colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0 || !IsAlpha(url[0])) {
      return Reject("URL has no scheme (write https://host/...)");
    }
    const std::string_view scheme_text = url.substr(0, colon);
    for (char c : scheme_text) {
      if (!(IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.')) {
        return Reject("URL has no valid scheme (write https://host/...)");
      }
    }
    if (EqualsLower(scheme_text, "https")) {
      out->scheme = "https";
    } else if (EqualsLower(scheme_text, "http")) {
      out->scheme = "http";
    } else {
      return Reject(Cat("scheme '", LowerCopy(scheme_text),
                        "' is not supported (only https, and http when allowed)"));
    }
    if (url.substr(colon + 1, 2) != "//") {
      return Reject(Cat("URL must be written ", out->scheme, "://host/..."));
    }
    rest = url.substr(colon + 3);
  }
  // The authority ends at the first '/', '?' or '#'. A backslash before that
  // is a path separator to some parsers and part of the authority to others.
  size_t end = 0;
  unsigned seen = 0;
  for (; end < rest.size(); ++end) {
    const uint8_t cls = ByteClass(rest[end]);
    if ((cls & kEndsAuthority) != 0) break;
    seen |= cls;
  }
  std::string_view authority = rest.substr(0, end);
  if ((seen & kBackslash) != 0) return Reject("URL contains a backslash in the authority");
  if ((seen & kAt) != 0) return Reject("URL contains userinfo ('user@host')");
  if (authority.empty()) return Reject("URL has an empty host");

  std::string_view host_text;
  std::string_view port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Reject("unterminated IPv6 literal");
    host_text = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Reject("unexpected text after the IPv6 literal");
      port_text = after.substr(1);
      has_port = true;
    }
    if (host_text.find('%') != std::string_view::npos) {
      return Reject("IPv6 zone ids are not allowed in URLs");
    }
    std::optional<policy::IpAddress> ip;
    if (host_text.find(':') != std::string_view::npos) ip = policy::ParseIpAddress(host_text);
    if (!ip.has_value() || ip->family != 6) {
      return Reject(Cat("'[", host_text, "]' is not a valid IPv6 address"));
    }
    out->ip = ip;
    out->host = FormatIpAddress(*ip);
  } else {
    size_t port_colon = authority.find(':');
    host_text = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) {
      port_text = authority.substr(port_colon + 1);
      has_port = true;
      if (port_text.find(':') != std::string_view::npos) {
        return Reject("URL authority has more than one ':' (IPv6 literals need brackets)");
      }
    }
    if (host_text.empty()) return Reject("URL has an empty host");
    // One pass: lower-case into the string the result keeps, classify the
    // bytes and measure the labels.
    std::string_view trimmed = host_text;
    if (trimmed.back() == '.') trimmed.remove_suffix(1);
    std::string host(trimmed.size(), '\0');
    unsigned host_seen = 0;
    bool other = false;  // a byte that is invalid in a host
    size_t label = 0;
    size_t longest_label = 0;
    bool empty_label = false;
    for (size_t i = 0; i < trimmed.size(); ++i) {
      const char c = trimmed[i];
      const uint8_t cls = ByteClass(c);
      host_seen |= cls;
      other = other || cls == kOther;
      host[i] = Lower(c);
      if (cls == kDot) {
        empty_label = empty_label || label == 0;
        label = 0;
      } else {
        longest_label = std::max(longest_label, ++label);
      }
    }
    empty_label = empty_label || label == 0;
    // The trailing dot that was removed is neither '%' nor non-ASCII.
    if ((host_seen & kPercent) != 0) return Reject("percent-encoding is not allowed in the host");
    if ((host_seen & kNonAscii) != 0) {
      return Reject("host contains non-ASCII characters (write IDN hosts in punycode, xn--)");
    }
    if (trimmed.empty()) return Reject("URL has an empty host");
    if (EndsInNumber(host)) {
      policy::IpAddress ip;
      if (!ParseCanonicalDottedQuad(host, &ip)) {
        return Reject(Cat("host '", host_text,
                          "' is a non-canonical IPv4 address (write it as a dotted quad "
                          "without leading zeros)"));
      }
      // A canonical dotted quad is already the canonical text of its address.
      out->ip = ip;
      out->host = std::move(host);
    } else {
      const bool clean = !other && (host_seen & ~unsigned{kHostChar | kUpper | kDot}) == 0 &&
                         !empty_label && longest_label <= policy::kMaxLabelLength &&
                         host.size() <= policy::kMaxHostLength;
      // CheckHostName() finds the same problems, and names the first one.
      if (!clean) {
        if (absl::Status st = CheckHostName(host); !st.ok()) return st;
      }
      out->host = std::move(host);
    }
  }
  if (has_port) {
    if (absl::Status st = ParsePort(port_text, &out->port); !st.ok()) return st;
    out->port_explicit = true;
  } else {
    out->port = out->scheme == "https" ? 443 : 80;
  }
  return absl::OkStatus();
}

// One part read back from libcurl, freed with curl_free(); empty when the
// part is missing.
class CurlPart {
 public:
  CurlPart(const libcurl::Api& curl, CURLU* h, CURLUPart part, unsigned int flags)
      : curl_(curl) {
    code_ = curl.url_get(h, part, &value_, flags);
    if (code_ != CURLUE_OK) value_ = nullptr;
  }
  ~CurlPart() { curl_.free(value_); }
  CurlPart(const CurlPart&) = delete;
  CurlPart& operator=(const CurlPart&) = delete;

  CURLUcode code() const { return code_; }
  bool present() const { return value_ != nullptr; }
  const char* c_str() const { return value_; }
  std::string_view view() const { return value_ == nullptr ? std::string_view() : value_; }

 private:
  const libcurl::Api& curl_;
  char* value_ = nullptr;
  CURLUcode code_ = CURLUE_OK;
};

// The port libcurl will connect to: its explicit port, else the default of
// the scheme (the schemes already agree, and are http or https). 0 when the
// port text is not a decimal number in range.
uint32_t CurlEffectivePort(const libcurl::Api& curl, CURLU* h, std::string_view scheme) {
  CurlPart port(curl, h, CURLUPART_PORT, 0);
  if (port.code() == CURLUE_NO_PORT) return scheme == "https" ? 443 : 80;
  if (!port.present()) return 0;
  std::string_view text = port.view();
  if (text.empty() || text.size() > 5) return 0;
  uint32_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return 0;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  return value;
}

}  // namespace

// A handle exists only once libcurl is loaded, so Get() is not null below.
CurlUrlHandle::~CurlUrlHandle() {
  if (handle_ != nullptr) libcurl::Get()->url_cleanup(handle_);
}

CurlUrlHandle::CurlUrlHandle(CurlUrlHandle&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

CurlUrlHandle& CurlUrlHandle::operator=(CurlUrlHandle&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) libcurl::Get()->url_cleanup(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

Curl_URL* CurlUrlHandle::release() { return std::exchange(handle_, nullptr); }

static_assert(kIpTextCapacity >= INET6_ADDRSTRLEN);

size_t FormatIpAddressTo(const policy::IpAddress& ip, char (&buf)[kIpTextCapacity]) {
  if (ip.family == 4) {
    // Dotted quad by hand: inet_ntop formats IPv4 with sprintf, which is most
    // of the cost of a decision on an IP literal.
    size_t n = 0;
    for (int i = 0; i < 4; ++i) {
      if (i > 0) buf[n++] = '.';
      const unsigned v = ip.bytes[static_cast<size_t>(i)];
      if (v >= 100) buf[n++] = static_cast<char>('0' + v / 100);
      if (v >= 10) buf[n++] = static_cast<char>('0' + v / 10 % 10);
      buf[n++] = static_cast<char>('0' + v % 10);
    }
    return n;
  }
  if (inet_ntop(AF_INET6, ip.bytes.data(), buf, kIpTextCapacity) == nullptr) return 0;
  return std::strlen(buf);
}

std::string FormatIpAddress(const policy::IpAddress& ip) {
  char buf[kIpTextCapacity];
  return std::string(buf, FormatIpAddressTo(ip, buf));
}

namespace {

absl::StatusOr<ParsedUrl> Parse(std::string_view url, bool read_path) {
  RawParts raw;
  if (absl::Status st = ParseRaw(url, &raw); !st.ok()) return st;

  // Without libcurl no URL is accepted: a decision on it is a denial.
  const libcurl::Api* curl = libcurl::Get();
  if (curl == nullptr) return absl::FailedPreconditionError(libcurl::LoadError());
  CurlUrlHandle handle(curl->url());
  if (handle.get() == nullptr) return absl::ResourceExhaustedError("cannot allocate a URL handle");
  // libcurl wants a NUL-terminated string; most URLs fit on the stack.
  char stack_text[512];
  std::string heap_text;
  const char* text = stack_text;
  if (url.size() < sizeof(stack_text)) {
    std::memcpy(stack_text, url.data(), url.size());
    stack_text[url.size()] = '\0';
  } else {
    heap_text.assign(url);
    text = heap_text.c_str();
  }
  if (CURLUcode rc = curl->url_set(handle.get(), CURLUPART_URL, text, 0); rc != CURLUE_OK) {
    return Reject(Cat("URL rejected by the URL parser: ", curl->url_strerror(rc)));
  }
  // Both readings must agree on scheme, host and port.
  {
    CurlPart scheme(*curl, handle.get(), CURLUPART_SCHEME, 0);
    if (!scheme.present() || !EqualsLower(scheme.view(), raw.scheme)) {
      return Reject("URL parsers disagree on the scheme");
    }
  }
  {
    CurlPart host(*curl, handle.get(), CURLUPART_HOST, 0);
    std::string_view curl_host = host.view();
    if (curl_host.empty()) return Reject("URL parsers disagree on the host");
    if (raw.ip.has_value() && raw.ip->family == 6) {
      if (curl_host.size() < 2 || curl_host.front() != '[' || curl_host.back() != ']') {
        return Reject("URL parsers disagree on the host");
      }
      std::optional<policy::IpAddress> ip =
          policy::ParseIpAddress(curl_host.substr(1, curl_host.size() - 2));
      if (!ip.has_value() || ip->bytes != raw.ip->bytes) {
        return Reject("URL parsers disagree on the host");
      }
    } else {
      std::string_view trimmed = curl_host;
      if (trimmed.back() == '.') trimmed.remove_suffix(1);
      if (!EqualsLower(trimmed, raw.host)) return Reject("URL parsers disagree on the host");
      // The handle carries the normalized host the decision is made on (it
      // already does when the URL spelled the host in normalized form).
      if (curl_host != raw.host &&
          curl->url_set(handle.get(), CURLUPART_HOST, raw.host.c_str(), 0) != CURLUE_OK) {
        return Reject("URL parser refused the normalized host");
      }
    }
  }
  if (CurlEffectivePort(*curl, handle.get(), raw.scheme) != raw.port) {
    return Reject("URL parsers disagree on the port");
  }

  ParsedUrl out;
  out.scheme = std::string(raw.scheme);
  out.host = std::move(raw.host);
  out.port = raw.port;
  out.port_explicit = raw.port_explicit;
  out.ip = raw.ip;
  if (read_path) {
    CurlPart path(*curl, handle.get(), CURLUPART_PATH, 0);
    if (path.present() && path.view().size() > 0) {
      out.path.assign(path.view());
    } else {
      out.path = "/";
    }
  }
  out.handle = std::move(handle);
  return out;
}

}  // namespace

absl::StatusOr<ParsedUrl> ParseUrl(std::string_view url) { return Parse(url, true); }

absl::StatusOr<ParsedUrl> ParseUrlForDecision(std::string_view url) { return Parse(url, false); }

}  // namespace fnguard::egress
