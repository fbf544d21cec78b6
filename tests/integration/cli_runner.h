// Runs the real fnguard binary for integration tests.
#ifndef FNGUARD_TESTS_INTEGRATION_CLI_RUNNER_H_
#define FNGUARD_TESTS_INTEGRATION_CLI_RUNNER_H_

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace fnguard::testing {

struct CommandResult {
  int exit_code = -1;       // -1 when killed by a signal
  int signal = 0;
  std::string out;          // stdout
};

inline std::string FnguardBinary() { return std::string(FNGUARD_BINARY_DIR) + "/fnguard"; }
inline std::filesystem::path SourceDir() { return FNGUARD_SOURCE_DIR; }
inline std::filesystem::path CorpusDir() { return SourceDir() / ".." / "shared" / "corpus"; }

// Runs `command` through /bin/sh; stderr goes to the test log.
inline CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
  }
  return r;
}

inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

}  // namespace fnguard::testing

#endif  // FNGUARD_TESTS_INTEGRATION_CLI_RUNNER_H_
