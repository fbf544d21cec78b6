// Audit(): settings a valid policy may contain that weaken protection. Each
// warning has a stable code (for scripts) and a sentence naming where the
// setting was written when the policy came from a file.
#include <string>
#include <vector>

#include "policy/hosts.h"
#include "policy/policy.h"
#include "policy/text.h"

namespace fnguard::policy {
namespace {

struct NamedRange {
  std::string_view cidr;
  std::string_view name;
};

// Address ranges that deny_private_addresses refuses by default.
constexpr NamedRange kPrivateRanges[] = {
    {"0.0.0.0/8", "this-network"},
    {"10.0.0.0/8", "private"},
    {"100.64.0.0/10", "carrier-grade NAT"},
    {"127.0.0.0/8", "loopback"},
    {"169.254.0.0/16", "link-local"},
    {"172.16.0.0/12", "private"},
    {"192.168.0.0/16", "private"},
    {"198.18.0.0/15", "benchmarking"},
    {"::/128", "unspecified"},
    {"::1/128", "loopback"},
    {"::ffff:0:0/96", "IPv4-mapped"},
    {"fc00::/7", "unique-local"},
    {"fe80::/10", "link-local"},
};

// Cloud instance metadata endpoints (AWS IPv4/IPv6, ECS task metadata).
constexpr std::string_view kMetadataAddresses[] = {"169.254.169.254", "fd00:ec2::254",
                                                   "169.254.170.2"};

// Top-level field path sections: excluding one of these wholesale removes
// inspection of a whole part of the request.
constexpr std::string_view kSections[] = {"path",   "query", "headers", "cookies",
                                          "params", "body",  "records"};

std::string At(const Policy& policy, const std::string& key) {
  auto it = policy.locations.find(key);
  return it == policy.locations.end() ? "" : Cat(" (", it->second, ")");
}

bool IsSectionWide(std::string_view path) {
  if (path == "*" || path.starts_with("*.") || path.starts_with("*[")) return true;
  for (std::string_view section : kSections) {
    if (path == section) return true;
    if (path.starts_with(section)) {
      std::string_view rest = path.substr(section.size());
      if (rest == ".*" || rest == "[*]" || rest == "[*].*") return true;
    }
  }
  return false;
}

}  // namespace

std::vector<AuditWarning> Audit(const Policy& policy) {
  std::vector<AuditWarning> out;
  auto warn = [&](std::string_view code, std::string message) {
    out.push_back({std::string(code), std::move(message)});
  };

  if (policy.mode == Mode::kMonitor) {
    warn("monitor_mode",
         Cat("mode is monitor: attacks are reported but never blocked", At(policy, "mode")));
  }
  if (policy.on_timeout == FailMode::kClosed) {
    warn("timeout_fails_closed",
         Cat("inspection.on_timeout is closed: an input that exhausts the time budget "
             "blocks the invocation, so slow inputs can deny service",
             At(policy, "inspection.on_timeout")));
  }

  std::vector<std::string_view> disabled;
  for (size_t i = 0; i < kDetectorCount; ++i) {
    if (!policy.detectors.Has(static_cast<DetectorId>(i))) disabled.push_back(kDetectorNames[i]);
  }
  if (!disabled.empty()) {
    warn("detectors_disabled",
         Cat("detectors disabled: ", Join(disabled, ", "), At(policy, "inspection.detectors")));
  }
  for (size_t i = 0; i < policy.exclusions.size(); ++i) {
    const Exclusion& e = policy.exclusions[i];
    if (e.detectors == DetectorSet::All() && IsSectionWide(e.path)) {
      warn("section_excluded",
           Cat("exclusion '", e.path, "' disables every detector on a whole section",
               At(policy, Cat("inspection.exclusions[", i, "]"))));
    }
  }

  const Egress& egress = policy.egress;
  if (egress.mode == EgressMode::kReport) {
    warn("egress_not_enforced",
         Cat("egress.mode is report: connections outside the allowlist are only reported",
             At(policy, "egress.mode")));
  } else if (egress.mode == EgressMode::kOff) {
    warn("egress_not_enforced", Cat("egress.mode is off: outbound connections are not "
                                    "checked at all",
                                    At(policy, "egress.mode")));
  }
  std::vector<Cidr> private_ranges;
  for (const NamedRange& r : kPrivateRanges) {
    if (absl::StatusOr<Cidr> c = ParseCidr(r.cidr); c.ok()) private_ranges.push_back(*c);
  }
  for (size_t i = 0; i < egress.allow.size(); ++i) {
    const EgressAllow& a = egress.allow[i];
    std::string where = At(policy, Cat("egress.allow[", i, "]"));
    if (!a.host.empty() && a.host.starts_with("*.")) {
      warn("wildcard_egress", Cat("egress allows every subdomain of '", a.host.substr(2), "' ('",
                                  a.host, "')", where));
    }
    if (!a.cidr.empty()) {
      absl::StatusOr<Cidr> cidr = ParseCidr(a.cidr);
      if (!cidr.ok()) continue;
      if (cidr->prefix_length == 0) {
        warn("wildcard_egress", Cat("egress allows every address ('", a.cidr, "')", where));
      }
      bool metadata = false;
      for (std::string_view m : kMetadataAddresses) {
        std::optional<IpAddress> ip = ParseIpAddress(m);
        if (ip.has_value() && cidr->Contains(*ip)) metadata = true;
      }
      if (metadata) {
        warn("metadata_allowed",
             Cat("egress allow cidr '", a.cidr,
                 "' contains the cloud metadata address: credentials can be stolen "
                 "through it",
                 where));
      }
      std::vector<std::string> lifted;
      for (size_t r = 0; r < private_ranges.size(); ++r) {
        if (cidr->Overlaps(private_ranges[r])) {
          lifted.push_back(Cat(kPrivateRanges[r].name, " ", kPrivateRanges[r].cidr));
        }
      }
      if (!lifted.empty()) {
        warn("private_range_allowed",
             Cat("egress allow cidr '", a.cidr,
                 "' lifts the private-address deny for: ", Join(lifted, ", "), where));
      }
    }
    for (const std::string& scheme : a.schemes) {
      if (scheme == "http") {
        warn("plaintext_egress",
             Cat("egress allows plain http to '", a.host.empty() ? a.cidr : a.host,
                 "': traffic is neither encrypted nor authenticated", where));
      }
    }
  }
  if (!egress.deny_private_addresses) {
    warn("private_addresses_allowed",
         Cat("egress.deny_private_addresses is false: private, loopback and metadata "
             "addresses are reachable",
             At(policy, "egress.deny_private_addresses")));
  }
  if (!egress.tls.ca_file.empty()) {
    warn("tls_extra_ca", Cat("egress.tls.ca_file trusts an extra CA ('", egress.tls.ca_file,
                             "') besides the system store", At(policy, "egress.tls.ca_file")));
  }
  if (egress.follow_redirects) {
    warn("follow_redirects",
         Cat("egress.follow_redirects is true: each redirect target is checked, but an "
             "allowed host can steer requests",
             At(policy, "egress.follow_redirects")));
  }
  if (!egress.proxy.empty()) {
    warn("egress_proxy", Cat("egress goes through the proxy '", egress.proxy,
                             "', which sees every connection", At(policy, "egress.proxy")));
  }

  if (egress.sockets == EgressMode::kReport) {
    warn("sockets_not_enforced",
         Cat("egress.sockets is report: connections other libraries make outside the "
             "allowlist are only reported",
             At(policy, "egress.sockets")));
  }
  const ProcessControls& process = policy.process;
  if (process.exec == ProcessMode::kMonitor) {
    warn("exec_not_enforced", Cat("process.exec is monitor: programs the function starts are "
                                  "only reported",
                                  At(policy, "process.exec")));
  }
  if (process.file_writes.mode == ProcessMode::kMonitor) {
    warn("file_writes_not_enforced",
         Cat("process.file_writes.mode is monitor: writes outside the allowed paths are only "
             "reported",
             At(policy, "process.file_writes.mode")));
  }
  if (process.file_writes.mode != ProcessMode::kOff) {
    for (size_t i = 0; i < process.file_writes.allow.size(); ++i) {
      if (process.file_writes.allow[i] == "/") {
        warn("file_writes_anywhere",
             Cat("process.file_writes.allow[", i, "] is '/': files may be written anywhere",
                 At(policy, "process.file_writes.allow")));
      }
    }
  }

  const std::string& otlp = policy.reporting.otlp_endpoint;
  if (otlp.starts_with("http://")) {
    std::string_view rest = std::string_view(otlp).substr(7);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    std::string_view host = authority;
    if (host.starts_with("[")) {
      host = host.substr(
          1, host.find(']') == std::string_view::npos ? host.size() - 1 : host.find(']') - 1);
    } else {
      host = host.substr(0, host.find(':'));
    }
    bool loopback = host == "localhost" || host.ends_with(".localhost");
    if (std::optional<IpAddress> ip = ParseIpAddress(host); ip.has_value()) {
      for (std::string_view lo : {"127.0.0.0/8", "::1/128"}) {
        if (absl::StatusOr<Cidr> c = ParseCidr(lo); c.ok() && c->Contains(*ip)) loopback = true;
      }
    }
    if (!loopback) {
      warn("otlp_plaintext", Cat("reporting.otlp_endpoint uses plain http to '", host,
                                 "': security events and collector credentials travel unencrypted",
                                 At(policy, "reporting.otlp_endpoint")));
    }
  }
  return out;
}

}  // namespace fnguard::policy
