// `fnguard local`: runs a custom-runtime binary against the local Runtime API
// emulator, one invocation per event file, and prints one line per event.
//
//   fnguard local --function ./bootstrap --policy policy.yaml events/*.json
//
// stdout carries only the results (JSON lines by default); the function's own
// stdout and stderr go to stderr. Exit: 0 when every invocation succeeded,
// 1 when any ended in an error, timeout or crash (or the function failed to
// initialize), 2 on bad input (checked before anything starts).
//
// What only the harness can see (a timeout, a crash, an init error) is
// reported as the function's policy asks (wrappers/local/observed_events.h).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "runtime/core/json.h"
#include "wrappers/cli/cli.h"
#include "wrappers/local/emulator.h"
#include "wrappers/local/json_text.h"
#include "wrappers/local/observed_events.h"

namespace fnguard::cli {
namespace {

constexpr const char* kLocalUsage = R"(usage: fnguard local --function CMD [--event F]... [F...] [options]

Runs CMD as an AWS Lambda custom runtime (a bootstrap) against a local Runtime
API emulator on 127.0.0.1 and delivers each event file to it, in order.

  --function CMD     the function command line (run directly, or via /bin/sh -c
                     when it uses shell syntax)
  --event F          an event file (JSON); repeatable; positionals are events too
  --policy P         sets FNGUARD_POLICY=P for the function
  --timeout S        function timeout in seconds (default 3)
  --env K=V          extra environment variable for the function; repeatable
  --name NAME        function name (default fnguard-local)
  --memory MB        AWS_LAMBDA_FUNCTION_MEMORY_SIZE (default 128)
  --format json|text one JSON object per event on stdout (default), or text
  --repeat N         deliver the event files N times over (default 1)
  --timing           add "timing" to each line and end with one
                     {"timing_summary":...} line (see below)

JSON line per event:
  {"event":F,"request_id":ID,"status":"success"|"error"|"timeout"|"crash",
   "response":<payload as JSON, or a string>,"error_type":T|null,
   "error_message":M|null,"duration_ms":N}
with --timing also
   "timing":{"cold_start":B,"init_ms":N|null,"round_trip_us":N}
   (init_ms: process start to its first GET /runtime/invocation/next;
   round_trip_us: event available to the runtime until its answer)
and a last line
  {"timing_summary":{"invocations":N,"wall_ms":N,"cold_starts":N,
   "init_ms":{"min","p50","max"},"warm_round_trip_us":{"n","min","p50","p90",
   "p99","mean"},"processes":[{"pid","init_ms","init_cpu_ms","peak_rss_kb",
   "invocations","user_cpu_ms","system_cpu_ms","exit"}]}}
   (init_cpu_ms: CPU time of the function's main thread until that first
   GET; peak_rss_kb: VmHWM before it was stopped)

The function's policy (--policy, --env FNGUARD_POLICY=.., or $FNGUARD_POLICY)
also decides where the harness reports what only it observes: a timeout, a
crash or an init error becomes a security event of kind "internal" (stdout
JSON lines of the reporting section go to stderr here).

Exit: 0 all succeeded, 1 any error/timeout/crash/init error, 2 bad input.
)";

constexpr double kMaxTimeoutSeconds = 900;

struct EventFile {
  std::string path;
  std::string body;
};

int BadInput(const std::string& message) {
  std::fprintf(stderr, "fnguard local: %s\n", message.c_str());
  return kExitBadInput;
}

double RoundTo2(double v) { return std::round(v * 100.0) / 100.0; }

void TimingFields(json::Writer& w, const local::InvocationResult& r) {
  w.Key("timing").BeginObject();
  w.Field("cold_start", r.cold_start);
  w.Key("init_ms");
  if (r.cold_start && r.init_ms >= 0) w.Double(RoundTo2(r.init_ms)); else w.Null();
  w.Key("round_trip_us").Double(RoundTo2(r.round_trip_us));
  w.EndObject();
}

std::string JsonLine(const EventFile& event, const local::InvocationResult& r, bool timing) {
  json::Writer w;
  w.BeginObject();
  w.Field("event", event.path);
  w.Field("request_id", r.request_id);
  w.Field("status", local::InvocationStatusName(r.status));
  w.Key("response").Raw(local::JsonValueOrString(r.response));
  w.Key("error_type");
  if (r.ok()) w.Null(); else w.String(r.error_type);
  w.Key("error_message");
  if (r.ok()) w.Null(); else w.String(r.error_message);
  w.Key("duration_ms").Double(RoundTo2(r.duration_ms));
  if (timing) TimingFields(w, r);
  w.EndObject();
  return w.Take();
}

std::string TextLine(const EventFile& event, const local::InvocationResult& r, bool timing) {
  char duration[32];
  std::snprintf(duration, sizeof(duration), "%.2f ms", r.duration_ms);
  std::string line = event.path + ": " + std::string(local::InvocationStatusName(r.status)) +
                     " (" + duration + ") ";
  if (r.ok()) {
    std::string body = local::JsonValueOrString(r.response);
    if (body.size() > 300) body = body.substr(0, 300) + "...";
    line += body;
  } else {
    line += r.error_type + ": " + r.error_message;
  }
  if (timing) {
    char buf[96];
    if (r.cold_start && r.init_ms >= 0) {
      std::snprintf(buf, sizeof(buf), " [cold start: init %.2f ms; round trip %.0f us]", r.init_ms,
                    r.round_trip_us);
    } else {
      std::snprintf(buf, sizeof(buf), " [round trip %.0f us]", r.round_trip_us);
    }
    line += buf;
  }
  return line;
}

// What --timing prints after the last invocation.
struct TimingSummary {
  int invocations = 0;
  double wall_ms = 0;
  std::vector<uint64_t> init_us;        // cold starts that reached /next
  std::vector<uint64_t> warm_round_ns;  // answered invocations of a warm runtime
  double warm_sum_ns = 0;
  std::vector<local::ProcessRecord> processes;

