#include "policy/compile.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "policy/schema.h"
#include "policy/text.h"
#include "re2/re2.h"

namespace fnguard::policy {
namespace {

absl::StatusOr<DetectorSet> ToDetectorSet(
    const google::protobuf::RepeatedPtrField<std::string>& names) {
  if (names.empty()) return DetectorSet::All();
  DetectorSet set;
  for (const std::string& name : names) {
    std::optional<DetectorId> id = DetectorFromName(name);
    if (!id.has_value()) return absl::InvalidArgumentError(Cat("unknown detector '", name, "'"));
    set.Add(*id);
  }
  return set;
}

FailMode ToFailMode(v1::FailMode mode) {
  return mode == v1::FAIL_MODE_CLOSED ? FailMode::kClosed : FailMode::kOpen;
}

// Unspecified means off for every process control.
ProcessMode ToProcessMode(v1::ProcessMode mode) {
  switch (mode) {
    case v1::PROCESS_MODE_ENFORCE:
      return ProcessMode::kEnforce;
    case v1::PROCESS_MODE_MONITOR:
      return ProcessMode::kMonitor;
    default:
      return ProcessMode::kOff;
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Policy>> CompilePolicy(
    const v1::Policy& proto, std::string_view source_name,
    std::map<std::string, std::string> locations) {
  auto policy = std::make_shared<Policy>();
  policy->version = static_cast<int>(proto.version());
  policy->source = std::string(source_name);
  policy->mode = proto.mode() == v1::MODE_MONITOR ? Mode::kMonitor : Mode::kBlock;
  policy->fail_mode = ToFailMode(proto.fail_mode());

  const v1::Inspection& inspection = proto.inspection();
  policy->on_timeout = ToFailMode(inspection.on_timeout());
  absl::StatusOr<DetectorSet> detectors = ToDetectorSet(inspection.detectors());
  if (!detectors.ok()) return detectors.status();
  policy->detectors = *detectors;

  for (const v1::Exclusion& e : inspection.exclusions()) {
    absl::StatusOr<DetectorSet> skipped = ToDetectorSet(e.detectors());
    if (!skipped.ok()) return skipped.status();
    policy->exclusions.push_back({e.path(), *skipped});
  }

  for (const v1::Rule& r : inspection.rules()) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(kMaxRuleProgramBytes);
    auto re = std::make_shared<const RE2>(r.pattern(), options);
    if (!re->ok()) {
      return absl::InvalidArgumentError(
          Cat("rule '", r.id(), "' pattern is not valid RE2: ", re->error()));
    }
    CustomRule rule;
    rule.id = r.id();
    rule.reason = r.reason().empty() ? Cat("matched custom rule ", r.id()) : r.reason();
    rule.re = std::move(re);
    rule.paths.assign(r.paths().begin(), r.paths().end());
    policy->rules.push_back(std::move(rule));
  }

  const v1::Limits& limits = inspection.limits();
  event::Limits& ev = policy->limits.event;
  if (limits.has_max_event_bytes()) ev.max_event_bytes = limits.max_event_bytes();
  if (limits.has_max_body_bytes()) ev.max_body_bytes = limits.max_body_bytes();
  if (limits.has_max_depth()) ev.max_depth = static_cast<uint32_t>(limits.max_depth());
  if (limits.has_max_fields()) ev.max_fields = limits.max_fields();
  if (limits.has_time_budget_us()) {
    policy->limits.time_budget_us = static_cast<uint32_t>(limits.time_budget_us());
  }

  const v1::Egress& egress = proto.egress();
  Egress& eg = policy->egress;
  switch (egress.mode()) {
    case v1::EGRESS_MODE_REPORT:
      eg.mode = EgressMode::kReport;
      break;
    case v1::EGRESS_MODE_OFF:
      eg.mode = EgressMode::kOff;
      break;
    default:
      eg.mode = EgressMode::kEnforce;
      break;
  }
  for (const v1::EgressAllow& a : egress.allow()) {
    EgressAllow allow;
    allow.host = a.host();
    allow.cidr = a.cidr();
    for (uint32_t port : a.ports()) {
      uint16_t p = static_cast<uint16_t>(port);
      if (std::find(allow.ports.begin(), allow.ports.end(), p) == allow.ports.end()) {
        allow.ports.push_back(p);
      }
    }
    if (allow.ports.empty()) allow.ports.push_back(443);
    for (const std::string& scheme : a.schemes()) {
      if (std::find(allow.schemes.begin(), allow.schemes.end(), scheme) == allow.schemes.end()) {
        allow.schemes.push_back(scheme);
      }
    }
    if (allow.schemes.empty()) allow.schemes.push_back("https");
    eg.allow.push_back(std::move(allow));
  }
  eg.deny.assign(egress.deny().begin(), egress.deny().end());
  if (egress.has_deny_private_addresses())
    eg.deny_private_addresses = egress.deny_private_addresses();
  if (egress.has_follow_redirects()) eg.follow_redirects = egress.follow_redirects();
  eg.proxy = egress.proxy();
  if (!egress.tls().min_version().empty()) eg.tls.min_version = egress.tls().min_version();
  eg.tls.ca_file = egress.tls().ca_file();
  eg.tls.pins.assign(egress.tls().pins().begin(), egress.tls().pins().end());
  // Unspecified means off: the socket guard is opt-in.
  switch (egress.sockets()) {
    case v1::EGRESS_MODE_ENFORCE:
      eg.sockets = EgressMode::kEnforce;
      break;
    case v1::EGRESS_MODE_REPORT:
      eg.sockets = EgressMode::kReport;
      break;
    default:
      eg.sockets = EgressMode::kOff;
      break;
  }

  const v1::Process& process = proto.process();
  policy->process.exec = ToProcessMode(process.exec());
  policy->process.file_writes.mode = ToProcessMode(process.file_writes().mode());
  if (!process.file_writes().allow().empty()) {
    policy->process.file_writes.allow.assign(process.file_writes().allow().begin(),
                                             process.file_writes().allow().end());
  }

  const v1::Reporting& reporting = proto.reporting();
  Reporting& rep = policy->reporting;
  rep.otlp_endpoint = reporting.otlp_endpoint();
  for (const auto& [header, env] : reporting.headers_from_env()) {
    rep.headers_from_env.emplace_back(header, env);
  }
  std::sort(rep.headers_from_env.begin(), rep.headers_from_env.end());
  rep.headers_file = reporting.headers_file();
  rep.stdout_format = reporting.stdout() == "json" ? "json" : "";
  if (!reporting.spool_dir().empty()) rep.spool_dir = reporting.spool_dir();

  const v1::BlockResponse& block = proto.block_response();
  if (block.has_status()) policy->block_response.status = static_cast<int>(block.status());
  if (!block.content_type().empty()) policy->block_response.content_type = block.content_type();
  if (block.has_body()) policy->block_response.body = block.body();

  policy->locations = std::move(locations);
  return std::shared_ptr<const Policy>(std::move(policy));
}

}  // namespace fnguard::policy
