// A `fnguard collector` child process on 127.0.0.1 with its own SQLite
// store, for tests that check what reached the collector.
#ifndef FNGUARD_TESTS_INTEGRATION_COLLECTOR_PROCESS_H_
#define FNGUARD_TESTS_INTEGRATION_COLLECTOR_PROCESS_H_

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/integration/cli_runner.h"
#include "wrappers/cli/report_commands.h"

namespace fnguard::testing {

class CollectorProcess {
 public:
  // Starts `fnguard collector --listen 127.0.0.1:0 --store STORE` and waits
  // (up to 10 s) for "listening on HOST:PORT".
  explicit CollectorProcess(const std::string& store) : store_(store) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      const std::string bin = FnguardBinary();
      execl(bin.c_str(), bin.c_str(), "collector", "--listen", "127.0.0.1:0", "--store",
            store.c_str(), static_cast<char*>(nullptr));
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
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (out_ >= 0) close(out_);
  }
  CollectorProcess(const CollectorProcess&) = delete;
  CollectorProcess& operator=(const CollectorProcess&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/logs"; }

  // The events stored so far.
  std::vector<fnguard::v1::SecurityEvent> Events() const {
    std::vector<fnguard::v1::SecurityEvent> events;
    auto store = cli::EventStore::Open(store_, /*create=*/false);
    if (!store.ok()) return events;
    (void)(*store)->List({}, [&](const fnguard::v1::SecurityEvent& e) { events.push_back(e); });
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