  void Add(const local::InvocationResult& r) {
    ++invocations;
    if (r.cold_start) {
      if (r.init_ms >= 0) init_us.push_back(static_cast<uint64_t>(std::llround(r.init_ms * 1000)));
      return;
    }
    if (r.status == local::InvocationStatus::kSuccess ||
        r.status == local::InvocationStatus::kError) {
      auto ns = static_cast<uint64_t>(std::llround(r.round_trip_us * 1000));
      warm_round_ns.push_back(ns);
      warm_sum_ns += static_cast<double>(ns);
    }
  }

  std::string Json() const {
    json::Writer w;
    w.BeginObject().Key("timing_summary").BeginObject();
    w.Field("invocations", invocations);
    w.Key("wall_ms").Double(RoundTo2(wall_ms));
    w.Field("cold_starts", static_cast<int>(init_us.size()));
    w.Key("init_ms").BeginObject();
    if (!init_us.empty()) {
      w.Key("min").Double(RoundTo2(static_cast<double>(*std::min_element(init_us.begin(), init_us.end())) / 1000));
      w.Key("p50").Double(RoundTo2(static_cast<double>(Percentile(init_us, 0.5)) / 1000));
      w.Key("max").Double(RoundTo2(static_cast<double>(*std::max_element(init_us.begin(), init_us.end())) / 1000));
    }
    w.EndObject();
    w.Key("warm_round_trip_us").BeginObject();
    w.Field("n", static_cast<int>(warm_round_ns.size()));
    if (!warm_round_ns.empty()) {
      auto us = [](uint64_t ns) { return RoundTo2(static_cast<double>(ns) / 1000); };
      w.Key("min").Double(us(*std::min_element(warm_round_ns.begin(), warm_round_ns.end())));
      w.Key("p50").Double(us(Percentile(warm_round_ns, 0.5)));
      w.Key("p90").Double(us(Percentile(warm_round_ns, 0.9)));
      w.Key("p99").Double(us(Percentile(warm_round_ns, 0.99)));
      w.Key("mean").Double(RoundTo2(warm_sum_ns / static_cast<double>(warm_round_ns.size()) / 1000));
    }
    w.EndObject();
    w.Key("processes").BeginArray();
    for (const local::ProcessRecord& p : processes) {
      w.BeginObject();
      w.Field("pid", static_cast<int>(p.pid));
      w.Key("init_ms");
      if (p.init_ms >= 0) w.Double(RoundTo2(p.init_ms)); else w.Null();
      w.Key("init_cpu_ms");
      if (p.init_cpu_ms >= 0) w.Double(RoundTo2(p.init_cpu_ms)); else w.Null();
      w.Key("peak_rss_kb");
      if (p.peak_rss_kb > 0) w.Int(p.peak_rss_kb); else w.Null();
      w.Field("invocations", p.invocations);
      w.Key("user_cpu_ms").Double(RoundTo2(p.exit.user_cpu_ms));
      w.Key("system_cpu_ms").Double(RoundTo2(p.exit.system_cpu_ms));
      w.Field("exit", p.ended ? p.exit.Describe() : std::string("running"));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject().EndObject();
    return w.Take();
  }

  std::string Text() const {
    std::string out;
    char buf[256];
    std::snprintf(buf, sizeof(buf), "timing: %d invocations in %.2f ms, %zu cold start(s)",
                  invocations, wall_ms, init_us.size());
    out += buf;
    if (!init_us.empty()) {
      std::snprintf(buf, sizeof(buf), ", init p50 %.2f ms",
                    static_cast<double>(Percentile(init_us, 0.5)) / 1000);
      out += buf;
    }
    if (!warm_round_ns.empty()) {
      std::snprintf(buf, sizeof(buf), "; warm round trip p50 %.1f us, p99 %.1f us (n=%zu)",
                    static_cast<double>(Percentile(warm_round_ns, 0.5)) / 1000,
                    static_cast<double>(Percentile(warm_round_ns, 0.99)) / 1000,
                    warm_round_ns.size());
      out += buf;
    }
    for (const local::ProcessRecord& p : processes) {
      std::snprintf(buf, sizeof(buf),
                    "\ntiming: process %d: init %.2f ms (%.2f ms CPU), peak RSS %ld KiB, "
                    "%d invocation(s), CPU %.2f ms user + %.2f ms system, %s",
                    static_cast<int>(p.pid), p.init_ms, p.init_cpu_ms, p.peak_rss_kb, p.invocations,
                    p.exit.user_cpu_ms, p.exit.system_cpu_ms,
                    p.ended ? p.exit.Describe().c_str() : "running");
      out += buf;
    }
    return out;
  }
};

}  // namespace

int LocalCommand(const Args& args) {
  ArgParser parser({"--function", "--event", "--policy", "--timeout", "--env", "--name",
                    "--memory", "--format", "--repeat"},
                   {"--help", "-h", "--timing"});
  if (!parser.Parse(args)) return BadInput(parser.error() + "\n\n" + kLocalUsage);
  if (parser.Has("--help") || parser.Has("-h")) {
    std::fputs(kLocalUsage, stdout);
    return kExitOk;
  }

  local::LocalRuntimeOptions options;
  auto function = parser.Get("--function");
  if (!function || function->find_first_not_of(" \t") == std::string::npos) {
    return BadInput(std::string("--function CMD is required\n\n") + kLocalUsage);
  }
  options.command = *function;

  std::string format = parser.Get("--format").value_or("json");
  if (format != "json" && format != "text") return BadInput("--format must be json or text");
  const bool timing = parser.Has("--timing");
  long repeat = 1;
  if (auto r = parser.Get("--repeat")) {
    char* end = nullptr;
    repeat = std::strtol(r->c_str(), &end, 10);
    if (r->empty() || *end != '\0' || repeat < 1 || repeat > 10000000) {
      return BadInput("--repeat must be an integer in [1, 10000000]: '" + *r + "'");
    }
  }

  if (auto timeout = parser.Get("--timeout")) {
    char* end = nullptr;
    double seconds = std::strtod(timeout->c_str(), &end);
    if (timeout->empty() || end == nullptr || *end != '\0' || !(seconds > 0) ||
        seconds > kMaxTimeoutSeconds) {
      return BadInput("--timeout must be a number of seconds in (0, 900]: '" + *timeout + "'");
    }
    options.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
    if (options.timeout.count() == 0) options.timeout = std::chrono::milliseconds(1);
  }
  if (auto memory = parser.Get("--memory")) {
    char* end = nullptr;
    long mb = std::strtol(memory->c_str(), &end, 10);
    if (memory->empty() || *end != '\0' || mb < 128 || mb > 10240) {
      return BadInput("--memory must be an integer in [128, 10240]: '" + *memory + "'");
    }
    options.memory_mb = static_cast<int>(mb);
  }
  if (auto name = parser.Get("--name")) {
    if (name->empty() || name->size() > 64) return BadInput("--name must be 1..64 characters");
    for (char c : *name) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_';
      if (!ok) return BadInput("--name may hold letters, digits, '-' and '_' only");
    }
    options.function_name = *name;
  }
  for (const std::string& kv : parser.GetAll("--env")) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return BadInput("--env needs K=V: '" + kv + "'");
    options.env.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (auto policy = parser.Get("--policy")) {
    auto text = ReadFile(*policy);
    if (!text.ok()) return BadInput("--policy: " + std::string(text.status().message()));
    options.policy_path = *policy;
  }

