#include "wrappers/cli/modsecurity_engine.h"

#include <modsecurity/intervention.h>
#include <modsecurity/modsecurity.h>
#include <modsecurity/rule_message.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>

#include <filesystem>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace fnguard::cli {
namespace {

// What the rule-message callback learns about one transaction.
struct TransactionLog {
  int first_attack_rule = 0;
  std::string attack;
};

// CRS attack-detection rules live in REQUEST-913..944; 949xxx is the
// blocking evaluation and 2000xx the recommended-config rules.
bool IsAttackRule(int id) { return id >= 913000 && id < 949000; }

// The CRS attack class of a rule, from its file's id block (tags are not
// attached to every message, e.g. the libinjection rules').
std::string AttackOfRule(int id) {
  switch (id / 1000) {
    case 913: return "reputation-scanner";
    case 920: case 921: case 922: return "protocol";
    case 930: return "lfi";
    case 931: return "rfi";
    case 932: return "rce";
    case 933: return "injection-php";
    case 934: return "injection-generic";
    case 941: return "xss";
    case 942: return "sqli";
    case 943: return "fixation";
    case 944: return "injection-java";
    default: return "";
  }
}

void OnRuleMessage(void* data, const void* message) {
  if (data == nullptr || message == nullptr) return;
  auto* log = static_cast<TransactionLog*>(data);
  const auto* rm = static_cast<const modsecurity::RuleMessage*>(message);
  if (log->first_attack_rule != 0 || !IsAttackRule(rm->m_ruleId)) return;
  log->first_attack_rule = rm->m_ruleId;
  for (const std::string& tag : rm->m_tags) {
    if (tag.rfind("attack-", 0) == 0) {
      log->attack = tag.substr(7);
      break;
    }
  }
  if (log->attack.empty()) log->attack = AttackOfRule(rm->m_ruleId);
}

// The recommended ModSecurity settings (modsecurity.conf-recommended) that
// matter for request inspection, then the CRS.
std::string Configuration(const ModSecurityOptions& o) {
  return absl::StrCat(
      "SecRuleEngine On\n"
      "SecRequestBodyAccess On\n"
      "SecRule REQUEST_HEADERS:Content-Type \"^(?:application(?:/soap\\+|/)|text/)xml\" "
      "\"id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML\"\n"
      "SecRule REQUEST_HEADERS:Content-Type \"^application/json\" "
      "\"id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON\"\n",
      "SecRequestBodyLimit ", o.request_body_limit, "\n",
      "SecRequestBodyNoFilesLimit ", o.request_body_limit, "\n",
      "SecRequestBodyLimitAction Reject\n"
      "SecRule REQBODY_ERROR \"!@eq 0\" "
      "\"id:200002,phase:2,t:none,log,deny,status:400,"
      "msg:'Failed to parse request body.',logdata:'%{reqbody_error_msg}',severity:2\"\n"
      "SecRule MULTIPART_STRICT_ERROR \"!@eq 0\" "
      "\"id:200003,phase:2,t:none,log,deny,status:400,"
      "msg:'Multipart request body failed strict validation'\"\n"
      "SecRule MULTIPART_UNMATCHED_BOUNDARY \"@eq 1\" "
      "\"id:200004,phase:2,t:none,log,deny,msg:'Multipart parser detected a possible unmatched "
      "boundary.'\"\n"
      "SecPcreMatchLimit 1000\n"
      "SecPcreMatchLimitRecursion 1000\n"
      "SecRule TX:/^MSC_/ \"!@streq 0\" "
      "\"id:200005,phase:2,t:none,deny,msg:'ModSecurity internal error flagged: "
      "%{MATCHED_VAR_NAME}'\"\n"
      "SecResponseBodyAccess Off\n"
      "SecAuditEngine Off\n"
      "SecArgumentSeparator &\n"
      "SecCookieFormat 0\n"
      "SecStatusEngine Off\n",
      "Include ", o.crs_setup, "\n",
      "SecAction \"id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=",
      o.paranoia_level, "\"\n",
      "SecAction \"id:900110,phase:1,nolog,pass,t:none,setvar:tx.inbound_anomaly_score_threshold=",
      o.inbound_anomaly_threshold, ",setvar:tx.outbound_anomaly_score_threshold=4\"\n",
      "Include ", o.crs_rules_dir, "/*.conf\n");
}

// Reads and clears a pending intervention; true when it is disruptive.
bool TakeIntervention(modsecurity::Transaction& tx, ModSecurityResult* out) {
  modsecurity::ModSecurityIntervention it;
  modsecurity::intervention::clean(&it);
  const bool pending = tx.intervention(&it);
  const bool disruptive = pending && it.disruptive != 0;
  if (disruptive) {
    out->intervened = true;
    out->status = it.status;
  }
  modsecurity::intervention::free(&it);
  return disruptive;
}

}  // namespace

