#include "runtime/egress/url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sys/socket.h>

#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "policy/text.h"

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

// Exactly four decimal parts of 1-3 digits, no leading zeros, each <= 255.
bool IsCanonicalDottedQuad(std::string_view host) {
  int parts = 0;
  size_t start = 0;
  while (true) {
    size_t dot = host.find('.', start);
    std::string_view part =
        host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 3) return false;
    if (part.size() > 1 && part[0] == '0') return false;
    int value = 0;
    for (char c : part) {
      if (!IsDigit(c)) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
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
  std::string scheme;
  std::string host;  // normalized
  std::optional<policy::IpAddress> ip;
  uint16_t port = 0;
  bool port_explicit = false;
};

absl::Status ParseRaw(std::string_view url, RawParts* out) {
  if (url.empty()) return Reject("empty URL");
  if (url.size() > kMaxUrlLength) {
    return Reject(Cat("URL is longer than ", kMaxUrlLength, " bytes"));
  }
  for (char c : url) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return Reject("URL contains whitespace or a control character");
    }
  }
  size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0 || !IsAlpha(url[0])) {
    return Reject("URL has no scheme (write https://host/...)");
  }
  for (char c : url.substr(0, colon)) {
    if (!(IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.')) {
      return Reject("URL has no valid scheme (write https://host/...)");
    }
  }
  out->scheme = LowerCopy(url.substr(0, colon));
  if (out->scheme != "https" && out->scheme != "http") {
    return Reject(Cat("scheme '", out->scheme,
                      "' is not supported (only https, and http when allowed)"));
  }
  if (url.substr(colon + 1, 2) != "//") {
    return Reject(Cat("URL must be written ", out->scheme, "://host/..."));
  }
  std::string_view rest = url.substr(colon + 3);
  // The authority ends at the first '/', '?' or '#'. A backslash before that
  // is a path separator to some parsers and part of the authority to others.
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (authority.find('\\') != std::string_view::npos) {
    return Reject("URL contains a backslash in the authority");
  }
  if (authority.find('@') != std::string_view::npos) {
    return Reject("URL contains userinfo ('user@host')");
  }
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
    if (host_text.find('%') != std::string_view::npos) {
      return Reject("percent-encoding is not allowed in the host");
    }
    for (char c : host_text) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        return Reject("host contains non-ASCII characters (write IDN hosts in punycode, xn--)");
      }
    }
    std::string host = LowerCopy(host_text);
    if (host.back() == '.') host.pop_back();
    if (host.empty()) return Reject("URL has an empty host");
    if (EndsInNumber(host)) {
      if (!IsCanonicalDottedQuad(host)) {
        return Reject(Cat("host '", host_text,
                          "' is a non-canonical IPv4 address (write it as a dotted quad "
                          "without leading zeros)"));
      }
      std::optional<policy::IpAddress> ip = policy::ParseIpAddress(host);
      if (!ip.has_value()) return Reject(Cat("host '", host_text, "' is not a valid IPv4 address"));
      out->ip = ip;
      out->host = FormatIpAddress(*ip);
    } else {
      if (absl::Status st = CheckHostName(host); !st.ok()) return st;
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

// curl_url_get into a std::string; nullopt when the part is missing.
std::optional<std::string> GetPart(CURLU* h, CURLUPart part, unsigned int flags) {
  char* value = nullptr;
  if (curl_url_get(h, part, &value, flags) != CURLUE_OK || value == nullptr) return std::nullopt;
  std::string out(value);
  curl_free(value);
  return out;
}

}  // namespace

CurlUrlHandle::~CurlUrlHandle() {
  if (handle_ != nullptr) curl_url_cleanup(handle_);
}

CurlUrlHandle::CurlUrlHandle(CurlUrlHandle&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

CurlUrlHandle& CurlUrlHandle::operator=(CurlUrlHandle&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) curl_url_cleanup(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

Curl_URL* CurlUrlHandle::release() { return std::exchange(handle_, nullptr); }

std::string FormatIpAddress(const policy::IpAddress& ip) {
  char buf[INET6_ADDRSTRLEN] = {0};
  const int af = ip.family == 4 ? AF_INET : AF_INET6;
  if (inet_ntop(af, ip.bytes.data(), buf, sizeof(buf)) == nullptr) return std::string();
  return std::string(buf);
}

absl::StatusOr<ParsedUrl> ParseUrl(std::string_view url) {
  RawParts raw;
  if (absl::Status st = ParseRaw(url, &raw); !st.ok()) return st;

  CurlUrlHandle handle(curl_url());
  if (handle.get() == nullptr) return absl::ResourceExhaustedError("cannot allocate a URL handle");
  const std::string text(url);
  if (CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK) {
    return Reject(Cat("URL rejected by the URL parser: ", curl_url_strerror(rc)));
  }
  // Both readings must agree on scheme, host and port.
  std::optional<std::string> scheme = GetPart(handle.get(), CURLUPART_SCHEME, 0);
  std::optional<std::string> host = GetPart(handle.get(), CURLUPART_HOST, 0);
  std::optional<std::string> port = GetPart(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme.has_value() || LowerCopy(*scheme) != raw.scheme) {
    return Reject("URL parsers disagree on the scheme");
  }
  if (!host.has_value() || host->empty()) return Reject("URL parsers disagree on the host");
  std::string curl_host = LowerCopy(*host);
  if (raw.ip.has_value() && raw.ip->family == 6) {
    if (curl_host.size() < 2 || curl_host.front() != '[' || curl_host.back() != ']') {
      return Reject("URL parsers disagree on the host");
    }
    std::optional<policy::IpAddress> ip =
        policy::ParseIpAddress(std::string_view(curl_host).substr(1, curl_host.size() - 2));
    if (!ip.has_value() || ip->bytes != raw.ip->bytes) {
      return Reject("URL parsers disagree on the host");
    }
  } else {
    if (!curl_host.empty() && curl_host.back() == '.') curl_host.pop_back();
    if (curl_host != raw.host) return Reject("URL parsers disagree on the host");
    // The handle carries the normalized host the decision is made on.
    if (curl_url_set(handle.get(), CURLUPART_HOST, raw.host.c_str(), 0) != CURLUE_OK) {
      return Reject("URL parser refused the normalized host");
    }
  }
  if (!port.has_value() || *port != std::to_string(raw.port)) {
    return Reject("URL parsers disagree on the port");
  }

  ParsedUrl out;
  out.scheme = std::move(raw.scheme);
  out.host = std::move(raw.host);
  out.port = raw.port;
  out.port_explicit = raw.port_explicit;
  out.ip = raw.ip;
  out.path = GetPart(handle.get(), CURLUPART_PATH, 0).value_or("/");
  if (out.path.empty()) out.path = "/";
  out.handle = std::move(handle);
  return out;
}

}  // namespace fnguard::egress