  std::vector<std::string> paths = parser.GetAll("--event");
  for (const std::string& p : parser.positionals()) paths.push_back(p);
  if (paths.empty()) return BadInput(std::string("no event files given\n\n") + kLocalUsage);
  std::vector<EventFile> events;
  for (const std::string& path : paths) {
    auto body = ReadFile(path);
    if (!body.ok()) return BadInput(std::string(body.status().message()));
    std::string error;
    if (!local::IsJsonDocument(*body, &error)) {
      return BadInput(path + ": not a JSON document (" + error + ")");
    }
    events.push_back({path, std::move(*body)});
  }

  // The policy the function runs with also says where the harness reports.
  // A policy that does not load is the function's init error to report; the
  // harness then reports nothing itself.
  std::optional<std::string> policy_for_function;
  if (!options.policy_path.empty()) policy_for_function = options.policy_path;
  for (const auto& [k, v] : options.env) {
    if (k == "FNGUARD_POLICY") policy_for_function = v;
  }
  std::shared_ptr<const policy::Policy> reporting_policy;
  if (policy_for_function && policy_for_function->empty()) {
    reporting_policy = policy::DefaultPolicy();
  } else {
    auto loaded = PolicyFromFlagOrEnv(policy_for_function);
    if (loaded.ok()) {
      reporting_policy = *loaded;
    } else {
      std::fprintf(stderr, "fnguard local: the function's policy does not load (%s); events "
                   "the harness observes are not reported\n",
                   std::string(loaded.status().message()).c_str());
    }
  }
  local::FunctionIdentity identity;
  identity.name = options.function_name;
  const char* region = std::getenv("AWS_REGION");
  identity.region = region != nullptr && *region != '\0' ? region : "us-east-1";
  for (const auto& [k, v] : options.env) {
    if (k == "AWS_REGION") identity.region = v;
  }
  local::ObservedEventReporter observed(reporting_policy, identity, stderr);

