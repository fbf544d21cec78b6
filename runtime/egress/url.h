// Strict parsing of outbound URLs for the egress guard.
//
// A URL is accepted only in one unambiguous spelling, so that the host the
// guard decides on is the host a client connects to. The raw authority is
// checked BEFORE libcurl normalizes it (libcurl rewrites "0x7f.1" into
// "127.0.0.1", for example), then libcurl parses the URL and both readings of
// the host must agree. Rejected, each with a reason:
//
//   - schemes other than http and https (whether http is allowed is a policy
//     question, see host_policy.h), scheme-relative and scheme-less URLs;
//   - userinfo ("https://user@host"), backslashes in the authority, control
//     characters and whitespace anywhere;
//   - percent-encoding or non-ASCII bytes in the host (IDN must already be
//     punycode), empty hosts and labels, invalid host characters;
//   - non-canonical IPv4 spellings: octal "0177.0.0.1", hex "0x7f.1", short
//     "127.1", bare integers "2130706433", leading zeros "127.000.0.1", and
//     any host whose last label is numeric but is not a dotted quad;
//   - IPv6 zone ids ("[fe80::1%25eth0]") and IPvFuture literals;
//   - empty, zero, out-of-range or non-decimal ports.
//
// The accepted host is lower-cased with one trailing dot removed; IP literals
// are rewritten in canonical form ("[0:0::1]" -> "::1").
//
//   absl::StatusOr<ParsedUrl> u = ParseUrl("https://API.example.com./v1?q=1");
//   // u->scheme "https", u->host "api.example.com", u->port 443, u->path "/v1"
//
// The parsed libcurl handle (CURLU*) is kept in `ParsedUrl::handle`, with its
// host set to the normalized host, so a client can hand exactly the URL that
// was decided on to the transfer (CURLOPT_CURLU). Pure functions, thread-safe.
#ifndef FNGUARD_RUNTIME_EGRESS_URL_H_
#define FNGUARD_RUNTIME_EGRESS_URL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "policy/hosts.h"

// libcurl's URL handle type (CURLU is a typedef of it); declared here so
// this header does not include curl.
struct Curl_URL;

namespace fnguard::egress {

inline constexpr size_t kMaxUrlLength = 8192;

// Owns one libcurl URL handle. Move-only; empty after a move.
class CurlUrlHandle {
 public:
  CurlUrlHandle() = default;
  explicit CurlUrlHandle(Curl_URL* handle) : handle_(handle) {}
  ~CurlUrlHandle();
  CurlUrlHandle(CurlUrlHandle&& other) noexcept;
  CurlUrlHandle& operator=(CurlUrlHandle&& other) noexcept;
  CurlUrlHandle(const CurlUrlHandle&) = delete;
  CurlUrlHandle& operator=(const CurlUrlHandle&) = delete;

  // The handle (a CURLU*), still owned by this object; nullptr when empty.
  Curl_URL* get() const { return handle_; }
  // Gives up ownership: the caller must curl_url_cleanup() the result.
  Curl_URL* release();

 private:
  Curl_URL* handle_ = nullptr;
};

struct ParsedUrl {
  std::string scheme;  // "https" or "http"
  std::string host;    // lower-case name, or canonical IP text without brackets
  uint16_t port = 0;   // explicit, else the scheme default
  bool port_explicit = false;
  std::string path;    // "/" when the URL had none; query not included
                       // (empty from ParseUrlForDecision())
  std::optional<policy::IpAddress> ip;  // set when the host is an IP literal
  CurlUrlHandle handle;                 // libcurl's parse of the URL
};

// Parses and validates `url`; InvalidArgument with a human reason otherwise.
absl::StatusOr<ParsedUrl> ParseUrl(std::string_view url);
// The same, without reading the path back from libcurl (`path` stays empty):
// for decisions, which depend on scheme, host and port only.
absl::StatusOr<ParsedUrl> ParseUrlForDecision(std::string_view url);

// Canonical text of an address: "127.0.0.1", "::ffff:127.0.0.1".
std::string FormatIpAddress(const policy::IpAddress& ip);
// The same into `buf` without allocating (no NUL added); returns the length,
// 0 when the address cannot be formatted.
inline constexpr size_t kIpTextCapacity = 46;  // INET6_ADDRSTRLEN
size_t FormatIpAddressTo(const policy::IpAddress& ip, char (&buf)[kIpTextCapacity]);

}  // namespace fnguard::egress

#endif  // FNGUARD_RUNTIME_EGRESS_URL_H_
