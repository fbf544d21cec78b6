// fnguard scan: inspect Lambda event files and print findings.
//   exit 0: every event clean; 1: findings in at least one; 2: bad input
//   (unreadable file, not JSON, bad flags or policy).
#include <cstdio>

#include "runtime/core/json.h"
#include "runtime/engine/engine.h"
#include "runtime/report/reporter.h"
#include "wrappers/cli/cli.h"

namespace fnguard::cli {
namespace {

constexpr const char* kScanUsage =
    "usage: fnguard scan [--policy P] [--format text|json] EVENT.json...\n"
    "Inspects each Lambda event file. Exit 0 when all are clean, 1 when any has\n"
    "findings, 2 on bad input (unreadable or non-JSON file, invalid policy).\n";

void PrintText(const std::string& file, const Verdict& v, size_t fields) {
  if (v.findings.empty()) {
    std::printf("%s: clean (%s, %zu fields, %.1f us%s)\n", file.c_str(), v.event_kind.c_str(),
                fields, static_cast<double>(v.elapsed_ns) / 1000.0,
                v.timed_out ? ", time budget exhausted" : "");
    return;
  }
  std::printf("%s: %s (%s, %zu finding%s)\n", file.c_str(), std::string(ActionName(v.action)).c_str(),
              v.event_kind.c_str(), v.findings.size(), v.findings.size() == 1 ? "" : "s");
  for (const Finding& f : v.findings) {
    std::printf("  %-16s %-28s %-28s %s\n    %s\n", f.detector.c_str(), f.rule_id.c_str(),
                f.field_path.empty() ? "(event)" : f.field_path.c_str(), json::Quote(f.excerpt).c_str(),
                f.reason.c_str());
  }
}

std::string VerdictJson(const std::string& file, const Verdict& v, size_t fields) {
  json::Writer w;
  w.BeginObject();
  w.Field("file", file);
  w.Field("event_kind", v.event_kind);
  w.Field("action", ActionName(v.action));
  w.Field("timed_out", v.timed_out);
  w.Field("fields", static_cast<uint64_t>(fields));
  w.Field("elapsed_ns", v.elapsed_ns);
  WriteFindings(w, v.findings);
  w.EndObject();
  return w.Take();
}

}  // namespace

int ScanCommand(const Args& args) {
  ArgParser ap({"--policy", "--format"}, {"--help"});
  if (!ap.Parse(args)) {
    std::fprintf(stderr, "fnguard scan: %s\n%s", ap.error().c_str(), kScanUsage);
    return kExitBadInput;
  }
  if (ap.Has("--help")) {
    std::fputs(kScanUsage, stdout);
    return kExitOk;
  }
  const std::string format = ap.Get("--format").value_or("text");
  if (format != "text" && format != "json") {
    std::fprintf(stderr, "fnguard scan: --format must be text or json, not '%s'\n", format.c_str());
    return kExitBadInput;
  }
  if (ap.positionals().empty()) {
    std::fprintf(stderr, "fnguard scan: no event files given\n%s", kScanUsage);
    return kExitBadInput;
  }
  auto pol = PolicyFromFlagOrEnv(ap.Get("--policy"));
  if (!pol.ok()) {
    std::fprintf(stderr, "fnguard scan: %s\n", std::string(pol.status().message()).c_str());
    return kExitBadInput;
  }
  engine::Inspector inspector(*pol);
  // Findings also go where the policy's reporting section sends them (OTLP
  // collector, JSON lines); JSON lines go to stderr so stdout stays the
  // scan's own output.
  report::Reporter reporter(**pol, stderr);
  bool bad_input = false;
  bool findings = false;
  for (const std::string& file : ap.positionals()) {
    auto text = ReadFile(file);
    if (!text.ok()) {
      std::fprintf(stderr, "fnguard scan: %s\n", std::string(text.status().message()).c_str());
      bad_input = true;
      continue;
    }
    absl::Status decode;
    Verdict v = inspector.Inspect(*text, &decode);
    if (!decode.ok()) {
      std::fprintf(stderr, "fnguard scan: %s: not a Lambda event: %s\n", file.c_str(),
                   std::string(decode.message()).c_str());
      bad_input = true;
      continue;
    }
    if (!v.findings.empty()) {
      findings = true;
      report::SecurityEvent event = report::FromVerdict(v, "", "");
      event.function_name = file;
      reporter.Report(std::move(event));
    }
    if (format == "json") {
      std::printf("%s\n", VerdictJson(file, v, inspector.last_field_count()).c_str());
    } else {
      PrintText(file, v, inspector.last_field_count());
    }
  }
  std::fflush(stdout);
  reporter.Flush(5000);
  if (bad_input) return kExitBadInput;
  return findings ? kExitFindings : kExitOk;
}

}  // namespace fnguard::cli
