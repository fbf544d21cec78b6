#include "wrappers/local/emulator.h"

#include <httplib.h>
#include <signal.h>
#include <simdjson.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "runtime/core/json.h"
#include "wrappers/local/function_process.h"
#include "wrappers/local/json_text.h"

extern char** environ;

namespace fnguard::local {
namespace {

constexpr char kApiPrefix[] = "/2018-06-01";
// The service's limit on a synchronous response (and error) payload.
constexpr size_t kMaxResponseBytes = 6291556;
// What the server reads at all; larger bodies are refused by the server.
constexpr size_t kMaxRequestBytes = size_t{8} << 20;
// How many answered request ids are remembered (to tell "already answered"
// from "never existed").
constexpr size_t kRememberedIds = 1024;
// How often Invoke() looks at the process while waiting for an answer.
constexpr std::chrono::milliseconds kPollInterval{10};
// How long Stop() waits for the runtime to come back to /next.
constexpr std::chrono::milliseconds kIdleGrace{2000};

constexpr char kInvalidRequestId[] =
    R"({"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"})";
constexpr char kInvalidState[] =
    R"({"errorMessage":"State transition is not allowed","errorType":"InvalidStateTransition"})";
constexpr char kTooLarge[] =
    R"({"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"})";
constexpr char kAccepted[] = R"({"status":"OK"})";
constexpr char kShuttingDown[] =
    R"({"errorMessage":"The runtime is shutting down","errorType":"Runtime.ShuttingDown"})";

using SteadyTime = std::chrono::steady_clock::time_point;

double MillisBetween(SteadyTime from, SteadyTime to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

std::string Seconds(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

// {"errorMessage":..,"errorType":..}: what the service returns for a failed
// invocation it reports itself (timeouts, crashes).
std::string ServiceErrorDocument(std::string_view message, std::string_view type) {
  json::Writer w;
  w.BeginObject().Field("errorMessage", message).Field("errorType", type).EndObject();
  return w.Take();
}

// errorType / errorMessage from a posted error document, when it is one.
void ReadErrorDocument(const std::string& body, std::string* type, std::string* message) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    *message = body;
    return;
  }
  std::string_view v;
  if (doc["errorType"].get_string().get(v) == simdjson::SUCCESS) *type = std::string(v);
  if (doc["errorMessage"].get_string().get(v) == simdjson::SUCCESS) *message = std::string(v);
}

std::string Dirname(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string Basename(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string AbsolutePath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[4096];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

std::string CurrentDirectory() {
  char cwd[4096];
  return getcwd(cwd, sizeof(cwd)) != nullptr ? std::string(cwd) : std::string("/");
}

// CPU time the task `pid` has run so far, in ms (the first field of
// /proc/PID/schedstat: nanoseconds on a CPU, for that thread only); -1 when
// unavailable.
double ReadCpuMs(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/schedstat", static_cast<int>(pid));
  FILE* f = std::fopen(path, "re");
  if (f == nullptr) return -1;
  unsigned long long ns = 0;
  const bool ok = std::fscanf(f, "%llu", &ns) == 1;
  std::fclose(f);
  return ok ? static_cast<double>(ns) / 1e6 : -1;
}

// The "VmHWM:" line of /proc/PID/status (peak resident set, KiB); 0 when the
// process is gone or the line is missing.
long ReadPeakRssKb(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/status", static_cast<int>(pid));
  FILE* f = std::fopen(path, "re");
  if (f == nullptr) return 0;
  char line[256];
  long kb = 0;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) {
      kb = std::strtol(line + 6, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return kb;
}

}  // namespace

std::string_view InvocationStatusName(InvocationStatus status) {
  switch (status) {
    case InvocationStatus::kSuccess: return "success";
    case InvocationStatus::kError: return "error";
    case InvocationStatus::kTimeout: return "timeout";
    case InvocationStatus::kCrash: return "crash";
  }
  return "crash";
}

struct LocalRuntime::State {
  // One event handed to the function.
  struct Pending {
    std::string id;
    std::string event;
    SteadyTime dispatched_at;
    bool fetched = false;
    SteadyTime fetched_at;
    bool answered = false;
    bool success = false;
    SteadyTime answered_at;
    std::string body;
    std::string content_type;
    std::string error_type_header;
  };
  struct InitError {
    std::string type;
    std::string message;
    std::string body;
  };
  // What is known of one started process.
  struct ProcessTrack {
    uint64_t generation = 0;
    SteadyTime spawned_at;
    ProcessRecord record;
  };

  LocalRuntimeOptions options;
  FunctionCommand command;
  std::vector<std::string> environment;  // NAME=value, complete
  httplib::Server server;
  std::thread server_thread;
  int port = -1;
  std::atomic<int> starts{0};

  // Owned by the invoking thread (serialized by invoke_mu).
  std::mutex invoke_mu;
  std::optional<FunctionProcess> process;
  bool process_fresh = true;  // the current process has not answered anything yet
  bool stopped = false;

  // Shared with the server's handler threads.
  std::mutex mu;
  std::condition_variable cv;
  uint64_t generation = 0;        // one per started process
  bool generation_fetched = false;  // the current process fetched an event
  bool stopping = false;          // no more invocations
  bool closing = false;           // release every waiting request
  int next_waiting = 0;           // /next requests parked, i.e. the runtime is idle
  std::optional<Pending> pending;
  std::optional<InitError> init_error;  // reported by the current process
  std::deque<std::string> answered_ids;
  std::vector<ProcessTrack> tracks;  // one per started process, oldest first
  std::mt19937_64 rng{std::random_device{}()};

  std::string NewRequestId() {
    uint64_t a = rng(), b = rng();
    a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
    b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx",
                  static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xffff),
                  static_cast<unsigned>(a & 0xffff), static_cast<unsigned>(b >> 48),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
  }

  std::string NewTraceId() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    unsigned epoch = static_cast<unsigned>(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    uint64_t r1 = rng(), r2 = rng(), parent = rng();
    char buf[96];
    std::snprintf(buf, sizeof(buf), "Root=1-%08x-%08x%016llx;Parent=%016llx;Sampled=0", epoch,
                  static_cast<unsigned>(r1 & 0xffffffff), static_cast<unsigned long long>(r2),
                  static_cast<unsigned long long>(parent));
    return buf;
  }

  void BuildEnvironment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
      std::string_view kv(*e);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) continue;
      env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
    env.erase("_X_AMZN_TRACE_ID");
    const std::string& program = command.argv[0];
    bool shell = command.argv.size() == 3 && program == "/bin/sh" && command.argv[1] == "-c";
    std::string resolved = shell ? std::string() : AbsolutePath(ResolveExecutable(program));
    env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:" + std::to_string(port);
    env["AWS_LAMBDA_FUNCTION_NAME"] = options.function_name;
    env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
    env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(options.memory_mb);
    env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + options.function_name;
    env["AWS_LAMBDA_LOG_STREAM_NAME"] = "local/[$LATEST]fnguard";
    env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
    if (env.find("AWS_REGION") == env.end()) env["AWS_REGION"] = "us-east-1";
    if (env.find("AWS_DEFAULT_REGION") == env.end()) env["AWS_DEFAULT_REGION"] = env["AWS_REGION"];
    env["_HANDLER"] = resolved.empty() ? std::string("bootstrap") : Basename(resolved);
    env["LAMBDA_TASK_ROOT"] = resolved.empty() ? CurrentDirectory() : Dirname(resolved);
    if (!options.policy_path.empty()) env["FNGUARD_POLICY"] = AbsolutePath(options.policy_path);
    for (const auto& [k, v] : options.env) env[k] = v;
    environment.clear();
    for (const auto& [k, v] : env) environment.push_back(k + "=" + v);
  }