  auto runtime = local::LocalRuntime::Start(std::move(options));
  if (!runtime.ok()) {
    bool bad_input = runtime.status().code() == absl::StatusCode::kNotFound ||
                     runtime.status().code() == absl::StatusCode::kInvalidArgument;
    std::fprintf(stderr, "fnguard local: %s\n", std::string(runtime.status().message()).c_str());
    return bad_input ? kExitBadInput : kExitFindings;
  }

  int exit_code = kExitOk;
  TimingSummary summary;
  const auto started = std::chrono::steady_clock::now();
  bool stop = false;
  for (long round = 0; round < repeat && !stop; ++round) {
    for (const EventFile& event : events) {
      local::InvocationResult r = (*runtime)->Invoke(event.body);
      std::string line = format == "json" ? JsonLine(event, r, timing) : TextLine(event, r, timing);
      std::fprintf(stdout, "%s\n", line.c_str());
      if (!timing) std::fflush(stdout);
      if (timing) summary.Add(r);
      observed.Observe(r);
      if (!r.ok()) exit_code = kExitFindings;
      if (r.init_error) {
        std::fprintf(stderr, "fnguard local: the function failed to initialize; stopping\n");
        stop = true;
        break;
      }
    }
  }
  summary.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  (*runtime)->Stop();
  if (timing) {
    summary.processes = (*runtime)->processes();
    std::fprintf(stdout, "%s\n", format == "json" ? summary.Json().c_str() : summary.Text().c_str());
  }
  std::fflush(stdout);
  observed.Flush(5000);
  return exit_code;
}

}  // namespace fnguard::cli
