// Server-side request forgery in request input: URLs whose host points inside
// the network (loopback, private, link-local, CGNAT, cloud metadata, internal
// names) in any spelling, URLs with schemes that exist mostly to smuggle
// requests (gopher, dict, ...), and internal hosts without a scheme where
// the value is to be fetched: written as a URL ("//10.0.0.1/", "host:port/x")
// or in a field named for a URL (url, callback, webhook, proxy_host). An
// address in a field that describes a machine (ip, client_ip, host) is data.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/word_table.h"
#include "runtime/detect/ip_address.h"
#include "runtime/detect/url_scan.h"
#include "runtime/normalize/normalize.h"

namespace fnguard::detect {
namespace {

using scan::IEquals;

// Schemes that have no business in user input and give an SSRF primitive
// against any host.
constexpr std::string_view kSmugglingSchemes[] = {
    "gopher", "dict", "tftp", "netdoc", "jar", "ldap", "ldaps", "ldapi", "sftp", "ssh2.shell",
    "ssh2.exec", "expect", "ogg", "rar", "mailbox", "jdbc",
};

// Words in a field name that say the server will fetch or follow what the
// field holds. A field named for a machine (ip, host, client_ip, server,
// address) describes one and is ordinary data; a bare internal address is an
// SSRF attempt only where the server is about to connect to it.
//   kStrong: the value is a URL by name (url, callback, webhook, proxy).
//   kWeak: a redirect target that is as often a path or a cursor (next,
//          return): an address needs its dotted or named form there.
enum class FetchName : uint8_t { kNone = 0, kWeak, kStrong };

constexpr WordEntry<FetchName> kFetchWords[] = {
    {"url", FetchName::kStrong},         {"uri", FetchName::kStrong},
    {"urls", FetchName::kStrong},        {"uris", FetchName::kStrong},
    {"href", FetchName::kStrong},        {"src", FetchName::kStrong},
    {"callback", FetchName::kStrong},    {"webhook", FetchName::kStrong},
    {"hook", FetchName::kStrong},        {"endpoint", FetchName::kStrong},
    {"proxy", FetchName::kStrong},       {"target", FetchName::kStrong},
    {"dest", FetchName::kStrong},        {"destination", FetchName::kStrong},
    {"redirect", FetchName::kStrong},    {"feed", FetchName::kStrong},
    {"rss", FetchName::kStrong},         {"image", FetchName::kStrong},
    {"img", FetchName::kStrong},         {"avatar", FetchName::kStrong},
    {"icon", FetchName::kStrong},        {"logo", FetchName::kStrong},
    {"thumbnail", FetchName::kStrong},   {"fetch", FetchName::kStrong},
    {"download", FetchName::kStrong},    {"upstream", FetchName::kStrong},
    {"referer", FetchName::kStrong},     {"referrer", FetchName::kStrong},
    {"wsdl", FetchName::kStrong},        {"jwks", FetchName::kStrong},
    {"next", FetchName::kWeak},          {"return", FetchName::kWeak},
    {"continue", FetchName::kWeak},      {"goto", FetchName::kWeak},
    {"forward", FetchName::kWeak},       {"link", FetchName::kWeak},
};
constexpr WordTable<FetchName, 128> kFetchWordTable(kFetchWords);
static_assert(kFetchWordTable.size() * 2 <= 128);

// A run-together lower-case name ("callbackurl", "redirectto", "imagesrc")
// names a fetch when it ends with a URL word or starts with a redirect word.
constexpr std::string_view kFetchSuffixes[] = {"url", "uri", "href", "src"};
constexpr std::string_view kFetchPrefixes[] = {"redirect", "callback", "webhook", "proxy"};

// Most tokens neither end with a suffix's last byte nor start with a
// prefix's first byte.
constexpr std::array<bool, 256> kSuffixEnds = scan::LastBytes(kFetchSuffixes);
constexpr std::array<bool, 256> kPrefixStarts = scan::FirstBytes(kFetchPrefixes);

FetchName ClassifyNameToken(std::string_view lowered) {
  if (lowered.empty()) return FetchName::kNone;
  if (kFetchWordTable.MayHave(lowered[0], lowered.size())) {
    const FetchName f = kFetchWordTable.Find(lowered, FetchName::kNone);
    if (f != FetchName::kNone) return f;
  }
  if (kSuffixEnds[static_cast<unsigned char>(lowered.back())]) {
    for (std::string_view x : kFetchSuffixes) {
      if (lowered.size() > x.size() && lowered.ends_with(x)) return FetchName::kStrong;
    }
  }
  if (kPrefixStarts[static_cast<unsigned char>(lowered.front())]) {
    for (std::string_view x : kFetchPrefixes) {
      if (lowered.size() > x.size() && lowered.starts_with(x)) return FetchName::kStrong;
    }
  }
  return FetchName::kNone;
}

// The strongest fetch word among the tokens of a field name: split at
// punctuation, digits and camelCase humps ("callback_url", "targetHost",
// "image-src", "redirectURI").
FetchName ClassifyFieldName(std::string_view name) {
  char buf[WordTable<FetchName, 128>::kMaxWord];
  // Most names are one lower-case word ("email", "currency"): one token,
  // already lowered (longer ones are never classified, as below).
  if (name.size() + 1 < sizeof(buf) &&
      std::all_of(name.begin(), name.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return ClassifyNameToken(name);
  }
  FetchName best = FetchName::kNone;
  size_t len = 0;
  bool too_long = false;
  auto flush = [&]() {
    if (len > 0 && !too_long) {
      FetchName f = ClassifyNameToken(std::string_view(buf, len));
      if (f > best) best = f;
    }
    len = 0;
    too_long = false;
  };
  for (size_t i = 0; i < name.size() && i < 256; ++i) {
    char c = name[i];
    if (!scan::IsAlpha(c)) {
      flush();
      continue;
    }
    // A hump: "targetHost" -> target|Host; "redirectURI" -> redirect|URI;
    // "URLPath" -> URL|Path.
    const bool upper = c >= 'A' && c <= 'Z';
    if (upper && i > 0 && len > 0) {
      const char p = name[i - 1];
      const bool prev_lower = p >= 'a' && p <= 'z';
      const bool next_lower = i + 1 < name.size() && name[i + 1] >= 'a' && name[i + 1] <= 'z';
      if (prev_lower || (next_lower && p >= 'A' && p <= 'Z')) flush();
    }
    if (len + 1 >= sizeof(buf)) {
      too_long = true;
      continue;
    }
    buf[len++] = scan::Lower(c);
  }
  flush();
  return best;
}

// How a bare host is written, which decides how much context it needs.
enum class HostForm : uint8_t {
  kName,          // localhost, metadata.google.internal, 10.0.0.1.nip.io
  kDottedQuad,    // 10.1.2.3
  kIpv6,          // ::1, [::ffff:10.0.0.1]
  kEncodedIpv4,   // a part in hex or octal (0x7f.1, 0177.0.0.1, 0x7f000001)
  kShortDecimal,  // 127.1, 10.15: also how versions are written
  kInteger,       // 2130706433: also how ids and cursors are written
};

HostForm FormOf(std::string_view host) {
  if (!host.empty() && host.front() == '[') return HostForm::kIpv6;
  if (host.find(':') != std::string_view::npos) return HostForm::kIpv6;
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return HostForm::kName;
  int parts = 0;
  bool encoded = false;
  size_t start = 0;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i < host.size() && host[i] != '.') continue;
    std::string_view p = host.substr(start, i - start);
    start = i + 1;
    ++parts;
    if (p.empty()) return HostForm::kName;
    size_t digits_from = 0;
    bool hex = false;
    if (p.size() >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
      hex = true;
      digits_from = 2;
    } else if (p.size() >= 2 && p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
      digits_from = 2;
    }
    for (size_t k = digits_from; k < p.size(); ++k) {
      if (!(hex ? scan::IsHex(p[k]) : scan::IsDigit(p[k]))) return HostForm::kName;
    }
    if (digits_from > 0 || (p.size() >= 2 && p[0] == '0')) encoded = true;
  }
  if (encoded) return HostForm::kEncodedIpv4;
  if (parts == 4) return HostForm::kDottedQuad;
  return parts == 1 ? HostForm::kInteger : HostForm::kShortDecimal;
}

// "3/x", "06/y" and "7.2/z" are numbers before a slash, not hosts: only a
// numeric form that spells an address outside 0/8 ("2130706433/", "127.1/",
// "0x7f.1/") makes a URL host. "0.0.0.0" written out still counts.
bool IsShortNumberIn0Slash8(std::string_view host, HostClass c) {
  if (c != HostClass::kUnspecified) return false;
  const HostForm form = FormOf(host);
  return form != HostForm::kDottedQuad && form != HostForm::kIpv6 && form != HostForm::kName;
}

// True when the text after the authority is a network prefix length
// ("10.0.0.0/8", "fd00::/8"): CIDR notation, not a URL path.
bool IsPrefixLength(std::string_view rest) {
  if (rest.size() < 2 || rest[0] != '/') return false;
  size_t i = 1;
  while (i < rest.size() && i < 4 && scan::IsDigit(rest[i])) ++i;
  if (i == 1) return false;
  if (i == rest.size()) return true;
  // More networks of a list after it: "/8,172.16.0.0/12,192.168.0.0/16".
  if (rest[i] != ',' && rest[i] != ';') return false;
  for (; i < rest.size(); ++i) {
    const char c = rest[i];
    if (!scan::IsDigit(c) && c != '.' && c != '/' && c != ',' && c != ';' && c != ':' &&
        c != ' ' && !((c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
      return false;
    }
  }
  return true;
}

// Paths served only by instance metadata services and the Lambda Runtime API.
constexpr std::string_view kMetadataPaths[] = {
    "/latest/meta-data", "/latest/user-data", "/latest/api/token", "/latest/dynamic/",
    "/computemetadata/v1", "/metadata/instance", "/metadata/identity", "/2018-06-01/runtime/",
    "/opc/v1/instance", "/openstack/latest", "/metadata/v1",
};

// Maps enclosed alphanumerics (U+2460.. circled digits, U+24B6.. circled
// letters) and full-width ASCII in a host to plain ASCII. Returns false when
// nothing needed mapping.
bool FoldHost(std::string_view host, std::string* out, bool* enclosed) {
  // An all-ASCII host (nearly every one) has nothing to map: no copy.
  bool non_ascii = false;
  for (char c : host) non_ascii |= static_cast<unsigned char>(c) >= 0x80;
  if (!non_ascii) return false;
  bool changed = false;
  out->clear();
  for (size_t i = 0; i < host.size();) {
    unsigned char c = static_cast<unsigned char>(host[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t len = 0;
    if ((c & 0xe0) == 0xc0) { cp = c & 0x1f; len = 2; }
    else if ((c & 0xf0) == 0xe0) { cp = c & 0x0f; len = 3; }
    else if ((c & 0xf8) == 0xf0) { cp = c & 0x07; len = 4; }
    else { ++i; continue; }
    if (i + len > host.size()) break;
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(host[i + k]) & 0x3f);
    i += len;
    changed = true;
    if (cp >= 0x2460 && cp <= 0x24ff) *enclosed = true;
    if (cp >= 0x2460 && cp <= 0x2468) out->push_back(static_cast<char>('1' + (cp - 0x2460)));
    else if (cp == 0x24ea || cp == 0x24ff) out->push_back('0');
    else if (cp >= 0x2474 && cp <= 0x247c) out->push_back(static_cast<char>('1' + (cp - 0x2474)));
    else if (cp >= 0x2488 && cp <= 0x2490) out->push_back(static_cast<char>('1' + (cp - 0x2488)));
    else if (cp >= 0x24b6 && cp <= 0x24cf) out->push_back(static_cast<char>('a' + (cp - 0x24b6)));
    else if (cp >= 0x24d0 && cp <= 0x24e9) out->push_back(static_cast<char>('a' + (cp - 0x24d0)));
    else if (cp >= 0xff01 && cp <= 0xff5e) out->push_back(static_cast<char>(cp - 0xff01 + 0x21));
    else if (cp == 0x3002 || cp == 0xff61 || cp == 0xfe52) out->push_back('.');
    else out->push_back('?');
  }
  return changed;
}

// Schemes of database and message-broker connection strings, which drivers
// open and URL fetchers (curl, HTTP clients) do not.
bool IsConnectionStringScheme(std::string_view scheme) {
  return scan::IEqualsAny(scheme, {"postgres", "postgresql", "mysql", "mariadb", "mongodb",
                                   "mongodb+srv", "amqp", "amqps", "sqlserver", "cockroachdb",
                                   "clickhouse", "nats", "kafka", "cassandra", "neo4j"});
}

// Service names that container and cluster DNS resolve inside the network.
constexpr std::string_view kInternalServiceNames[] = {
    "kubernetes", "consul", "vault", "redis", "memcached", "elasticsearch", "docker", "etcd",
    "mysql", "postgres", "mongo", "mongodb", "intranet", "internal", "rabbitmq", "zookeeper",
    "kafka", "jenkins", "admin", "router", "gateway", "db", "database",
};

bool IsSingleLabel(std::string_view host) {
  bool has_alpha = false;
  for (char c : host) {
    if (!scan::IsAlnum(c) && c != '-' && c != '_') return false;
    has_alpha = has_alpha || scan::IsAlpha(c);
  }
  return has_alpha;
}

bool IsInternalServiceName(std::string_view host) {
  return scan::IEqualsAny(host, kInternalServiceNames);
}

// Whether a URL's path or query names a cloud metadata address (or another
// link-local one, such as the container credentials endpoint 169.254.170.2)
// as an IPv4 literal followed by ":port" ("/redir-http-169.254.169.254:80-"):
// a redirector that sends the fetch on to that address. A bare address in a
// path (a documentation slug) is not enough.
bool NamesMetadataHostAndPort(std::string_view rest) {
  for (size_t c = rest.find(':'); c != std::string_view::npos; c = rest.find(':', c + 1)) {
    if (c + 1 >= rest.size() || !scan::IsDigit(rest[c + 1])) continue;
    size_t b = c;
    while (b > 0 && c - b < 15 && (scan::IsDigit(rest[b - 1]) || rest[b - 1] == '.')) --b;
    if (c - b < 7 || (b > 0 && scan::IsAlnum(rest[b - 1]))) continue;
    const HostClass k = ClassifyHost(rest.substr(b, c - b));
    if (k == HostClass::kMetadata || k == HostClass::kLinkLocal) return true;
  }
  return false;
}

class SsrfImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kSsrf; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.IsObjectKey()) return false;
    std::string_view v = in.norm;
    if (in.mask.Has('/') || in.mask.Has('\\')) {
      if (in.mask.Has(':') && UnixSocketUrl(v, m)) return true;
      if (InspectUrls(v, in.mask.Has(':'), in.RawIsNorm() ? std::string_view() : in.raw, m)) {
        return true;
      }
      if (in.mask.Has(':') && !in.RawIsNorm() && NulTruncatedHost(in.raw, m)) return true;
    }
    if (in.location == event::Location::kQuery || in.location == event::Location::kBody ||
        in.location == event::Location::kParam) {
      return InspectBareHost(v, in.path, in.mask.HasAny("/\\?"), m);
    }
    return false;
  }

 private:
  // "http://unix:/var/run/docker.sock:/containers/json": the socket-path
  // syntax of Node's request and got libraries (and of curl's
  // --unix-socket in wrappers) sends the request to a local socket, the
  // Docker or containerd API.
  // The schemes of Python's requests-unixsocket and Docker's clients name the
  // socket itself: "http+unix://%2Fvar%2Frun%2Fdocker.sock/containers/json",
  // "unix:///var/run/docker.sock".
  static bool UnixSocketUrl(std::string_view v, Match* m) {
    for (size_t p = v.find("://"); p != std::string_view::npos; p = v.find("://", p + 3)) {
      const size_t a = p + 8;
      const bool unix_scheme =
          (p >= 4 && scan::IAt(v, p - 4, "unix") && (p == 4 || !scan::IsAlnum(v[p - 5]))) &&
          p + 3 < v.size() && (v[p + 3] == '/' || v[p + 3] == '%');
      if (unix_scheme || (a < v.size() && v[a] == '/' && scan::IAt(v, p + 3, "unix:"))) {
        m->rule_id = "ssrf.unix_socket";
        m->reason = "A URL addressed to a local Unix socket";
        m->score = 85;
        m->offset = p;
        m->length = std::min(v.size(), a + 64) - p;
        return true;
      }
    }
    return false;
  }

  // "http://127.0.0.1%00.example.com": a NUL in the authority ends the host
  // for code that decodes the URL and hands it to a C string API, so the
  // host fetched is what comes before it. Read in the value as sent, since
  // normalization drops the NUL.
  static bool NulTruncatedHost(std::string_view raw, Match* m) {
    for (size_t p = scan::Find(raw, "://"); p != std::string_view::npos;
         p = scan::Find(raw, "://", p + 3)) {
      const size_t a = p + 3;
      size_t end = a;
      while (end < raw.size() && raw[end] != '/' && raw[end] != '?' && raw[end] != '#') ++end;
      std::string_view host = raw.substr(a, end - a);
      const size_t nul = std::min(scan::Find(host, "%00"), host.find('\0'));
      if (nul == std::string_view::npos) continue;
      host = host.substr(0, nul);
      const size_t at = host.rfind('@');
      if (at != std::string_view::npos) host.remove_prefix(at + 1);
      const size_t colon = host.rfind(':');
      if (colon != std::string_view::npos && host.find(']') == std::string_view::npos) {
        host = host.substr(0, colon);
      }
      if (host.empty() || ClassifyHost(host) == HostClass::kPublic) continue;
      m->rule_id = "ssrf.internal_host";
      m->reason = "URL whose host a NUL byte cuts short to an internal address";
      m->score = 80;
      m->offset = a;
      m->length = end - a;
      return true;
    }
    return false;
  }

  // A value without a scheme that names an internal host. An address alone
  // is data (a client IP, the host of a log line); it is an SSRF attempt
  // only in a fetch context: written as a URL ("//10.0.0.1/", "10.0.0.1:80/x",
  // "localhost/admin") or given to a field whose name says the server
  // fetches it (url, callback, webhook, proxy_host). Short decimal and
  // integer spellings ("10.15", "2130706433") are also versions and ids, so
  // they need the URL shape or a URL-named field.
  // `url_bytes`: whether the value holds '/', '\\' or '?' at all.
  static bool InspectBareHost(std::string_view v, std::string_view path, bool url_bytes,
                              Match* m) {
    // Without those bytes the value has no URL shape (no leading slash pair,
    // nothing after the authority that starts with '/' or '?'), so only the
    // field name can make it a fetch: decided first, from the path alone.
    std::optional<FetchName> name;
    if (!url_bytes) {
      name = ClassifyFieldName(scan::LastPathName(path));
      if (*name == FetchName::kNone) return false;
    }
    while (!v.empty() && scan::IsSpace(v.back())) v.remove_suffix(1);
    while (!v.empty() && scan::IsSpace(v.front())) v.remove_prefix(1);
    if (v.empty() || v.size() > 2048 || scan::Find(v, "://") != std::string_view::npos) {
      return false;
    }
    // Every host spelling starts with an alphanumeric, '[', a slash pair,
    // or a userinfo part; prose and most data fail this cheaply.
    const char f = v.front();
    if (!scan::IsAlnum(f) && f != '[' && f != ':' && f != '/' && f != '\\' &&
        static_cast<unsigned char>(f) < 0x80) {
      return false;
    }
    UrlRef url;
    bool protocol_relative = false;
    if (!SplitSchemeless(v, &url, &protocol_relative) || url.host.size() > 255) return false;
    // The whole authority must be [userinfo@]host[:port]: "7*x#y" is not a
    // host "7" followed by a fragment.
    std::string_view hostport = url.authority;
    const size_t at = hostport.rfind('@');
    if (at != std::string_view::npos) hostport = hostport.substr(at + 1);
    if (hostport.size() != url.host.size() + (url.port.empty() ? 0 : url.port.size() + 1)) {
      return false;
    }
    std::string folded;
    bool enclosed = false;
    std::string_view host = url.host;
    if (FoldHost(host, &folded, &enclosed)) host = folded;
    const HostClass c = ClassifyHost(host);
    if (c == HostClass::kPublic) return false;
    const bool url_shape =
        protocol_relative ||
        (!url.rest.empty() && (url.rest.front() == '/' || url.rest.front() == '?') &&
         !IsPrefixLength(url.rest));
    const HostForm form = FormOf(host);
    if (IsShortNumberIn0Slash8(host, c)) return false;
    bool fetch = url_shape;
    if (!fetch) {
      // Only the host (and port) in the value: the field name decides.
      if (!url.rest.empty()) return false;
      if (!name) name = ClassifyFieldName(scan::LastPathName(path));
      switch (form) {
        case HostForm::kName:
        case HostForm::kDottedQuad:
        case HostForm::kIpv6:
        case HostForm::kEncodedIpv4:
          fetch = *name != FetchName::kNone;
          break;
        case HostForm::kShortDecimal:
          // "10.15" is a version; "127.1" and "169.254.43518" are tricks.
          fetch = *name == FetchName::kStrong &&
                  (c == HostClass::kLoopback || c == HostClass::kMetadata);
          break;
        case HostForm::kInteger:
          fetch = *name == FetchName::kStrong && c != HostClass::kUnspecified;
          break;
      }
    }
    if (!fetch) return false;
    m->rule_id = "ssrf.internal_host_param";
    m->reason = std::string(url_shape ? "Schemeless URL to " : "URL field names ") +
                std::string(HostClassName(c));
    m->score = url_shape ? 80 : 70;
    m->offset = 0;
    m->length = v.size();
    return true;
  }

  // URLs with a scheme anywhere in the value (also nested in a query string:
  // "?next=http://127.0.0.1/"), and protocol-relative ones ("//10.0.0.1/")
  // that start the value or a parameter. `has_colon`: whether the value has
  // a ':' at all, without which no scheme can occur.
  // `raw`: the value before normalization when that changed it, else empty.
  static bool InspectUrls(std::string_view v, bool has_colon, std::string_view raw, Match* m) {
    size_t pos = 0;
    UrlRef url;
    std::string folded;
    int urls = 0;
    // Whether the raw value holds look-alikes normalization folds to letters
    // or digits (a host written in them, "http://ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ", reads as
    // plain ASCII once normalized), read once (-1: not yet); the host looked
    // for in the raw value for the first four URLs only.
    int look_alikes = raw.empty() ? 0 : -1;
    int raw_searches = 4;
    const auto folded_from_look_alikes = [&](std::string_view host) {
      if (look_alikes < 0) look_alikes = normalize::HasCompatibilityAlnum(raw) ? 1 : 0;
      return look_alikes == 1 && !host.empty() && raw_searches-- > 0 &&
             scan::IFind(raw, host) == std::string_view::npos;
    };
    while (urls < 64 && NextUrl(v, &pos, &url, /*allow_protocol_relative=*/true)) {
      ++urls;
      if (url.scheme.empty()) {
        // "//host": only a host that is internal by its own spelling counts.
        std::string_view host = url.host;
        bool enclosed = false;
        if (FoldHost(host, &folded, &enclosed)) host = folded;
        const HostClass c = ClassifyHost(host);
        if (c == HostClass::kPublic || IsShortNumberIn0Slash8(host, c)) continue;
        return FillUrl(m, url, c);
      }
      if (!has_colon) continue;
      const bool jar_wrapped = url.begin >= 4 && scan::IAt(v, url.begin - 4, "jar:");
      for (std::string_view s : kSmugglingSchemes) {
        if (IEquals(url.scheme, s) || (jar_wrapped && s == "jar")) {
          m->rule_id = "ssrf.dangerous_scheme";
          m->reason = "URL with the " + std::string(s) +
                      ":// scheme, used to smuggle requests to internal services";
          m->score = 85;
          m->offset = url.begin;
          m->length = url.end - url.begin;
          return true;
        }
      }
      // ("file://" named in prose has neither host nor path.)
      if (IEquals(url.scheme, "file") && !(url.authority.empty() && url.rest.empty())) {
        m->rule_id = "ssrf.file_scheme";
        m->reason = "file:// URL that makes the server read its own files";
        m->score = 75;
        m->offset = url.begin;
        m->length = url.end - url.begin;
        return true;
      }
      std::string_view host = url.host;
      bool enclosed = false;
      if (FoldHost(host, &folded, &enclosed)) host = folded;
      HostClass c = ClassifyHost(host);
      if (c == HostClass::kPublic && IsSingleLabel(host) &&
          (!url.port.empty() || IsInternalServiceName(host))) {
        c = HostClass::kInternalName;
      }
      // A database's or broker's connection string ("postgres://app@db:5432/app",
      // "amqp://guest@rabbitmq:5672") names the service's own network: no
      // URL fetcher speaks these schemes. Loopback, metadata and link-local
      // addresses in one are still reported.
      if ((c == HostClass::kPrivate || c == HostClass::kInternalName ||
           c == HostClass::kSharedCgnat) &&
          IsConnectionStringScheme(url.scheme)) {
        continue;
      }
      if (c == HostClass::kPublic) {
        if (enclosed || folded_from_look_alikes(url.host)) {
          m->rule_id = "ssrf.obfuscated_host";
          m->reason = "URL host written with enclosed alphanumerics to evade host filters";
          m->score = 70;
          m->offset = url.begin;
          m->length = url.end - url.begin;
          return true;
        }
        if (NamesMetadataHostAndPort(url.rest)) {
          m->rule_id = "ssrf.redirect_to_metadata";
          m->reason =
              "URL whose path or query names a cloud metadata or link-local address with a "
              "port (a redirector's target)";
          m->score = 80;
          m->offset = url.begin;
          m->length = url.end - url.begin;
          return true;
        }
        HostClass confused = HostAfterDelimiterAt(url, &folded);
        if (confused == HostClass::kPublic) confused = HostAfterBlankAt(v, url, &folded);
        if (confused == HostClass::kPublic) confused = HostBetweenTwoAts(url, &folded);
        if (confused != HostClass::kPublic) {
          m->rule_id = "ssrf.parser_confusion";
          m->reason = "URL that parsers split differently: one reads " +
                      std::string(HostClassName(confused)) +
                      " after an '@' past '#', '?', '\\' or a blank, or between two '@'";
          m->score = 85;
          m->offset = url.begin;
          m->length = url.end - url.begin;
          return true;
        }
        for (std::string_view p : kMetadataPaths) {
          if (scan::IFind(url.rest, p) != std::string_view::npos) {
            m->rule_id = "ssrf.metadata_path";
            m->reason = "URL path of a cloud metadata or Lambda runtime API";
            m->score = 75;
            m->offset = url.begin;
            m->length = url.end - url.begin;
            return true;
          }
        }
        continue;
      }
      return FillUrl(m, url, c);
    }
    return false;
  }

  // "http://a.example#@10.0.0.1/", "http://a.example\\@10.0.0.1/": the
  // browser's parser ends the authority at '#', '?' or '\\'; parsers that
  // end it only at '/' take what follows the last '@' before it as the host.
  // Returns that host's class (kPublic when there is none).
  static HostClass HostAfterDelimiterAt(const UrlRef& url, std::string* folded) {
    const std::string_view r = url.rest;
    if (r.empty() || (r[0] != '#' && r[0] != '?' && r[0] != '\\')) return HostClass::kPublic;
    const std::string_view head = r.substr(0, std::min<size_t>(r.find('/'), 256));
    const size_t at = head.rfind('@');
    if (at == std::string_view::npos) return HostClass::kPublic;
    return ClassOfHostAt(head.substr(at + 1), ":?#\\", folded);
  }

  // "http://a@127.0.0.1:80@x.example/": parsers that end the user
  // information at the first '@' (older curl, Python's urllib before 3.x
  // fixes, many hand-written splitters) read the host after it; WHATWG
  // parsers read the one after the last.
  static HostClass HostBetweenTwoAts(const UrlRef& url, std::string* folded) {
    if (!url.has_userinfo) return HostClass::kPublic;
    const std::string_view a = url.authority.substr(0, std::min<size_t>(url.authority.size(), 256));
    const size_t first = a.find('@');
    const size_t last = a.rfind('@');
    if (first == std::string_view::npos || first == last) return HostClass::kPublic;
    return ClassOfHostAt(a.substr(first + 1, last - first - 1), ":@", folded);
  }

  // The class of the host `text` opens with (a bracketed address, or the
  // bytes before any of `ends`); kPublic when there is none.
  static HostClass ClassOfHostAt(std::string_view text, const char* ends, std::string* folded) {
    std::string_view host = text;
    if (!host.empty() && host[0] == '[') {
      host = host.substr(0, host.find(']') + 1);
    } else {
      host = host.substr(0, host.find_first_of(ends));
    }
    if (host.empty()) return HostClass::kPublic;
    bool enclosed = false;
    if (FoldHost(host, folded, &enclosed)) host = *folded;
    const HostClass c = ClassifyHost(host);
    return IsShortNumberIn0Slash8(host, c) ? HostClass::kPublic : c;
  }

  // "http://1.1.1.1 &@127.0.0.1# @x.example/": a parser that does not end
  // the authority at a blank reads the host after an '@' the blank is
  // followed by. Only an '@' within a few bytes of the blank counts, with no
  // second blank before it (prose puts words there).
  static HostClass HostAfterBlankAt(std::string_view v, const UrlRef& url,
                                    std::string* folded) {
    const size_t e = url.end;
    if (!url.rest.empty() || e >= v.size() || (v[e] != ' ' && v[e] != '\t')) {
      return HostClass::kPublic;
    }
    size_t at = e + 1;
    while (at < v.size() && at - e < 16 && v[at] != '@' && v[at] != ' ' && v[at] != '\t' &&
           v[at] != '/' && v[at] != '\n') {
      ++at;
    }
    if (at >= v.size() || v[at] != '@') return HostClass::kPublic;
    return ClassOfHostAt(v.substr(at + 1, 256), ":/?#\\ \t\r\n", folded);
  }

  static bool FillUrl(Match* m, const UrlRef& url, HostClass c) {
    m->rule_id = c == HostClass::kMetadata ? "ssrf.metadata_endpoint" : "ssrf.internal_host";
    m->reason = "URL whose host is " + std::string(HostClassName(c));
    m->score = c == HostClass::kMetadata ? 95 : 85;
    m->offset = url.begin;
    m->length = url.end - url.begin;
    return true;
  }
};

}  // namespace

const Detector& SsrfDetector() {
  static const SsrfImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
