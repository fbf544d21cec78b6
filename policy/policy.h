// The compiled policy: an immutable, thread-safe object built once from a
// policy file (YAML or JSON; schema in policy/policy.proto) and shared by all
// invocations.
//
//   absl::StatusOr<std::shared_ptr<const Policy>> p = LoadPolicyFile("policy.yaml");
//   if (!p.ok()) { /* p.status().message(): "policy.yaml:7:3: unknown key 'mdoe' in inspection" */ }
//
// Every load error names the file, line and column of the offending node and,
// where one exists, the normalized form to write instead.
#ifndef FNGUARD_POLICY_POLICY_H_
#define FNGUARD_POLICY_POLICY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/core/ids.h"
#include "runtime/event/event.h"

namespace re2 {
class RE2;
}

namespace fnguard::policy {

enum class Mode : uint8_t { kBlock, kMonitor };
enum class FailMode : uint8_t { kOpen, kClosed };  // fnguard's own failure: allow or block
enum class EgressMode : uint8_t { kEnforce, kReport, kOff };
// Process controls: refuse and report, report only, or nothing.
enum class ProcessMode : uint8_t { kOff, kMonitor, kEnforce };

struct Limits {
  event::Limits event;             // bytes, depth, fields
  uint32_t time_budget_us = 2000;  // per invocation inspection budget
};

// Skip some detectors (or all, when `detectors` is empty in the file) for
// fields whose path matches. Path patterns: exact ("body.comment"), or with a
// trailing ".*" matching any descendant ("body.article.*"), or "[*]" matching
// any array index ("body.items[*].note").
struct Exclusion {
  std::string path;
  DetectorSet detectors;  // All() when the file listed none
};

// A user rule: an RE2 pattern (linear time) applied to field values.
struct CustomRule {
  std::string id;                     // "custom.<id>" in findings
  std::string reason;                 // human sentence for findings
  std::shared_ptr<const re2::RE2> re; // compiled pattern
  std::vector<std::string> paths;     // path patterns (as in Exclusion); empty = every field
};

struct EgressAllow {
  std::string host;               // exact lower-case host, or "*.suffix" (one or more labels)
  std::string cidr;               // "203.0.113.0/24" or "2001:db8::/32" (host empty then)
  std::vector<uint16_t> ports;    // empty = {443}
  std::vector<std::string> schemes;  // empty = {"https"}
};

struct TlsSettings {
  std::string min_version = "1.2";  // "1.2" | "1.3"
  std::string ca_file;              // extra CA bundle; empty = system store
  std::vector<std::string> pins;    // "sha256//<base64>" public-key pins
};

struct Egress {
  EgressMode mode = EgressMode::kEnforce;
  std::vector<EgressAllow> allow;
  std::vector<std::string> deny;    // hosts/globs/cidrs always denied
  bool deny_private_addresses = true;
  bool follow_redirects = false;
  std::string proxy;                // only used when named here
  TlsSettings tls;
  // The socket-level guard (runtime/sandbox): every connect()/sendto()/
  // sendmsg() in the process is decided by the rules above. Off by default.
  EgressMode sockets = EgressMode::kOff;
};

// Where files may be written ("/tmp/": the directory and everything beneath
// it; "/var/app.log": exactly that file). Absolute and normalized.
struct FileWrites {
  ProcessMode mode = ProcessMode::kOff;
  std::vector<std::string> allow = {"/tmp/"};
};

// FunctionShield-style controls on the function process (runtime/sandbox).
struct ProcessControls {
  ProcessMode exec = ProcessMode::kOff;  // execve and friends
  FileWrites file_writes;
};

struct Reporting {
  std::string otlp_endpoint;                                   // empty = no OTLP
  std::vector<std::pair<std::string, std::string>> headers_from_env;  // header -> env var
  std::string headers_file;                                    // file of "Name: value" lines
  std::string stdout_format;                                   // "" (off) | "json"
  std::string spool_dir = "/tmp/fnguard-spool";
};

// What a blocked invocation returns instead of calling the handler.
struct BlockResponse {
  int status = 403;                            // for HTTP-shaped events
  std::string content_type = "application/json";
  std::string body = R"({"message":"Forbidden"})";
};

struct Policy {
  int version = 1;
  std::string source;          // file name, or "<defaults>"
  Mode mode = Mode::kBlock;
  FailMode fail_mode = FailMode::kOpen;
  FailMode on_timeout = FailMode::kOpen;  // budget exhausted: allow (open) or block (closed)
  DetectorSet detectors = DetectorSet::All();
  std::vector<Exclusion> exclusions;
  std::vector<CustomRule> rules;
  Limits limits;
  Egress egress;
  Reporting reporting;
  BlockResponse block_response;
  ProcessControls process;
  // Where each configured key or list entry was written, for messages:
  // "egress.allow[1]" -> "policy.yaml:12:7". Empty for DefaultPolicy().
  std::map<std::string, std::string> locations;
};

// Built-in defaults: block mode, every detector, default limits, egress
// enforce with an empty allowlist, stdout reporting off.
std::shared_ptr<const Policy> DefaultPolicy();

// Loads, validates and compiles a policy. `source_name` is used in messages.
absl::StatusOr<std::shared_ptr<const Policy>> LoadPolicyText(std::string_view text,
                                                             std::string_view source_name);
absl::StatusOr<std::shared_ptr<const Policy>> LoadPolicyFile(const std::string& path);

// Audit of a valid policy: things that are allowed but weaken protection.
struct AuditWarning {
  std::string code;     // "monitor_mode", "wildcard_egress", "tls_weakened", ...
  std::string message;  // human sentence, with the line when known
};
std::vector<AuditWarning> Audit(const Policy& policy);

// True when `path` matches the exclusion/rule path pattern `pattern`.
bool PathMatches(std::string_view pattern, std::string_view path);

}  // namespace fnguard::policy

#endif  // FNGUARD_POLICY_POLICY_H_
