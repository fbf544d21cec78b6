#include "wrappers/cli/cli.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "wrappers/cli/egress_commands.h"
#include "wrappers/cli/report_commands.h"

namespace fnguard::cli {
namespace {

constexpr const char* kUsage = R"(fnguard: runtime protection for serverless functions

usage: fnguard <command> [options]

commands:
  scan [--policy P] [--format text|json] EVENT.json...
        inspect Lambda event files and print findings (exit 0 clean, 1 findings, 2 bad input)
  eval --input F.jsonl [--embed raw|query|json-body|json-body-escaped|json-body-gzip|header|xml-body]
       [--policy P] [--report OUT [--all-findings]] [--engine fnguard|modsecurity]
        run a labeled corpus through the pipeline; print one JSON summary object
  bench [--events DIR | --body-bytes N [--body-shape catalog|records] | --vary users|all]
        [--iterations N] [--format text|json] [--vs modsecurity|simdjson] [--no-field-cache]
        [--policy P]
        time the pipeline per event (with --vs modsecurity: ModSecurity + CRS in the same run;
        with --vs simdjson: parsing the same events alone)
  policy check [--format text|json] P
        validate and audit a policy (exit 0 ok, 2 invalid)
  local --function CMD --event F... [--policy P] [--timeout S] [--env K=V]
        run a custom-runtime binary against a local Lambda Runtime API emulator
  collector --listen ADDR:PORT --store PATH [--token T]
        local OTLP/HTTP logs receiver with a durable SQLite store
  events --store PATH [--format text|json] [--since T] [--kind K]
        list stored security events
  egress check --policy P [--resolve] URL...
        decide outbound URLs against the policy's egress allowlist (exit 0 all allowed, 3 any denied)
  fetch --policy P [--cacert F] [--max-time S] URL
        guarded HTTPS GET, body to stdout (exit 0 ok, 3 denied, 4 TLS verification failed, 5 other error)

Run 'fnguard <command> --help' for details. Policy: --policy, else $FNGUARD_POLICY, else built-in defaults.
)";

}  // namespace

ArgParser::ArgParser(std::vector<std::string> with_value, std::vector<std::string> switches)
    : with_value_(std::move(with_value)), switches_(std::move(switches)) {}

bool ArgParser::Parse(const Args& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      positionals_.insert(positionals_.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string name = a;
      std::string value;
      bool inline_value = false;
      if (auto eq = a.find('='); eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      if (std::find(switches_.begin(), switches_.end(), name) != switches_.end()) {
        if (inline_value) {
          error_ = "flag " + name + " takes no value";
          return false;
        }
        values_.emplace_back(name, "");
        continue;
      }
      if (std::find(with_value_.begin(), with_value_.end(), name) == with_value_.end()) {
        error_ = "unknown flag " + name;
        return false;
      }
      if (!inline_value) {
        if (i + 1 >= args.size()) {
          error_ = "flag " + name + " needs a value";
          return false;
        }
        value = args[++i];
      }
      values_.emplace_back(name, value);
      continue;
    }
    positionals_.push_back(a);
  }
  return true;
}

std::optional<std::string> ArgParser::Get(const std::string& flag) const {
  std::optional<std::string> out;
  for (const auto& [k, v] : values_) {
    if (k == flag) out = v;
  }
  return out;
}

std::vector<std::string> ArgParser::GetAll(const std::string& flag) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : values_) {
    if (k == flag) out.push_back(v);
  }
  return out;
}

bool ArgParser::Has(const std::string& flag) const {
  return std::any_of(values_.begin(), values_.end(), [&](const auto& kv) { return kv.first == flag; });
}

absl::StatusOr<std::shared_ptr<const policy::Policy>> PolicyFromFlagOrEnv(
    const std::optional<std::string>& flag) {
  if (flag.has_value()) return policy::LoadPolicyFile(*flag);
  const char* env = std::getenv("FNGUARD_POLICY");
  if (env != nullptr && *env != '\0') return policy::LoadPolicyFile(env);
  return policy::DefaultPolicy();
}

uint64_t Percentile(std::vector<uint64_t> samples, double p) {
  if (samples.empty()) return 0;
  size_t k = static_cast<size_t>(p * static_cast<double>(samples.size() - 1));
  std::nth_element(samples.begin(), samples.begin() + static_cast<long>(k), samples.end());
  return samples[k];
}

void WriteFindings(json::Writer& w, const std::vector<Finding>& findings) {
  w.Key("findings").BeginArray();
  for (const Finding& f : findings) {
    w.BeginObject();
    w.Field("detector", f.detector);
    w.Field("rule_id", f.rule_id);
    w.Field("field_path", f.field_path);
    w.Field("excerpt", f.excerpt);
    w.Field("reason", f.reason);
    w.Field("score", f.score);
    w.EndObject();
  }
  w.EndArray();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return absl::DataLossError("cannot read " + path);
  return ss.str();
}

int Main(int argc, char** argv) {
  Args all(argv + 1, argv + argc);
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    std::fputs(kUsage, all.empty() ? stderr : stdout);
    return all.empty() ? kExitBadInput : kExitOk;
  }
  if (all[0] == "--version") {
    std::puts("fnguard 0.1.0");
    return kExitOk;
  }
  const std::string cmd = all[0];
  Args rest(all.begin() + 1, all.end());
  try {
    if (cmd == "scan") return ScanCommand(rest);
    if (cmd == "eval") return EvalCommand(rest);
    if (cmd == "policy") return PolicyCommand(rest);
    if (cmd == "bench") return BenchCommand(rest);
    if (cmd == "local") return LocalCommand(rest);
    if (cmd == "collector") return CollectorCommand(rest);
    if (cmd == "events") return EventsCommand(rest);
    if (cmd == "egress") return EgressCommand(rest);
    if (cmd == "fetch") return FetchCommand(rest);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fnguard %s: internal error: %s\n", cmd.c_str(), e.what());
    return kExitBadInput;
  }
  std::fprintf(stderr, "fnguard: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return kExitBadInput;
}

}  // namespace fnguard::cli