struct ModSecurityEngine::State {
  modsecurity::ModSecurity modsec;
  modsecurity::RulesSet rules;
  int rule_count = 0;
};

ModSecurityEngine::ModSecurityEngine(std::unique_ptr<State> state) : state_(std::move(state)) {}
ModSecurityEngine::~ModSecurityEngine() = default;

absl::StatusOr<std::unique_ptr<ModSecurityEngine>> ModSecurityEngine::Create(
    const ModSecurityOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.crs_setup, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("OWASP CRS setup file not found: ", options.crs_setup,
                     " (install the modsecurity-crs package)"));
  }
  const std::string init_rules = options.crs_rules_dir + "/REQUEST-901-INITIALIZATION.conf";
  if (!std::filesystem::is_regular_file(init_rules, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("OWASP CRS rules not found in ", options.crs_rules_dir,
                     " (no REQUEST-901-INITIALIZATION.conf; install the modsecurity-crs package)"));
  }
  if (options.paranoia_level < 1 || options.paranoia_level > 4) {
    return absl::InvalidArgumentError("CRS paranoia level must be 1..4");
  }
  try {
    auto state = std::make_unique<State>();
    state->modsec.setConnectorInformation("fnguard-bench/1.0");
    state->modsec.setServerLogCb(OnRuleMessage, modsecurity::RuleMessageLogProperty);
    const std::string conf = Configuration(options);
    const int loaded = state->rules.load(conf.c_str());
    if (loaded < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("ModSecurity could not load the CRS configuration: ",
                       state->rules.getParserError()));
    }
    state->rule_count = loaded;
    return std::unique_ptr<ModSecurityEngine>(new ModSecurityEngine(std::move(state)));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("ModSecurity failed while loading rules: ", e.what()));
  } catch (...) {
    return absl::InternalError("ModSecurity failed while loading rules");
  }
}

ModSecurityResult ModSecurityEngine::Evaluate(const HttpRequest& request) {
  ModSecurityResult result;
  TransactionLog log;
  try {
    modsecurity::Transaction tx(&state_->modsec, &state_->rules, &log);
    tx.processConnection(request.client_ip.c_str(), 40000, "127.0.0.1", 443);
    bool stop = TakeIntervention(tx, &result);
    if (!stop) {
      tx.processURI(request.uri.c_str(), request.method.c_str(), request.http_version.c_str());
      stop = TakeIntervention(tx, &result);
    }
    if (!stop) {
      for (const auto& [name, value] : request.headers) {
        tx.addRequestHeader(reinterpret_cast<const unsigned char*>(name.data()), name.size(),
                            reinterpret_cast<const unsigned char*>(value.data()), value.size());
      }
      tx.processRequestHeaders();
      stop = TakeIntervention(tx, &result);
    }
    if (!stop) {
      if (!request.body.empty()) {
        tx.appendRequestBody(reinterpret_cast<const unsigned char*>(request.body.data()),
                             request.body.size());
        stop = TakeIntervention(tx, &result);
      }
      if (!stop) {
        tx.processRequestBody();
        TakeIntervention(tx, &result);
      }
    }
    tx.processLogging();
  } catch (...) {
    // libmodsecurity reports through interventions; anything thrown is
    // treated as "no decision" rather than allowed to escape.
  }
  if (log.first_attack_rule != 0) {
    result.rule_id = std::to_string(log.first_attack_rule);
    result.attack = log.attack;
  }
  return result;
}

int ModSecurityEngine::rule_count() const { return state_->rule_count; }

std::string ModSecurityEngine::version() const { return state_->modsec.whoAmI(); }

}  // namespace fnguard::cli