  std::string FunctionArn() const {
    return "arn:aws:lambda:us-east-1:000000000000:function:" + options.function_name;
  }

  // --- server handlers (run on the server's threads) ---

  void HandleNext(httplib::Response& res) {
    std::unique_lock<std::mutex> lock(mu);
    const uint64_t gen = generation;
    if (!tracks.empty() && tracks.back().generation == gen && tracks.back().record.init_ms < 0) {
      ProcessRecord& r = tracks.back().record;
      r.init_ms = MillisBetween(tracks.back().spawned_at, std::chrono::steady_clock::now());
      if (r.pid > 0) r.init_cpu_ms = ReadCpuMs(r.pid);
    }
    ++next_waiting;
    cv.notify_all();
    cv.wait(lock, [&] { return closing || generation != gen || (pending && !pending->fetched); });
    --next_waiting;
    if (closing || generation != gen) {
      res.status = 500;
      res.set_content(kShuttingDown, "application/json");
      return;
    }
    Pending& p = *pending;
    p.fetched = true;
    p.fetched_at = std::chrono::steady_clock::now();
    generation_fetched = true;
    auto deadline = std::chrono::system_clock::now() + options.timeout;
    long long deadline_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline.time_since_epoch()).count();
    res.status = 200;
    res.set_header("Lambda-Runtime-Aws-Request-Id", p.id);
    res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(deadline_ms));
    res.set_header("Lambda-Runtime-Invoked-Function-Arn", FunctionArn());
    res.set_header("Lambda-Runtime-Trace-Id", NewTraceId());
    res.set_content(p.event, "application/json");
  }

  void HandleResult(const httplib::Request& req, httplib::Response& res, bool success) {
    const std::string id = req.matches.size() > 1 ? std::string(req.matches[1]) : std::string();
    std::lock_guard<std::mutex> lock(mu);
    if (!pending || pending->id != id || !pending->fetched) {
      bool known = std::find(answered_ids.begin(), answered_ids.end(), id) != answered_ids.end();
      res.status = known ? 403 : 400;
      res.set_content(known ? kInvalidState : kInvalidRequestId, "application/json");
      return;
    }
    if (pending->answered) {
      res.status = 403;
      res.set_content(kInvalidState, "application/json");
      return;
    }
    if (req.body.size() > kMaxResponseBytes) {
      // The invocation stays open: the runtime may still post an error.
      res.status = 413;
      res.set_content(kTooLarge, "application/json");
      return;
    }
    pending->answered = true;
    pending->success = success;
    pending->answered_at = std::chrono::steady_clock::now();
    pending->body = req.body;
    pending->content_type = req.get_header_value("Content-Type");
    pending->error_type_header = req.get_header_value("Lambda-Runtime-Function-Error-Type");
    res.status = 202;
    res.set_content(kAccepted, "application/json");
    cv.notify_all();
  }

  void HandleInitError(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    if (generation_fetched || init_error) {
      res.status = 403;
      res.set_content(kInvalidState, "application/json");
      return;
    }
    InitError e;
    e.body = req.body.substr(0, kMaxResponseBytes);
    ReadErrorDocument(e.body, &e.type, &e.message);
    std::string header = req.get_header_value("Lambda-Runtime-Function-Error-Type");
    if (!header.empty()) e.type = header;
    if (e.type.empty()) e.type = "Runtime.InitError";
    init_error = std::move(e);
    res.status = 202;
    res.set_content(kAccepted, "application/json");
    cv.notify_all();
  }

  void RegisterRoutes() {
    const std::string prefix = kApiPrefix;
    server.Get(prefix + "/runtime/invocation/next",
               [this](const httplib::Request&, httplib::Response& res) { HandleNext(res); });
    server.Post(prefix + R"(/runtime/invocation/([^/]+)/response)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  HandleResult(req, res, /*success=*/true);
                });
    server.Post(prefix + R"(/runtime/invocation/([^/]+)/error)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  HandleResult(req, res, /*success=*/false);
                });
    server.Post(prefix + "/runtime/init/error",
                [this](const httplib::Request& req, httplib::Response& res) {
                  HandleInitError(req, res);
                });
  }

  // --- process management (invoking thread, invoke_mu held) ---

  absl::Status SpawnProcess() {
    {
      std::lock_guard<std::mutex> lock(mu);
      ++generation;
      generation_fetched = false;
      init_error.reset();
      ProcessTrack track;
      track.generation = generation;
      track.spawned_at = std::chrono::steady_clock::now();
      tracks.push_back(std::move(track));
      cv.notify_all();  // waiters of the previous process give up
    }
    auto p = FunctionProcess::Spawn(command, environment, options.output_fd);
    if (!p.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      tracks.pop_back();
      return p.status();
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      tracks.back().record.pid = p->pid();
    }
    process.emplace(std::move(*p));
    process_fresh = true;
    starts.fetch_add(1);
    return absl::OkStatus();
  }

  // Updates the current process's peak memory from /proc (while it runs).
  void SampleMemory() {
    if (!process || process->Poll()) return;
    long kb = ReadPeakRssKb(process->pid());
    std::lock_guard<std::mutex> lock(mu);
    if (!tracks.empty() && kb > tracks.back().record.peak_rss_kb) {
      tracks.back().record.peak_rss_kb = kb;
    }
  }

  // The current process has ended as `exit` says: record it and let it go.
  void EndProcess(const ExitStatus& exit) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!tracks.empty() && !tracks.back().record.ended) {
        tracks.back().record.ended = true;
        tracks.back().record.exit = exit;
      }
    }
    process.reset();
  }

  void RetireProcess(bool kill_now) {
    if (!process) return;
    SampleMemory();
    EndProcess(kill_now ? process->Kill() : process->Terminate(options.stop_grace));
  }
};

