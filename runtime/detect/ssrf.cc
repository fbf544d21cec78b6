// Server-side request forgery in request input: URLs whose host points inside
// the network (loopback, private, link-local, CGNAT, cloud metadata, internal
// names) in any spelling, URLs with schemes that exist mostly to smuggle
// requests (gopher, dict, ...), and bare internal hosts in URL-named fields.
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/word_table.h"
#include "runtime/detect/ip_address.h"
#include "runtime/detect/url_scan.h"

namespace fnguard::detect {
namespace {

using scan::IEquals;

// Schemes that have no business in user input and give an SSRF primitive
// against any host.
constexpr std::string_view kSmugglingSchemes[] = {
    "gopher", "dict", "tftp", "netdoc", "jar", "ldap", "ldaps", "ldapi", "sftp", "ssh2.shell",
    "ssh2.exec", "expect", "ogg", "rar", "mailbox", "jdbc",
};

constexpr WordEntry<bool> kUrlishNames[] = {
    {"url", true},       {"uri", true},       {"host", true},         {"hostname", true},
    {"target", true},    {"dest", true},      {"destination", true},  {"redirect", true},
    {"callback", true},  {"webhook", true},   {"endpoint", true},     {"proxy", true},
    {"server", true},    {"domain", true},    {"site", true},         {"feed", true},
    {"link", true},      {"next", true},      {"return", true},       {"returnurl", true},
    {"redirect_uri", true}, {"redirecturl", true}, {"image", true},   {"imageurl", true},
    {"src", true},       {"fetch", true},     {"remote", true},       {"address", true},
    {"addr", true},      {"ip", true},
};
constexpr WordTable<bool, 64> kUrlishNameTable(kUrlishNames);
static_assert(kUrlishNameTable.size() * 2 <= 64);

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
  for (std::string_view n : kInternalServiceNames) {
    if (IEquals(host, n)) return true;
  }
  return false;
}

bool IsUrlishName(std::string_view name) {
  if (!name.empty() && kUrlishNameTable.MayHave(scan::Lower(name[0]), name.size())) {
    char buf[WordTable<bool, 64>::kMaxWord];
    for (size_t k = 0; k < name.size(); ++k) buf[k] = scan::Lower(name[k]);
    if (kUrlishNameTable.Contains(std::string_view(buf, name.size()))) return true;
  }
  // Suffix forms: callback_url, targetUrl, proxy-host.
  return scan::IEndsWith(name, "url") || scan::IEndsWith(name, "uri") ||
         scan::IEndsWith(name, "host");
}

class SsrfImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kSsrf; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.is_key) return false;
    std::string_view v = in.norm;
    if (in.mask.Has(':') && (in.mask.Has('/') || in.mask.Has('\\'))) {
      if (InspectUrls(v, m)) return true;
    }
    // A bare host in a field whose name says it holds a URL or host.
    if ((in.location == event::Location::kQuery || in.location == event::Location::kBody ||
         in.location == event::Location::kParam) &&
        v.size() <= 255 && IsUrlishName(scan::LastPathName(in.path)) &&
        v.find("://") == std::string_view::npos) {
      std::string_view host = v;
      while (!host.empty() && scan::IsSpace(host.back())) host.remove_suffix(1);
      while (!host.empty() && scan::IsSpace(host.front())) host.remove_prefix(1);
      size_t cut = host.find_first_of("/?#");
      if (cut != std::string_view::npos) host = host.substr(0, cut);
      size_t colon = host.rfind(':');
      if (colon != std::string_view::npos && host.front() != '[' &&
          host.find(':') == colon) {
        host = host.substr(0, colon);
      }
      HostClass c = ClassifyHost(host);
      bool dotted = host.find_first_of(".:") != std::string_view::npos;
      if (c != HostClass::kPublic && !host.empty() && host.find(' ') == std::string_view::npos &&
          (dotted || c == HostClass::kLoopback || c == HostClass::kMetadata)) {
        m->rule_id = "ssrf.internal_host_param";
        m->reason = "URL field names " + std::string(HostClassName(c));
        m->score = 70;
        m->offset = 0;
        m->length = v.size();
        return true;
      }
    }
    return false;
  }

 private:
  bool InspectUrls(std::string_view v, Match* m) const {
    size_t pos = 0;
    UrlRef url;
    std::string folded;
    int urls = 0;
    while (urls < 64 && NextUrl(v, &pos, &url)) {
      ++urls;
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
      if (IEquals(url.scheme, "file")) {
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
      if (c == HostClass::kPublic) {
        if (enclosed) {
          m->rule_id = "ssrf.obfuscated_host";
          m->reason = "URL host written with enclosed alphanumerics to evade host filters";
          m->score = 70;
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
      m->rule_id = c == HostClass::kMetadata ? "ssrf.metadata_endpoint" : "ssrf.internal_host";
      m->reason = "URL whose host is " + std::string(HostClassName(c));
      m->score = c == HostClass::kMetadata ? 95 : 85;
      m->offset = url.begin;
      m->length = url.end - url.begin;
      return true;
    }
    return false;
  }
};

}  // namespace

const Detector& SsrfDetector() {
  static const SsrfImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
