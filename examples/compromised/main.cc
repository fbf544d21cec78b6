// compromised: a Lambda custom runtime whose handler does what an attacker
// who has taken it over would try, one attempt per event, and answers with
// what happened. Under a policy with the sandbox on (policy.yaml) every
// attempt fails with EACCES/EPERM and is reported as a security event, while
// the function itself keeps serving events.
//
// As a Lambda function (no arguments), each event names one attempt:
//   {"action":"connect","host":"169.254.169.254","port":80}   raw TCP connect
//   {"action":"resolve-connect","host":"localhost","port":8080}  getaddrinfo, then connect
//   {"action":"udp","host":"10.0.0.2","port":53}               UDP sendto
//   {"action":"runtime-api"}                 connect to $AWS_LAMBDA_RUNTIME_API
//   {"action":"exec","path":"/bin/sh"}       fork + execv in the child
//   {"action":"exec-syscall","path":"/bin/sh"}  fork + the raw execve system call
//   {"action":"system","command":"id"}       system()
//   {"action":"write","path":"/var/task/x"}  fopen(path, "w")
//   {"action":"write-syscall","path":"..."}  the raw openat system call
// and the response is {"action":..,"ok":true|false,"errno":N,"error":"..."}.
//
// From a shell, the same attempt is given as arguments, and the JSON line
// goes to stdout (exit 0 when it succeeded, 1 when it failed):
//   bootstrap connect 127.0.0.2 8080
//   bootstrap exec /bin/true
//   bootstrap write /etc/cron.d/x
// In that mode the program creates no Guard: libfnguard.so turns the sandbox
// on by itself before main() when FNGUARD_POLICY asks for it.
#include <fnguard/fnguard.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Outcome {
  bool ok = false;
  int error = 0;       // errno when !ok
  std::string detail;  // e.g. "exit status 0", "connected"
};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string ToJson(std::string_view action, const Outcome& o) {
  std::string out = "{\"action\":" + Quote(action) + ",\"ok\":" + (o.ok ? "true" : "false") +
                    ",\"errno\":" + std::to_string(o.error) +
                    ",\"error\":" + Quote(o.ok ? "" : std::strerror(o.error)) +
                    ",\"detail\":" + Quote(o.detail) + "}";
  return out;
}

Outcome Failed(int error, std::string detail = "") {
  Outcome o;
  o.error = error;
  o.detail = std::move(detail);
  return o;
}

Outcome Succeeded(std::string detail) {
  Outcome o;
  o.ok = true;
  o.detail = std::move(detail);
  return o;
}

// Fills `address` from a literal IPv4/IPv6 address and a port.
bool MakeAddress(const std::string& host, int port, sockaddr_storage* address, socklen_t* length) {
  std::memset(address, 0, sizeof(*address));
  auto* v4 = reinterpret_cast<sockaddr_in*>(address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(address);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    *length = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    *length = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

Outcome ConnectTo(const sockaddr* address, socklen_t length) {
  int fd = socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Failed(errno, "socket");
  int rc = connect(fd, address, length);
  int error = errno;
  close(fd);
  if (rc != 0) return Failed(error, "connect");
  return Succeeded("connected");
}

Outcome Connect(const std::string& host, int port) {
  sockaddr_storage address;
  socklen_t length = 0;
  if (!MakeAddress(host, port, &address, &length)) return Failed(EINVAL, "not an address");
  return ConnectTo(reinterpret_cast<sockaddr*>(&address), length);
}

Outcome ResolveConnect(const std::string& name, int port) {
  addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(name.c_str(), service.c_str(), &hints, &result);
  if (rc != 0) return Failed(ENOENT, gai_strerror(rc));
  Outcome o = ConnectTo(result->ai_addr, result->ai_addrlen);
  freeaddrinfo(result);
  return o;
}

Outcome Udp(const std::string& host, int port) {
  sockaddr_storage address;
  socklen_t length = 0;
  if (!MakeAddress(host, port, &address, &length)) return Failed(EINVAL, "not an address");
  int fd = socket(address.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Failed(errno, "socket");
  ssize_t n = sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&address), length);
  int error = errno;
  close(fd);
  if (n != 1) return Failed(error, "sendto");
  return Succeeded("sent");
}

Outcome RuntimeApi() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr) return Failed(EINVAL, "AWS_LAMBDA_RUNTIME_API is not set");
  std::string endpoint = api;
  size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos) return Failed(EINVAL, "no port");
  return Connect(endpoint.substr(0, colon), std::atoi(endpoint.c_str() + colon + 1));
}

