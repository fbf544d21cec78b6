// fnguard egress check --policy P [--resolve] URL...: see egress_commands.h.
#include <cstdio>
#include <string>

#include "policy/text.h"
#include "runtime/core/json.h"
#include "runtime/egress/host_policy.h"
#include "wrappers/cli/egress_commands.h"

namespace fnguard::cli {
namespace {

constexpr const char* kEgressUsage =
    "usage: fnguard egress check --policy POLICY [--resolve] URL...\n"
    "Decides, without connecting, whether the policy's egress rules allow each URL.\n"
    "Prints one JSON line per URL: {\"url\",\"decision\",\"reason\",\"rule\"}, with\n"
    "--resolve also \"addresses\" (every resolved address is checked).\n"
    "Exit 0 when all are allowed, 3 when any is denied, 2 on bad input.\n";

int BadInput(const std::string& message) {
  std::fprintf(stderr, "fnguard egress check: %s\n%s", message.c_str(), kEgressUsage);
  return kExitBadInput;
}

}  // namespace

int EgressCommand(const Args& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(kEgressUsage, stdout);
    return kExitOk;
  }
  if (args.empty() || args[0] != "check") {
    std::fprintf(stderr, "fnguard egress: expected 'check'\n%s", kEgressUsage);
    return kExitBadInput;
  }
  ArgParser ap({"--policy"}, {"--resolve", "--help"});
  if (!ap.Parse(Args(args.begin() + 1, args.end()))) return BadInput(ap.error());
  if (ap.Has("--help")) {
    std::fputs(kEgressUsage, stdout);
    return kExitOk;
  }
  std::optional<std::string> policy_file = ap.Get("--policy");
  if (!policy_file.has_value() || policy_file->empty()) return BadInput("--policy is required");
  if (ap.positionals().empty()) return BadInput("no URLs given");

  auto pol = policy::LoadPolicyFile(*policy_file);
  if (!pol.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(policy::ToStd(pol.status().message())).c_str());
    return kExitBadInput;
  }
  absl::StatusOr<egress::HostPolicy> host_policy = egress::HostPolicy::Compile((*pol)->egress);
  if (!host_policy.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(policy::ToStd(host_policy.status().message())).c_str());
    return kExitBadInput;
  }

  const bool resolve = ap.Has("--resolve");
  const bool report_mode = host_policy->mode() == policy::EgressMode::kReport;
  bool any_denied = false;
  for (const std::string& url : ap.positionals()) {
    egress::Decision d = resolve ? host_policy->ResolveAndDecide(url) : host_policy->Decide(url);
    any_denied = any_denied || !d.allow;
    json::Writer w;
    w.BeginObject()
        .Field("url", url)
        .Field("decision", d.allow ? "allow" : "deny")
        .Field("reason", d.reason)
        .Field("rule", d.rule);
    if (report_mode) w.Field("would_deny", d.would_deny);
    if (resolve) {
      w.Key("addresses").BeginArray();
      for (const std::string& a : d.addresses) w.String(a);
      w.EndArray();
    }
    w.EndObject();
    std::printf("%s\n", w.str().c_str());
  }
  std::fflush(stdout);
  return any_denied ? kExitEgressDenied : kExitOk;
}

}  // namespace fnguard::cli
