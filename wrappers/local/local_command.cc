// `fnguard local`: runs a custom-runtime binary against the local Runtime API
// emulator, one invocation per event file, and prints one line per event.
//
//   fnguard local --function ./bootstrap --policy policy.yaml events/*.json
//
// stdout carries only the results (JSON lines by default); the function's own
// stdout and stderr go to stderr. Exit: 0 when every invocation succeeded,
// 1 when any ended in an error, timeout or crash (or the function failed to
// initialize), 2 on bad input (checked before anything starts).
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

JSON line per event:
  {"event":F,"request_id":ID,"status":"success"|"error"|"timeout"|"crash",
   "response":<payload as JSON, or a string>,"error_type":T|null,
   "error_message":M|null,"duration_ms":N}

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

std::string JsonLine(const EventFile& event, const local::InvocationResult& r) {
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
  w.EndObject();
  return w.Take();
}

std::string TextLine(const EventFile& event, const local::InvocationResult& r) {
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
  return line;
}

}  // namespace

int LocalCommand(const Args& args) {
  ArgParser parser({"--function", "--event", "--policy", "--timeout", "--env", "--name",
                    "--memory", "--format"},
                   {"--help", "-h"});
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

  auto runtime = local::LocalRuntime::Start(std::move(options));
  if (!runtime.ok()) {
    bool bad_input = runtime.status().code() == absl::StatusCode::kNotFound ||
                     runtime.status().code() == absl::StatusCode::kInvalidArgument;
    std::fprintf(stderr, "fnguard local: %s\n", std::string(runtime.status().message()).c_str());
    return bad_input ? kExitBadInput : kExitFindings;
  }

  int exit_code = kExitOk;
  for (const EventFile& event : events) {
    local::InvocationResult r = (*runtime)->Invoke(event.body);
    std::string line = format == "json" ? JsonLine(event, r) : TextLine(event, r);
    std::fprintf(stdout, "%s\n", line.c_str());
    std::fflush(stdout);
    if (!r.ok()) exit_code = kExitFindings;
    if (r.init_error) {
      std::fprintf(stderr, "fnguard local: the function failed to initialize; stopping\n");
      break;
    }
  }
  (*runtime)->Stop();
  return exit_code;
}

}  // namespace fnguard::cli