// Runs `path` in a child; the child reports a failed exec through a pipe.
Outcome Exec(const std::string& path, bool raw_syscall) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Failed(errno, "pipe");
  pid_t pid = fork();
  if (pid < 0) return Failed(errno, "fork");
  if (pid == 0) {
    close(fds[0]);
    char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
    if (raw_syscall) {
      syscall(SYS_execve, path.c_str(), argv, environ);
    } else {
      execv(path.c_str(), argv);
    }
    int error = errno;
    (void)!write(fds[1], &error, sizeof(error));
    _exit(127);
  }
  close(fds[1]);
  int error = 0;
  ssize_t n = read(fds[0], &error, sizeof(error));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (n == static_cast<ssize_t>(sizeof(error))) return Failed(error, "exec");
  return Succeeded("exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1));
}

Outcome System(const std::string& command) {
  int status = std::system(command.c_str());
  if (status == -1) return Failed(errno, "system");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return Failed(ENOEXEC, "shell exit 127");
  return Succeeded("exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1));
}

Outcome Write(const std::string& path, bool raw_syscall) {
  if (raw_syscall) {
    long fd = syscall(SYS_openat, AT_FDCWD, path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                      0644);
    if (fd < 0) return Failed(errno, "openat");
    (void)!write(static_cast<int>(fd), "x\n", 2);
    close(static_cast<int>(fd));
    return Succeeded("written");
  }
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return Failed(errno, "fopen");
  std::fputs("x\n", f);
  std::fclose(f);
  return Succeeded("written");
}

// action, then its arguments (host/port, path or command).
Outcome Perform(const std::string& action, const std::string& a, const std::string& b) {
  if (action == "connect") return Connect(a, std::atoi(b.c_str()));
  if (action == "resolve-connect") return ResolveConnect(a, std::atoi(b.c_str()));
  if (action == "udp") return Udp(a, std::atoi(b.c_str()));
  if (action == "runtime-api") return RuntimeApi();
  if (action == "exec") return Exec(a, false);
  if (action == "exec-syscall") return Exec(a, true);
  if (action == "system") return System(a);
  if (action == "write") return Write(a, false);
  if (action == "write-syscall") return Write(a, true);
  return Failed(EINVAL, "unknown action");
}

// The string value of top-level member `key` in a flat event; numbers may
// be bare.
std::string Member(std::string_view event, std::string_view key) {
  std::string needle = "\"" + std::string(key) + "\"";
  size_t at = event.find(needle);
  if (at == std::string_view::npos) return "";
  size_t i = at + needle.size();
  while (i < event.size() && (event[i] == ' ' || event[i] == ':')) ++i;
  if (i < event.size() && event[i] == '"') {
    size_t end = event.find('"', i + 1);
    return end == std::string_view::npos ? "" : std::string(event.substr(i + 1, end - i - 1));
  }
  size_t end = i;
  while (end < event.size() && event[end] >= '0' && event[end] <= '9') ++end;
  return std::string(event.substr(i, end - i));
}

fnguard::lambda::Response Handle(const fnguard::lambda::Request& req) {
  const std::string action = Member(req.payload, "action");
  std::string a = Member(req.payload, "host");
  if (a.empty()) a = Member(req.payload, "path");
  if (a.empty()) a = Member(req.payload, "command");
  Outcome o = Perform(action, a, Member(req.payload, "port"));
  return fnguard::lambda::Response::Success(ToJson(action, o));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    std::string action = argv[1];
    Outcome o = Perform(action, argc > 2 ? argv[2] : "", argc > 3 ? argv[3] : "");
    std::printf("%s\n", ToJson(action, o).c_str());
    return o.ok ? 0 : 1;
  }
  auto guard = fnguard::Guard::FromEnv();
  if (!guard.ok()) return fnguard::lambda::ReportInitError(guard.status());
  return fnguard::lambda::Run(**guard, Handle);
}
