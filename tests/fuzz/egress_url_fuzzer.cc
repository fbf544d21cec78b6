// Fuzzes the egress URL parser and HostPolicy::Decide with a fixed policy.
// Never crash, and never allow a URL whose host (as an independent libcurl
// parse reads it) is not on the allowlist, or that carries userinfo, or whose
// port or scheme the matching entry does not list.
#include <curl/curl.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "policy/hosts.h"
#include "runtime/egress/host_policy.h"
#include "runtime/egress/url.h"

namespace {

using fnguard::egress::HostPolicy;

const HostPolicy& FixedPolicy() {
  static const HostPolicy* const hp = [] {
    fnguard::policy::Egress eg;
    eg.allow.push_back({"api.example.com", "", {443}, {"https"}});
    eg.allow.push_back({"*.example.org", "", {443, 8443}, {"https"}});
    eg.allow.push_back({"", "203.0.113.0/24", {8443}, {"https"}});
    eg.deny.push_back("blocked.example.org");
    absl::StatusOr<HostPolicy> compiled = HostPolicy::Compile(eg);
    if (!compiled.ok()) std::abort();
    return new HostPolicy(*std::move(compiled));
  }();
  return *hp;
}

std::optional<std::string> Part(CURLU* h, CURLUPart part, unsigned int flags) {
  char* v = nullptr;
  if (curl_url_get(h, part, &v, flags) != CURLUE_OK || v == nullptr) return std::nullopt;
  std::string out(v);
  curl_free(v);
  return out;
}

// The allowlist, re-checked on an independent, lenient libcurl parse.
bool IndependentlyAllowed(const std::string& url) {
  CURLU* h = curl_url();
  if (h == nullptr) return false;
  bool ok = false;
  if (curl_url_set(h, CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    std::optional<std::string> scheme = Part(h, CURLUPART_SCHEME, 0);
    std::optional<std::string> host = Part(h, CURLUPART_HOST, 0);
    std::optional<std::string> port = Part(h, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    const bool has_user = Part(h, CURLUPART_USER, 0).has_value() ||
                          Part(h, CURLUPART_PASSWORD, 0).has_value();
    if (scheme && host && port && !has_user) {
      std::string s = *scheme, hn = *host;
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (char& c : hn) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!hn.empty() && hn.back() == '.') hn.pop_back();
      if (s == "https") {
        if (hn == "api.example.com") {
          ok = *port == "443";
        } else if (fnguard::policy::HostPatternMatches("*.example.org", hn)) {
          ok = hn != "blocked.example.org" && (*port == "443" || *port == "8443");
        } else {
          std::string_view literal = hn;
          if (literal.size() > 2 && literal.front() == '[' && literal.back() == ']') {
            literal = literal.substr(1, literal.size() - 2);
          }
          std::optional<fnguard::policy::IpAddress> ip = fnguard::policy::ParseIpAddress(literal);
          if (ip && *port == "8443") {
            const auto& b = ip->bytes;
            if (ip->family == 4) {
              ok = b[0] == 203 && b[1] == 0 && b[2] == 113;
            } else {
              bool mapped = b[10] == 0xff && b[11] == 0xff;
              for (int i = 0; i < 10; ++i) mapped = mapped && b[i] == 0;
              ok = mapped && b[12] == 203 && b[13] == 0 && b[14] == 113;
            }
          }
        }
      }
    }
  }
  curl_url_cleanup(h);
  return ok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string url(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<fnguard::egress::ParsedUrl> parsed = fnguard::egress::ParseUrl(url);
  if (parsed.ok() && (parsed->host.empty() || parsed->port == 0)) std::abort();
  fnguard::egress::Decision d = FixedPolicy().Decide(url);
  if (d.reason.empty() || d.rule.empty()) std::abort();
  if (d.allow && !IndependentlyAllowed(url)) std::abort();
  return 0;
}