LocalRuntime::LocalRuntime(std::unique_ptr<State> state) : state_(std::move(state)) {}

LocalRuntime::~LocalRuntime() { Stop(); }

absl::StatusOr<std::unique_ptr<LocalRuntime>> LocalRuntime::Start(LocalRuntimeOptions options) {
  if (options.timeout <= std::chrono::milliseconds(0)) {
    return absl::InvalidArgumentError("the function timeout must be positive");
  }
  auto state = std::make_unique<State>();
  state->options = std::move(options);
  if (!state->options.argv.empty()) {
    state->command.argv = state->options.argv;
  } else {
    state->command = ParseCommand(state->options.command);
  }
  if (state->command.argv.empty() ||
      (state->command.argv[0] == "/bin/sh" && state->options.command.find_first_not_of(" \t") ==
                                                  std::string::npos)) {
    return absl::InvalidArgumentError("no function command given");
  }
  if (ResolveExecutable(state->command.argv[0]).empty()) {
    return absl::NotFoundError("function command not found or not executable: " +
                               state->command.argv[0]);
  }
  // A function that dies mid-write must not take the harness down with it.
  struct sigaction old_action;
  if (sigaction(SIGPIPE, nullptr, &old_action) == 0 && old_action.sa_handler == SIG_DFL) {
    signal(SIGPIPE, SIG_IGN);
  }

  State* s = state.get();
  s->server.set_tcp_nodelay(true);
  s->server.set_keep_alive_max_count(1u << 20);
  s->server.set_keep_alive_timeout(60);
  s->server.set_payload_max_length(kMaxRequestBytes);
  s->RegisterRoutes();
  s->port = s->server.bind_to_any_port("127.0.0.1");
  if (s->port <= 0) return absl::UnavailableError("cannot bind the Runtime API on 127.0.0.1");
  s->server_thread = std::thread([s] { s->server.listen_after_bind(); });
  // stop() only works on a running server: wait (bounded) until it is.
  for (int i = 0; i < 2000 && !s->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  s->BuildEnvironment();

  std::unique_ptr<LocalRuntime> runtime(new LocalRuntime(std::move(state)));
  {
    std::lock_guard<std::mutex> lock(s->invoke_mu);
    absl::Status spawned = s->SpawnProcess();
    if (!spawned.ok()) {
      // The destructor stops the server.
      return spawned;
    }
  }
  return runtime;
}

InvocationResult LocalRuntime::Invoke(std::string_view event) {
  State& s = *state_;
  std::lock_guard<std::mutex> invoke_lock(s.invoke_mu);
  InvocationResult result;
  if (s.stopped) {
    result.status = InvocationStatus::kCrash;
    result.error_type = "Runtime.Stopped";
    result.error_message = "the local runtime is stopped";
    result.response = ServiceErrorDocument(result.error_message, result.error_type);
    return result;
  }
  if (s.process) {
    if (auto exited = s.process->Poll()) s.EndProcess(*exited);
  }
  result.cold_start = !s.process || s.process_fresh;
  if (!s.process) {
    absl::Status spawned = s.SpawnProcess();
    if (!spawned.ok()) {
      result.status = InvocationStatus::kCrash;
      result.error_type = "Runtime.ExitError";
      result.error_message = std::string(spawned.message());
      result.response = ServiceErrorDocument(result.error_message, result.error_type);
      return result;
    }
  }

  {
    std::lock_guard<std::mutex> lock(s.mu);
    State::Pending p;
    p.id = s.NewRequestId();
    p.event = std::string(event);
    p.dispatched_at = std::chrono::steady_clock::now();
    result.request_id = p.id;
    s.pending = std::move(p);
    s.cv.notify_all();
  }

  enum class Outcome { kAnswered, kInitError, kExited, kTimedOut };
  Outcome outcome = Outcome::kTimedOut;
  bool redelivered = false;
  ExitStatus exit_status;
  bool timed_out_in_init = false;
  SteadyTime ended_at;
  while (true) {
    std::unique_lock<std::mutex> lock(s.mu);
    s.cv.wait_for(lock, kPollInterval, [&] { return s.pending->answered || s.init_error; });
    if (s.pending->answered) {
      outcome = Outcome::kAnswered;
      break;
    }
    if (s.init_error) {
      outcome = Outcome::kInitError;
      ended_at = std::chrono::steady_clock::now();
      break;
    }
    const bool fetched = s.pending->fetched;
    const SteadyTime fetched_at = s.pending->fetched_at;
    const SteadyTime dispatched_at = s.pending->dispatched_at;
    const SteadyTime now = std::chrono::steady_clock::now();
    lock.unlock();

    if (auto exited = s.process->Poll()) {
      lock.lock();
      if (s.pending->answered) {  // answered, then exited: the answer stands
        outcome = Outcome::kAnswered;
        break;
      }
      if (!s.pending->fetched && !s.process_fresh && !redelivered) {
        // A warm runtime that exited between invocations: like the service,
        // start a fresh one and deliver the event to it.
        lock.unlock();
        redelivered = true;
        result.cold_start = true;
        s.EndProcess(*exited);
        absl::Status spawned = s.SpawnProcess();
        if (!spawned.ok()) {
          exit_status = *exited;
          outcome = Outcome::kExited;
          ended_at = std::chrono::steady_clock::now();
          break;
        }
        std::lock_guard<std::mutex> relock(s.mu);
        s.pending->dispatched_at = std::chrono::steady_clock::now();
        s.cv.notify_all();
        continue;
      }
      exit_status = *exited;
      outcome = Outcome::kExited;
      ended_at = std::chrono::steady_clock::now();
      break;
    }

    if (fetched) {
      if (now - fetched_at >= s.options.timeout) {
        outcome = Outcome::kTimedOut;
        ended_at = now;
        break;
      }
    } else {
      auto allowance = s.process_fresh ? s.options.init_timeout : s.options.timeout;
      if (now - dispatched_at >= allowance) {
        outcome = Outcome::kTimedOut;
        timed_out_in_init = s.process_fresh;
        ended_at = now;
        break;
      }
    }
  }

  State::Pending pending;
  std::optional<State::InitError> init_error;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    pending = std::move(*s.pending);
    s.pending.reset();
    init_error = s.init_error;
    s.answered_ids.push_back(pending.id);
    if (s.answered_ids.size() > kRememberedIds) s.answered_ids.pop_front();
  }
  const SteadyTime started = pending.fetched ? pending.fetched_at : pending.dispatched_at;
  result.round_trip_us = MillisBetween(pending.dispatched_at,
                                       outcome == Outcome::kAnswered ? pending.answered_at
                                                                     : ended_at) *
                         1000.0;
  if (result.cold_start) {
    std::lock_guard<std::mutex> lock(s.mu);
    if (!s.tracks.empty()) result.init_ms = s.tracks.back().record.init_ms;
  }

  switch (outcome) {
    case Outcome::kAnswered:
      result.duration_ms = MillisBetween(started, pending.answered_at);
      result.response = std::move(pending.body);
      if (pending.success) {
        result.status = InvocationStatus::kSuccess;
        result.content_type = std::move(pending.content_type);
      } else {
        result.status = InvocationStatus::kError;
        ReadErrorDocument(result.response, &result.error_type, &result.error_message);
        if (!pending.error_type_header.empty()) result.error_type = pending.error_type_header;
        if (result.error_type.empty()) result.error_type = "Unhandled";
      }
      s.process_fresh = false;
      {
        std::lock_guard<std::mutex> lock(s.mu);
        if (!s.tracks.empty()) ++s.tracks.back().record.invocations;
      }
      break;
    case Outcome::kInitError:
      result.status = InvocationStatus::kError;
      result.init_error = true;
      result.duration_ms = MillisBetween(started, ended_at);
      result.error_type = init_error->type;
      result.error_message = init_error->message;
      result.response = ServiceErrorDocument(result.error_message, result.error_type);
      // The runtime normally exits by itself after reporting; make sure.
      s.RetireProcess(/*kill_now=*/false);
      break;
    case Outcome::kExited:
      result.status = InvocationStatus::kCrash;
      result.duration_ms = MillisBetween(started, ended_at);
      result.error_type = "Runtime.ExitError";
      result.error_message = "Runtime exited with error: " + exit_status.Describe();
      result.response = ServiceErrorDocument(result.error_message, result.error_type);
      s.EndProcess(exit_status);
      break;
    case Outcome::kTimedOut:
      result.status = InvocationStatus::kTimeout;
      result.duration_ms = MillisBetween(started, ended_at);
      result.error_type = "Sandbox.Timedout";
      result.error_message =
          timed_out_in_init
              ? "Init timed out after " + Seconds(s.options.init_timeout) + " seconds"
              : "Task timed out after " + Seconds(s.options.timeout) + " seconds";
      result.response = ServiceErrorDocument(result.error_message, result.error_type);
      s.RetireProcess(/*kill_now=*/true);
      break;
  }
  return result;
}

