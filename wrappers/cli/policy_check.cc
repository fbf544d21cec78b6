// fnguard policy check [--format text|json] P: validate and audit a policy.
//   exit 0: valid (warnings may be printed); 2: invalid, with file:line:column.
#include <cstdio>

#include "runtime/core/json.h"
#include "wrappers/cli/cli.h"

namespace fnguard::cli {
namespace {

constexpr const char* kPolicyUsage =
    "usage: fnguard policy check [--format text|json] POLICY.yaml|POLICY.json\n"
    "Validates the policy (exit 2 with the offending line when invalid) and\n"
    "audits it: warnings for settings that weaken protection.\n";

size_t CountDetectors(const DetectorSet& s) {
  size_t n = 0;
  for (size_t i = 0; i < kDetectorCount; ++i) n += s.Has(static_cast<DetectorId>(i)) ? 1 : 0;
  return n;
}

}  // namespace

int PolicyCommand(const Args& args) {
  if (args.empty() || args[0] != "check") {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
      std::fputs(kPolicyUsage, stdout);
      return kExitOk;
    }
    std::fprintf(stderr, "fnguard policy: expected 'check'\n%s", kPolicyUsage);
    return kExitBadInput;
  }
  ArgParser ap({"--format"}, {"--help"});
  if (!ap.Parse(Args(args.begin() + 1, args.end()))) {
    std::fprintf(stderr, "fnguard policy check: %s\n%s", ap.error().c_str(), kPolicyUsage);
    return kExitBadInput;
  }
  if (ap.Has("--help")) {
    std::fputs(kPolicyUsage, stdout);
    return kExitOk;
  }
  const std::string format = ap.Get("--format").value_or("text");
  if ((format != "text" && format != "json") || ap.positionals().size() != 1) {
    std::fprintf(stderr, "fnguard policy check: expected exactly one policy file\n%s", kPolicyUsage);
    return kExitBadInput;
  }
  const std::string& file = ap.positionals()[0];
  auto pol = policy::LoadPolicyFile(file);
  if (!pol.ok()) {
    const std::string msg(pol.status().message());
    if (format == "json") {
      json::Writer w;
      w.BeginObject().Field("file", file).Field("valid", false).Field("error", msg).EndObject();
      std::printf("%s\n", w.str().c_str());
    }
    std::fprintf(stderr, "error: %s\n", msg.c_str());
    return kExitBadInput;
  }
  const policy::Policy& p = **pol;
  std::vector<policy::AuditWarning> warnings = policy::Audit(p);
  if (format == "json") {
    json::Writer w;
    w.BeginObject().Field("file", file).Field("valid", true);
    w.Field("mode", p.mode == policy::Mode::kBlock ? "block" : "monitor");
    w.Field("detectors", static_cast<uint64_t>(CountDetectors(p.detectors)));
    w.Field("egress_rules", static_cast<uint64_t>(p.egress.allow.size()));
    w.Key("warnings").BeginArray();
    for (const auto& aw : warnings) {
      w.BeginObject().Field("code", aw.code).Field("message", aw.message).EndObject();
    }
    w.EndArray().EndObject();
    std::printf("%s\n", w.str().c_str());
  } else {
    std::printf("ok: %s (mode %s, %zu detectors, %zu exclusions, %zu custom rules, %zu egress allow rules)\n",
                file.c_str(), p.mode == policy::Mode::kBlock ? "block" : "monitor",
                CountDetectors(p.detectors), p.exclusions.size(), p.rules.size(), p.egress.allow.size());
    for (const auto& aw : warnings) {
      std::printf("warning: [%s] %s\n", aw.code.c_str(), aw.message.c_str());
    }
  }
  return kExitOk;
}

}  // namespace fnguard::cli
