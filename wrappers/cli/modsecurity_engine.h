// ModSecurity v3 + OWASP Core Rule Set as a reference engine, so that
// `fnguard bench --vs modsecurity` and `fnguard eval --engine modsecurity`
// can measure fnguard against the conventional WAF on the same data in the
// same process.
//
// The configuration is the one a typical deployment runs: the recommended
// ModSecurity settings (rule engine on, request body access, JSON and XML
// body processors selected by Content-Type, body-parse errors denied), then
// crs-setup.conf, paranoia level and inbound anomaly threshold (CRS defaults:
// 1 and 5), then every rules/*.conf of the CRS in order. A request is flagged
// when ModSecurity returns a disruptive intervention (CRS's anomaly-score
// block, 403, or a request-body parse error, 400).
//
// Only compiled when libmodsecurity is found at build time; the build then
// defines FNGUARD_HAVE_MODSECURITY=1. Check that macro before using this
// header's classes.
//
// Thread-safety: the loaded rules are read-only, but one ModSecurityEngine
// evaluates one request at a time.
//
// Example:
//   auto engine = ModSecurityEngine::Create({});
//   if (!engine.ok()) { print engine.status(); }
//   ModSecurityResult r = (*engine)->Evaluate(request);
//   if (r.intervened) { ... r.status, r.rule_id ... }
#ifndef FNGUARD_WRAPPERS_CLI_MODSECURITY_ENGINE_H_
#define FNGUARD_WRAPPERS_CLI_MODSECURITY_ENGINE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "wrappers/cli/event_request.h"

namespace fnguard::cli {

struct ModSecurityOptions {
  // Where Debian's modsecurity-crs package puts the CRS.
  std::string crs_setup = "/etc/modsecurity/crs/crs-setup.conf";
  std::string crs_rules_dir = "/usr/share/modsecurity-crs/rules";
  int paranoia_level = 1;             // CRS tx.paranoia_level
  int inbound_anomaly_threshold = 5;  // CRS tx.inbound_anomaly_score_threshold
  // SecRequestBodyLimit and SecRequestBodyNoFilesLimit. Raised from the
  // recommended 128 KiB no-files limit so that a large JSON body is inspected
  // instead of rejected.
  size_t request_body_limit = 13107200;
};

struct ModSecurityResult {
  bool intervened = false;  // a disruptive intervention (the request would be blocked)
  int status = 200;         // its HTTP status (403 for CRS's anomaly block)
  // The first attack rule that contributed to the decision (e.g. "942100"),
  // and its CRS attack tag without the "attack-" prefix (e.g. "sqli");
  // empty when no attack rule logged a match.
  std::string rule_id;
  std::string attack;
};

class ModSecurityEngine {
 public:
  // Loads the configuration and the CRS. FailedPrecondition names the
  // missing file when the CRS is not installed; InvalidArgument carries
  // ModSecurity's parser error when a rule file does not load.
  static absl::StatusOr<std::unique_ptr<ModSecurityEngine>> Create(const ModSecurityOptions& options);

  ~ModSecurityEngine();
  ModSecurityEngine(const ModSecurityEngine&) = delete;
  ModSecurityEngine& operator=(const ModSecurityEngine&) = delete;

  // Runs one request through phases 1 (headers) and 2 (body), and the
  // logging phase, as a server connector would. Never throws.
  ModSecurityResult Evaluate(const HttpRequest& request);

  // Number of rules loaded, and libmodsecurity's version string.
  int rule_count() const;
  std::string version() const;

 private:
  struct State;
  explicit ModSecurityEngine(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace fnguard::cli

#endif  // FNGUARD_WRAPPERS_CLI_MODSECURITY_ENGINE_H_