void LocalRuntime::Stop() {
  if (!state_) return;
  State& s = *state_;
  std::lock_guard<std::mutex> invoke_lock(s.invoke_mu);
  if (s.stopped) return;
  s.stopped = true;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.stopping = true;
    s.cv.notify_all();
  }
  // Like the service, end the environment only once the runtime is idle again
  // (parked in /next): what it does after posting its last response, such as
  // flushing its own events, completes first. Bounded by kIdleGrace.
  if (s.process && !s.process->Poll()) {
    const auto until = std::chrono::steady_clock::now() + kIdleGrace;
    std::unique_lock<std::mutex> lock(s.mu);
    while (s.next_waiting == 0 && std::chrono::steady_clock::now() < until) {
      s.cv.wait_for(lock, kPollInterval);
      lock.unlock();
      const bool exited = s.process->Poll().has_value();
      lock.lock();
      if (exited) break;
    }
  }
  s.RetireProcess(/*kill_now=*/false);
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.closing = true;
    s.cv.notify_all();
  }
  s.server.stop();
  if (s.server_thread.joinable()) s.server_thread.join();
}

int LocalRuntime::port() const { return state_->port; }

std::string LocalRuntime::endpoint() const { return "127.0.0.1:" + std::to_string(state_->port); }

int LocalRuntime::process_starts() const { return state_->starts.load(); }

std::vector<ProcessRecord> LocalRuntime::processes() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  std::vector<ProcessRecord> out;
  out.reserve(state_->tracks.size());
  for (const State::ProcessTrack& t : state_->tracks) out.push_back(t.record);
  return out;
}

}  // namespace fnguard::local
