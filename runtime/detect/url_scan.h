// Finds URLs ("scheme://authority/rest") inside arbitrary text and splits
// their authority into userinfo, host and port the way browsers do: the
// authority ends at the first '/', '\', '?', '#' or whitespace, the host
// follows the last '@', and a port is only a trailing ":digits".
#ifndef FNGUARD_RUNTIME_DETECT_URL_SCAN_H_
#define FNGUARD_RUNTIME_DETECT_URL_SCAN_H_

#include <cstddef>
#include <string_view>

namespace fnguard::detect {

struct UrlRef {
  std::string_view scheme;     // letters before "://", as written (may be empty for "//host")
  std::string_view authority;  // between "//" and the first path delimiter
  std::string_view host;       // "[::1]" keeps its brackets
  std::string_view port;       // digits, may be empty
  std::string_view rest;       // path, query and fragment up to the end of the URL token
  bool has_userinfo = false;
  size_t begin = 0;            // offset of the scheme (or of "//")
  size_t end = 0;              // one past the last byte of the URL token
};

// Finds the next URL at or after `*pos`; on success advances `*pos` past the
// "://" so the next call continues after it (URLs nested in a query string are
// found too). Linear over the scanned bytes. When `allow_protocol_relative`,
// a "//host" (or "//[v6]") that starts the text or follows '=', a quote or whitespace is
// accepted with an empty scheme.
bool NextUrl(std::string_view text, size_t* pos, UrlRef* url,
             bool allow_protocol_relative = false);

// Splits a value that is one token without a scheme ("10.0.0.1:8080/admin",
// "//host/x", "user@[::1]", "localhost") into authority, host, port and rest
// as a browser would after "http://". `url->scheme` stays empty; the leading
// slashes of a protocol-relative "//host" are skipped (and `*protocol_relative`
// set when given). False for an empty authority or a value with whitespace.
bool SplitSchemeless(std::string_view token, UrlRef* url, bool* protocol_relative = nullptr);

}  // namespace fnguard::detect

#endif  // FNGUARD_RUNTIME_DETECT_URL_SCAN_H_
