#include "runtime/sandbox/sandbox.h"

#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

#include "policy/text.h"
#include "policy/write_paths.h"
#include "runtime/core/utf8.h"
#include "runtime/egress/address.h"
#include "runtime/egress/url.h"
#include "runtime/report/redact.h"
#include "runtime/report/reporter.h"
#include "runtime/sandbox/internal_scope.h"
#include "runtime/sandbox/kernel_layers.h"
#include "runtime/sandbox/name_map.h"
#include "runtime/sandbox/resolv_conf.h"

namespace fnguard::sandbox {
namespace {

using policy::Cat;
using policy::IpAddress;

constexpr size_t kMaxAnswersRecorded = 64;
constexpr int kExecFlushMs = 200;
constexpr size_t kPathBuffer = 2 * PATH_MAX + 2;

struct Endpoint {
  std::string label;
  std::string rule;
  std::string host;             // lower-case name, or the literal
  std::optional<IpAddress> ip;  // when `host` is an address literal (canonical form)
  uint16_t port = 0;
};

struct State {
  const State* older = nullptr;  // every state ever published, newest first
  std::shared_ptr<const policy::Policy> policy;
  pid_t owner_pid = 0;
  policy::EgressMode sockets = policy::EgressMode::kOff;
  std::optional<egress::HostPolicy> hosts;
  std::vector<IpAddress> resolvers;
  std::vector<Endpoint> endpoints;
  std::optional<Endpoint> proxy;  // egress.proxy: named by the policy, so reachable
  policy::ProcessMode exec = policy::ProcessMode::kOff;
  policy::ProcessMode file_writes = policy::ProcessMode::kOff;
  std::vector<std::string> write_allow;
  // For events; read once at install (getenv races with the loop's setenv).
  std::string function_name;
  std::string function_version;
  std::string region;
};

// The installed state. States are never freed: a hook on another thread may
// still be reading the one an Install() replaced.
std::atomic<const State*> installed{nullptr};

// Serializes Install(), Uninstall() and ProtectEndpoint().
constinit std::mutex install_mu;
bool seccomp_loaded = false;   // guarded by install_mu
bool landlock_loaded = false;  // guarded by install_mu
std::vector<std::string> landlock_paths;  // guarded by install_mu

std::vector<Endpoint>& RegisteredEndpoints() {  // guarded by install_mu
  static auto* const endpoints = new std::vector<Endpoint>();
  return *endpoints;
}

constinit std::mutex sink_mu;
report::Reporter* sink = nullptr;  // guarded by sink_mu

const State* Current() { return installed.load(std::memory_order_acquire); }

bool SameAddress(const IpAddress& a, const IpAddress& b) {
  return a.family == b.family && a.bytes == b.bytes;
}

// "host:port", "[v6]:port" or "host" (then `default_port`).
std::optional<Endpoint> ParseHostPort(std::string_view text, uint16_t default_port) {
  std::string_view host = text;
  std::string_view port_text;
  if (host.starts_with("[")) {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    port_text = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port_text.empty()) {
      if (port_text[0] != ':') return std::nullopt;
      port_text.remove_prefix(1);
    }
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    if (host.find(':') != colon) return std::nullopt;  // a bare IPv6 address needs brackets
    port_text = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return std::nullopt;
  Endpoint e;
  e.port = default_port;
  if (!port_text.empty()) {
    uint32_t port = 0;
    if (port_text.size() > 5) return std::nullopt;
    for (char c : port_text) {
      if (c < '0' || c > '9') return std::nullopt;
      port = port * 10 + static_cast<uint32_t>(c - '0');
    }
    if (port == 0 || port > 65535) return std::nullopt;
    e.port = static_cast<uint16_t>(port);
  }
  if (e.port == 0) return std::nullopt;
  e.host.reserve(host.size());
  for (char c : host) e.host.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  if (!e.host.empty() && e.host.back() == '.') e.host.pop_back();
  if (std::optional<IpAddress> ip = policy::ParseIpAddress(e.host)) e.ip = CanonicalAddress(*ip);
  return e;
}

bool Matches(const Endpoint& e, const IpAddress& canonical, uint16_t port,
             const ResolvedNames& names) {
  if (e.port != port) return false;
  if (e.ip.has_value()) return SameAddress(*e.ip, canonical);
  for (std::string_view name : names.names()) {
    if (name == e.host) return true;
  }
  return false;
}

// The endpoint of an http(s) URL ("https://collector:4318/v1/logs").
std::optional<Endpoint> UrlEndpoint(std::string_view url) {
  uint16_t port = 0;
  if (url.starts_with("https://")) {
    port = 443;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    port = 80;
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  return ParseHostPort(url.substr(0, url.find_first_of("/?#")), port);
}

void AddEndpoint(std::vector<Endpoint>* list, Endpoint e) {
  for (const Endpoint& existing : *list) {
    if (existing.host == e.host && existing.port == e.port) return;
  }
  list->push_back(std::move(e));
}

struct Target {
  IpAddress ip;
  uint16_t port = 0;
};

std::optional<Target> ToTarget(const sockaddr* address, socklen_t length) {
  if (address == nullptr || length < static_cast<socklen_t>(sizeof(sa_family_t))) {
    return std::nullopt;
  }
  sa_family_t family;
  std::memcpy(&family, &address->sa_family, sizeof(family));
  Target t;
  if (family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in sin;
    std::memcpy(&sin, address, sizeof(sin));
    t.ip.family = 4;
    std::memcpy(t.ip.bytes.data(), &sin.sin_addr, 4);
    t.port = ntohs(sin.sin_port);
    return t;
  }
  if (family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, address, sizeof(sin6));
    t.ip.family = 6;
    std::memcpy(t.ip.bytes.data(), &sin6.sin6_addr, 16);
    t.port = ntohs(sin6.sin6_port);
    return t;
  }
  // Unix, netlink, ... and too-short addresses (which the kernel refuses).
  return std::nullopt;
}

std::string FormatTarget(const Target& t) {
  std::string ip = egress::FormatIpAddress(t.ip);
  return t.ip.family == 6 ? Cat("[", ip, "]:", t.port) : Cat(ip, ":", t.port);
}

egress::Decision Verdict(bool allow, std::string reason, std::string rule) {
  egress::Decision d;
  d.allow = allow;
  d.reason = std::move(reason);
  d.rule = std::move(rule);
  return d;
}

// The fast path: true when the connection passes without anything to report
// (DNS to a resolver, or allowed in enforce mode); builds no text.
bool PassesQuietly(const State& s, const Target& t, const ResolvedNames& names) {
  if (s.sockets == policy::EgressMode::kOff || !s.hosts.has_value()) return true;
  const IpAddress canonical = CanonicalAddress(t.ip);
  if (t.port == 53) {
    for (const IpAddress& r : s.resolvers) {
      if (SameAddress(r, canonical)) return true;
    }
  }
  for (const Endpoint& e : s.endpoints) {
    if (e.port == t.port) return false;  // decided (and explained) by DecideForState
  }
  if (s.proxy.has_value() && Matches(*s.proxy, canonical, t.port, names)) return true;
  return s.sockets == policy::EgressMode::kEnforce &&
         s.hosts->SocketAllowed(t.ip, t.port, names.names());
}

egress::Decision DecideForState(const State& s, const Target& t, const ResolvedNames& names) {
  if (s.sockets == policy::EgressMode::kOff || !s.hosts.has_value()) {
    return Verdict(true, "egress.sockets is off", "egress.sockets");
  }
  const IpAddress canonical = CanonicalAddress(t.ip);
  if (t.port == 53) {
    for (const IpAddress& r : s.resolvers) {
      if (SameAddress(r, canonical)) {
        return Verdict(true,
                       Cat("DNS to ", egress::FormatIpAddress(r),
                           ", a nameserver of /etc/resolv.conf"),
                       "dns-resolver");
      }
    }
  }
  for (const Endpoint& e : s.endpoints) {
    if (!Matches(e, canonical, t.port, names)) continue;
    egress::Decision d = Verdict(false,
                                 Cat("address ", egress::FormatIpAddress(t.ip), " port ", t.port,
                                     " is ", e.label, " (", e.host, ":", e.port,
                                     "), which only fnguard itself may reach"),
                                 e.rule);
    if (s.sockets == policy::EgressMode::kReport) {
      d.allow = true;
      d.would_deny = true;
    }
    return d;
  }
  if (s.proxy.has_value() && Matches(*s.proxy, canonical, t.port, names)) {
    return Verdict(true,
                   Cat("address ", egress::FormatIpAddress(t.ip), " port ", t.port,
                       " is the proxy the policy names (", s.proxy->host, ":", s.proxy->port, ")"),
                   "egress.proxy");
  }
  return s.hosts->DecideSocket(t.ip, t.port, names.names());
}

// --- Reporting -------------------------------------------------------------

// A JSON line built in a fixed buffer: no allocation, no locks, so it can be
// written from a forked child or a vfork child.
class SafeLine {
 public:
  void Raw(std::string_view s) {
    for (char c : s) Put(c);
  }
  // Control bytes are escaped; UTF-8 sequences (a file name "é") are kept
  // as they are, and any other byte of 0x80 and above becomes U+FFFD.
  void String(std::string_view s) {
    Put('"');
    for (size_t i = 0; i < s.size();) {
      const char c = s[i];
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        Put('\\');
        Put(c);
      } else if (u < 0x20 || u == 0x7f) {
        static constexpr char kHex[] = "0123456789abcdef";
        Raw("\\u00");
        Put(kHex[u >> 4]);
        Put(kHex[u & 0xf]);
      } else if (u >= 0x80) {
        const size_t n = core::Utf8SequenceLength(s, i);
        if (n == 0) {
          Raw("\\ufffd");
        } else {
          Raw(s.substr(i, n));
          i += n;
          continue;
        }
      } else {
        Put(c);
      }
      ++i;
    }
    Put('"');
  }
  void Field(std::string_view key, std::string_view value, bool first = false) {
    if (!first) Put(',');
    String(key);
    Put(':');
    String(value);
  }
  void Number(long v) {
    char digits[24];
    int n = 0;
    bool negative = v < 0;
    unsigned long u = negative ? 0ul - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
    do {
      digits[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0 && n < 23);
    if (negative) Put('-');
    while (n > 0) Put(digits[--n]);
  }
  // Always ends the line, even when truncated.
  void WriteTo(int fd) {
    if (length_ > kMax - 2) length_ = kMax - 2;
    buf_[length_++] = '\n';
    size_t done = 0;
    while (done < length_) {
      ssize_t n = write(fd, buf_ + done, length_ - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

 private:
  static constexpr size_t kMax = 2048;
  void Put(char c) {
    if (length_ < kMax - 2) buf_[length_++] = c;
  }
  char buf_[kMax];
  size_t length_ = 0;
};

struct Report {
  std::string_view kind;      // "egress" | "process"
  std::string_view detector;  // "sockets" | "exec" | "file_writes"
  std::string_view call;      // "connect", "execve", "open", ...
  std::string_view target;    // address:port, command, path
  std::string_view rule;
  std::string_view reason;
  std::string_view host;      // sockets: the name resolved to the address, else the address
  bool blocked = false;
};

void WriteSafeLine(const Report& r) {
  SafeLine line;
  line.Raw("{");
  line.Field("source", "fnguard", /*first=*/true);
  line.Field("kind", r.kind);
  line.Field("action", r.blocked ? "block" : "monitor");
  line.Field("detector", r.detector);
  line.Field("rule_id", r.rule);
  line.Field("field_path", r.call);
  line.Field("excerpt", r.target);
  line.Field("reason", r.reason);
  line.Raw(",\"pid\":");
  line.Number(static_cast<long>(getpid()));
  line.Raw("}");
  line.WriteTo(STDERR_FILENO);
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// Reports one denial (or would-be denial). `child`: the caller is a forked
// child of the installing process, where only the lock-free line is safe.
void Deliver(const State& s, const Report& r, bool child, bool flush) {
  InternalScope internal;  // anything reporting does passes the hooks
  if (child) {
    WriteSafeLine(r);
    return;
  }
  try {
    report::SecurityEvent e;
    e.kind = std::string(r.kind);
    e.action = r.blocked ? Action::kBlock : Action::kMonitor;
    e.detector = std::string(r.detector);
    e.rule_id = std::string(r.rule);
    e.field_path = std::string(r.call);
    e.excerpt = report::Redact(r.target);
    e.reason = std::string(r.reason);
    e.function_name = s.function_name;
    e.function_version = s.function_version;
    e.region = s.region;
    e.policy_version = std::to_string(s.policy->version);
    e.policy_source = s.policy->source;
    e.event_id = report::NewEventId();
    e.time_unix_ns = report::NowUnixNanos();
    e.host = std::string(r.host);
    std::lock_guard<std::mutex> lock(sink_mu);
    if (sink != nullptr && sink->enabled()) {
      sink->Report(std::move(e));
      if (flush) sink->Flush(kExecFlushMs);
      return;
    }
    std::string line = report::ToJson(e);
    line.push_back('\n');
    size_t done = 0;
    while (done < line.size()) {
      ssize_t n = write(STDERR_FILENO, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
  } catch (...) {
    WriteSafeLine(r);
  }
}

bool IsChild(const State& s) { return getpid() != s.owner_pid; }

// --- Paths -----------------------------------------------------------------

// Writes the absolute form of `path` (relative to `dirfd`) to `out`;
// returns its length, 0 when it cannot be made absolute.
size_t MakeAbsolute(int dirfd, const char* path, char* out, size_t capacity) {
  const size_t path_length = std::strlen(path);
  if (path_length == 0) return 0;
  size_t n = 0;
  if (path[0] != '/') {
    if (dirfd == AT_FDCWD) {
      if (getcwd(out, capacity) == nullptr) return 0;
      n = std::strlen(out);
    } else {
      char link[64];
      const int len = snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
      if (len <= 0) return 0;
      ssize_t r = readlink(link, out, capacity - 1);
      if (r <= 0) return 0;
      n = static_cast<size_t>(r);
    }
    if (n == 0 || out[0] != '/') return 0;  // e.g. "anon_inode:[...]"
    if (n + 1 >= capacity) return 0;
    out[n++] = '/';
  }
  if (n + path_length + 1 > capacity) return 0;
  std::memcpy(out + n, path, path_length);
  n += path_length;
  out[n] = '\0';
  return n;
}

bool PathAllowed(const State& s, std::string_view path) {
  for (const std::string& entry : s.write_allow) {
    if (policy::WritePathAllowed(entry, path)) return true;
  }
  return false;
}

bool IsStandardDevice(std::string_view path) {
  return path == "/dev/null" || path == "/dev/stdout" || path == "/dev/stderr" ||
         path == "/dev/tty";
}

// For a lexically allowed path: where it really is (symlinks resolved) must
// be allowed too. A path whose parent does not exist passes (the open fails
// by itself); a dangling symlink does not.
bool RealPathAllowed(const State& s, const char* path, size_t length, const char** why) {
  char resolved[PATH_MAX];
  if (realpath(path, resolved) != nullptr) {
    if (PathAllowed(s, resolved)) return true;
    *why = "it resolves (through a symbolic link) to a path outside process.file_writes.allow";
    return false;
  }
  if (errno != ENOENT) return true;
  struct stat st;
  if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
    *why = "it is a dangling symbolic link";
    return false;
  }
  size_t slash = length;
  while (slash > 0 && path[slash - 1] != '/') --slash;
  if (slash == 0 || slash == length) return true;
  char parent[PATH_MAX];
  const size_t parent_length = slash > 1 ? slash - 1 : 1;
  if (parent_length >= sizeof(parent)) return true;
  std::memcpy(parent, path, parent_length);
  parent[parent_length] = '\0';
  if (realpath(parent, resolved) == nullptr) return true;
  const size_t base_length = length - slash;
  const size_t resolved_length = std::strlen(resolved);
  char joined[kPathBuffer];
  if (resolved_length + 1 + base_length + 1 > sizeof(joined)) return true;
  std::memcpy(joined, resolved, resolved_length);
  size_t n = resolved_length;
  if (n == 0 || joined[n - 1] != '/') joined[n++] = '/';
  std::memcpy(joined + n, path + slash, base_length);
  n += base_length;
  if (PathAllowed(s, std::string_view(joined, n))) return true;
  *why = "its directory resolves (through a symbolic link) to a path outside "
         "process.file_writes.allow";
  return false;
}

int CheckWritePath(const State& s, const char* call, int dirfd, const char* path) {
  char full[kPathBuffer];
  size_t n = MakeAbsolute(dirfd, path, full, sizeof(full));
  const char* why = "it is outside process.file_writes.allow";
  bool allowed = false;
  if (n == 0) {
    why = "the path could not be made absolute";
    const size_t shown = std::min(std::strlen(path), sizeof(full) - 1);
    std::memcpy(full, path, shown);
    n = shown;
  } else {
    n = policy::NormalizePathInPlace(full, n);
    full[n] = '\0';
    allowed = PathAllowed(s, std::string_view(full, n));
    if (allowed && !IsStandardDevice(std::string_view(full, n))) {
      allowed = RealPathAllowed(s, full, n, &why);
    }
  }
  if (allowed) return 0;
  const bool enforce = s.file_writes == policy::ProcessMode::kEnforce;
  const bool child = IsChild(s);
  Report r;
  r.kind = "process";
  r.detector = "file_writes";
  r.call = call;
  r.target = std::string_view(full, n);
  r.rule = "process.file_writes";
  r.blocked = enforce;
  if (child) {
    r.reason = enforce ? "writing there is not allowed (process.file_writes is enforce)"
                       : "a file was opened for writing outside the allowed paths "
                         "(process.file_writes is monitor)";
    Deliver(s, r, true, false);
  } else {
    std::string reason =
        Cat(enforce ? "writing " : "a file was opened for writing at ", "'",
            std::string_view(full, n), "' ", enforce ? "is not allowed: " : "although ", why,
            " (process.file_writes is ", enforce ? "enforce" : "monitor", ")");
    r.reason = reason;
    Deliver(s, r, false, false);
  }
  return enforce ? EACCES : 0;
}

bool IsWriteOpen(int flags) {
#ifdef O_PATH
  if ((flags & O_PATH) != 0) return false;
#endif
  if ((flags & O_ACCMODE) != O_RDONLY) return true;
  if ((flags & (O_CREAT | O_TRUNC)) != 0) return true;
#ifdef O_TMPFILE
  if ((flags & O_TMPFILE) == O_TMPFILE) return true;
#endif
  return false;
}

const char* SocketCallName(SocketCall call) {
  switch (call) {
    case SocketCall::kConnect:
      return "connect";
    case SocketCall::kSendto:
      return "sendto";
    case SocketCall::kSendmsg:
      return "sendmsg";
    case SocketCall::kSendmmsg:
      return "sendmmsg";
  }
  return "socket";
}

// Every published state stays reachable from here (they are never freed, see
// `installed`), which also tells leak checkers they are kept on purpose.
const State* all_states = nullptr;

void Publish(std::unique_ptr<State> state) {
  state->older = all_states;
  all_states = state.get();
  installed.store(state.release(), std::memory_order_release);
}

}  // namespace

bool Wanted(const policy::Policy& policy) {
  return policy.egress.sockets != policy::EgressMode::kOff ||
         policy.process.exec != policy::ProcessMode::kOff ||
         policy.process.file_writes.mode != policy::ProcessMode::kOff;
}

absl::StatusOr<InstallReport> Install(std::shared_ptr<const policy::Policy> policy,
                                      const InstallOptions& options) {
  if (policy == nullptr) return absl::InvalidArgumentError("no policy to install");
  InternalScope internal;  // the files and DNS below are fnguard's own
  auto state = std::make_unique<State>();
  state->policy = policy;
  state->owner_pid = getpid();
  state->sockets = policy->egress.sockets;
  state->exec = policy->process.exec;
  state->file_writes = policy->process.file_writes.mode;
  state->function_name = Env("AWS_LAMBDA_FUNCTION_NAME");
  state->function_version = Env("AWS_LAMBDA_FUNCTION_VERSION");
  state->region = Env("AWS_REGION");
  InstallReport report;
  report.sockets = state->sockets;
  report.exec = state->exec;
  report.file_writes = state->file_writes;

  if (state->sockets != policy::EgressMode::kOff) {
    policy::Egress rules = policy->egress;
    rules.mode = state->sockets;
    absl::StatusOr<egress::HostPolicy> hosts = egress::HostPolicy::Compile(rules);
    if (!hosts.ok()) return hosts.status();
    state->hosts.emplace(std::move(*hosts));
    state->resolvers = ReadResolvConf(options.resolv_conf);
    for (const IpAddress& r : state->resolvers) {
      report.resolvers.push_back(egress::FormatIpAddress(r));
    }
    if (!policy->egress.proxy.empty()) state->proxy = UrlEndpoint(policy->egress.proxy);
    if (std::optional<Endpoint> collector = UrlEndpoint(policy->reporting.otlp_endpoint)) {
      collector->label = "the event collector";
      collector->rule = "fnguard.collector";
      AddEndpoint(&state->endpoints, std::move(*collector));
    }
  }

  // Paths writes may always go to: the standard devices and the spool.
  std::vector<std::string> fixed = {"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"};
  std::string spool;
  if (!policy->reporting.otlp_endpoint.empty() && !policy->reporting.spool_dir.empty()) {
    if (std::optional<std::string> dir = policy::NormalizeAbsolutePath(policy->reporting.spool_dir)) {
      spool = dir->back() == '/' ? *dir : *dir + "/";
    }
  }
  state->write_allow = policy->process.file_writes.allow;
  for (const std::string& p : fixed) state->write_allow.push_back(p);
  if (!spool.empty()) state->write_allow.push_back(spool);

  std::lock_guard<std::mutex> lock(install_mu);
  for (const Endpoint& e : RegisteredEndpoints()) AddEndpoint(&state->endpoints, e);

  if (state->exec == policy::ProcessMode::kEnforce) {
    if (options.kernel_layers && !seccomp_loaded) {
      absl::Status st = ApplyExecFilter();
      if (st.ok()) {
        seccomp_loaded = true;
      } else {
        report.notes.push_back(Cat(policy::ToStd(st.message()),
                                   "; exec is refused by interposition only"));
      }
    }
    report.seccomp = seccomp_loaded;
  }
  if (state->file_writes == policy::ProcessMode::kEnforce) {
    std::vector<std::string> paths = policy->process.file_writes.allow;
    paths.push_back("/dev/null");
    if (!spool.empty()) {
      mkdir(spool.c_str(), 0700);  // so that the kernel ruleset can name it
      paths.push_back(spool);
    }
    if (options.kernel_layers && !landlock_loaded) {
      absl::StatusOr<std::vector<std::string>> notes = ApplyWriteRuleset(paths);
      if (notes.ok()) {
        landlock_loaded = true;
        landlock_paths = paths;
        for (std::string& n : *notes) report.notes.push_back(std::move(n));
      } else {
        report.notes.push_back(Cat(policy::ToStd(notes.status().message()),
                                   "; writes are refused by interposition only"));
      }
    } else if (options.kernel_layers && landlock_paths != paths) {
      report.notes.push_back(
          "the kernel write ruleset of an earlier install stays in force (it can only be "
          "tightened)");
    }
    report.landlock = landlock_loaded;
  }
  Publish(std::move(state));
  return report;
}

void Uninstall() {
  std::lock_guard<std::mutex> lock(install_mu);
  RegisteredEndpoints().clear();
  installed.store(nullptr, std::memory_order_release);
}

bool Installed() { return Current() != nullptr; }

void ProtectEndpoint(std::string_view host_port, std::string_view label, std::string_view rule) {
  std::optional<Endpoint> e = ParseHostPort(host_port, 0);
  if (!e.has_value()) return;
  e->label = std::string(label);
  e->rule = std::string(rule);
  std::lock_guard<std::mutex> lock(install_mu);
  AddEndpoint(&RegisteredEndpoints(), *e);
  const State* current = Current();
  if (current == nullptr) return;
  auto copy = std::make_unique<State>(*current);
  AddEndpoint(&copy->endpoints, std::move(*e));
  Publish(std::move(copy));
}

void SetReporter(report::Reporter* reporter) {
  std::lock_guard<std::mutex> lock(sink_mu);
  sink = reporter;
}

void ClearReporter(const report::Reporter* reporter) {
  std::lock_guard<std::mutex> lock(sink_mu);
  if (sink == reporter) sink = nullptr;
}

int CheckSocket(const sockaddr* address, socklen_t length, SocketCall call) {
  const State* s = Current();
  if (s == nullptr || s->sockets == policy::EgressMode::kOff || InInternalScope()) return 0;
  std::optional<Target> t = ToTarget(address, length);
  if (!t.has_value()) return 0;
  try {
    ResolvedNames names;
    ProcessNameMap().Lookup(t->ip, &names);
    if (PassesQuietly(*s, *t, names)) return 0;
    egress::Decision d = DecideForState(*s, *t, names);
    if (d.allow && !d.would_deny) return 0;
    std::string target = FormatTarget(*t);
    std::string host = names.size() > 0 ? std::string(names.names()[0])
                                        : egress::FormatIpAddress(t->ip);
    Report r;
    r.host = host;
    r.kind = "egress";
    r.detector = "sockets";
    r.call = SocketCallName(call);
    r.target = target;
    r.rule = d.rule;
    r.reason = d.reason;
    r.blocked = !d.allow;
    Deliver(*s, r, IsChild(*s), false);
    return d.allow ? 0 : EACCES;
  } catch (...) {
    return s->policy->fail_mode == policy::FailMode::kClosed ? EACCES : 0;
  }
}

egress::Decision DecideSocket(const sockaddr* address, socklen_t length) {
  const State* s = Current();
  if (s == nullptr) return Verdict(true, "no sandbox is installed", "egress.sockets");
  std::optional<Target> t = ToTarget(address, length);
  if (!t.has_value()) return Verdict(true, "not an IPv4 or IPv6 address", "address");
  ResolvedNames names;
  ProcessNameMap().Lookup(t->ip, &names);
  return DecideForState(*s, *t, names);
}

int CheckExec(const char* call, const char* path, char* const* argv, bool replaces_process) {
  const State* s = Current();
  if (s == nullptr || s->exec == policy::ProcessMode::kOff || InInternalScope()) return 0;
  const bool enforce = s->exec == policy::ProcessMode::kEnforce;
  const bool child = IsChild(*s);
  Report r;
  r.kind = "process";
  r.detector = "exec";
  r.call = call;
  r.rule = "process.exec";
  r.blocked = enforce;
  r.reason = enforce ? "starting a program is not allowed (process.exec is enforce)"
                     : "a program was started (process.exec is monitor)";
  if (path == nullptr) path = "";
  size_t argc = 0;
  while (argv != nullptr && argv[argc] != nullptr && argc < 4096) ++argc;
  if (child) {
    // Arguments may hold secrets and cannot be redacted without allocating:
    // name the program and count them.
    char target[PATH_MAX + 48];
    int n = snprintf(target, sizeof(target), "%s (%zu argument%s)", path,
                     argc > 0 ? argc - 1 : 0, argc == 2 ? "" : "s");
    r.target = std::string_view(target, n > 0 ? std::min<size_t>(n, sizeof(target) - 1) : 0);
    Deliver(*s, r, true, false);
  } else {
    try {
      std::string target = path;
      for (size_t i = 1; i < argc && target.size() < 1024; ++i) {
        target.push_back(' ');
        target.append(argv[i]);
      }
      if (target.size() > 1024) target.resize(1024);
      r.target = target;
      Deliver(*s, r, false, !enforce && replaces_process);
    } catch (...) {
      // Reporting failed; the decision stands.
    }
  }
  return enforce ? EPERM : 0;
}

int CheckOpen(const char* call, int dirfd, const char* path, int flags) {
  const State* s = Current();
  if (s == nullptr || s->file_writes == policy::ProcessMode::kOff || path == nullptr ||
      InInternalScope() || !IsWriteOpen(flags)) {
    return 0;
  }
  try {
    return CheckWritePath(*s, call, dirfd, path);
  } catch (...) {
    return s->policy->fail_mode == policy::FailMode::kClosed ? EACCES : 0;
  }
}

int CheckFopen(const char* call, const char* path, const char* mode) {
  const State* s = Current();
  if (s == nullptr || s->file_writes == policy::ProcessMode::kOff || path == nullptr ||
      mode == nullptr || InInternalScope()) {
    return 0;
  }
  // The mode's letters end at glibc's ",ccs=CHARSET" suffix, whose name may
  // hold any of them ("r,ccs=ascii" only reads).
  const size_t letters = std::strcspn(mode, ",");
  if (std::string_view(mode, letters).find_first_of("wa+") == std::string_view::npos) return 0;
  try {
    return CheckWritePath(*s, call, AT_FDCWD, path);
  } catch (...) {
    return s->policy->fail_mode == policy::FailMode::kClosed ? EACCES : 0;
  }
}

void RecordResolved(const char* name, const addrinfo* answers) {
  if (name == nullptr) return;
  size_t n = 0;
  for (const addrinfo* ai = answers; ai != nullptr && n < kMaxAnswersRecorded; ai = ai->ai_next, ++n) {
    if (ai->ai_addr == nullptr) continue;
    std::optional<Target> t = ToTarget(ai->ai_addr, ai->ai_addrlen);
    if (t.has_value()) ProcessNameMap().Record(t->ip, name);
  }
}

void RecordResolved(const char* name, const hostent* answer) {
  if (name == nullptr || answer == nullptr || answer->h_addr_list == nullptr) return;
  for (size_t i = 0; answer->h_addr_list[i] != nullptr && i < kMaxAnswersRecorded; ++i) {
    IpAddress ip;
    if (answer->h_addrtype == AF_INET && answer->h_length == 4) {
      ip.family = 4;
      std::memcpy(ip.bytes.data(), answer->h_addr_list[i], 4);
    } else if (answer->h_addrtype == AF_INET6 && answer->h_length == 16) {
      ip.family = 6;
      std::memcpy(ip.bytes.data(), answer->h_addr_list[i], 16);
    } else {
      continue;
    }
    ProcessNameMap().Record(ip, name);
  }
}

}  // namespace fnguard::sandbox
