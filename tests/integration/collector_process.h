// A `fnguard collector` child process with its own SQLite store, for tests
// and benchmarks that check what reached the collector.
#ifndef FNGUARD_TESTS_INTEGRATION_COLLECTOR_PROCESS_H_
#define FNGUARD_TESTS_INTEGRATION_COLLECTOR_PROCESS_H_

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cli_runner.h"
#include "wrappers/cli/report_commands.h"

namespace fnguard::testing {

struct CollectorOptions {
  std::string binary = FnguardBinary();
  std::string listen = "127.0.0.1:0";
  std::string token;  // --token, when not empty
};

class CollectorProcess {
 public:
  // Starts `fnguard collector --listen LISTEN --store STORE [--token T]` and
  // waits (up to 10 s) for its "listening on HOST:PORT" line; port() is 0
  // when it did not come.
  explicit CollectorProcess(const std::string& store, CollectorOptions options = {})
      : store_(store) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::vector<const char*> argv = {options.binary.c_str(), "collector", "--listen",
                                       options.listen.c_str(), "--store", store.c_str()};
      if (!options.token.empty()) {
        argv.push_back("--token");
        argv.push_back(options.token.c_str());
      }
      argv.push_back(nullptr);
      execv(options.binary.c_str(), const_cast<char* const*>(argv.data()));
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (text.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      const ssize_t n = read(out_, buf, sizeof(buf));
      if (n <= 0) break;
      text.append(buf, static_cast<size_t>(n));
    }
    const std::string prefix = "listening on ";
    if (text.rfind(prefix, 0) == 0) {
      const std::string addr = text.substr(prefix.size(), text.find('\n') - prefix.size());
      port_ = std::atoi(addr.substr(addr.rfind(':') + 1).c_str());
    }
  }
  ~CollectorProcess() {
    Stop(SIGTERM);
    if (out_ >= 0) close(out_);
  }
  CollectorProcess(const CollectorProcess&) = delete;
  CollectorProcess& operator=(const CollectorProcess&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/logs"; }

  // Sends `sig`, waits, and returns the exit code (-1 when killed by a
  // signal or already stopped).
  int Stop(int sig) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // CPU seconds (user + system) the collector has used so far.
  double CpuSeconds() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) return 0;
    std::vector<std::string> fields;
    size_t at = paren + 2;
    while (at < stat.size()) {
      const size_t sp = stat.find(' ', at);
      fields.push_back(stat.substr(at, sp - at));
      if (sp == std::string::npos) break;
      at = sp + 1;
    }
    if (fields.size() < 13) return 0;
    // Fields 14 and 15 of /proc/PID/stat: utime, stime (clock ticks).
    return static_cast<double>(std::strtoull(fields[11].c_str(), nullptr, 10) +
                               std::strtoull(fields[12].c_str(), nullptr, 10)) /
           static_cast<double>(sysconf(_SC_CLK_TCK));
  }

  // The events stored so far.
  std::vector<fnguard::v1::SecurityEvent> Events() const {
    std::vector<fnguard::v1::SecurityEvent> events;
    auto store = cli::EventStore::Open(store_, /*create=*/false);
    if (!store.ok()) return events;
    (void)(*store)->List({}, [&](const fnguard::v1::SecurityEvent& e) { events.push_back(e); });
    return events;
  }

  // Waits up to `timeout` for at least `n` stored events and returns what
  // is stored then.
  std::vector<fnguard::v1::SecurityEvent> WaitForEvents(
      size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    std::vector<fnguard::v1::SecurityEvent> events;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      events = Events();
      if (events.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return events;
  }

 private:
  std::string store_;
  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
};

}  // namespace fnguard::testing

#endif  // FNGUARD_TESTS_INTEGRATION_COLLECTOR_PROCESS_H_
