// The fnguard command line: one function per subcommand. Each takes the
// arguments after the subcommand name and returns the process exit code
// documented in README.md (the CLI contract: commands, flags, JSON keys and
// exit codes are relied on by scripts; add to them, never change them).
#ifndef FNGUARD_WRAPPERS_CLI_CLI_H_
#define FNGUARD_WRAPPERS_CLI_CLI_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fnguard/verdict.h"
#include "policy/policy.h"
#include "runtime/core/json.h"

namespace fnguard::cli {

using Args = std::vector<std::string>;

// Exit codes shared by the subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitBadInput = 2;

int Main(int argc, char** argv);

int ScanCommand(const Args& args);
int EvalCommand(const Args& args);
int PolicyCommand(const Args& args);
int BenchCommand(const Args& args);
int LocalCommand(const Args& args);  // wrappers/local

// Small argument parser: --flag value, --flag=value, and positionals.
class ArgParser {
 public:
  // `with_value`: flags that take a value; `switches`: flags that don't.
  ArgParser(std::vector<std::string> with_value, std::vector<std::string> switches);
  // Returns false and sets error() on an unknown flag or a missing value.
  bool Parse(const Args& args);
  const std::string& error() const { return error_; }
  std::optional<std::string> Get(const std::string& flag) const;
  std::vector<std::string> GetAll(const std::string& flag) const;
  bool Has(const std::string& flag) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::vector<std::string> with_value_, switches_;
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<std::string> positionals_;
  std::string error_;
};

// The policy named by --policy, else FNGUARD_POLICY, else the defaults.
absl::StatusOr<std::shared_ptr<const policy::Policy>> PolicyFromFlagOrEnv(
    const std::optional<std::string>& flag);

// The p-quantile (0..1) of `samples` by nearest rank; 0 when empty.
uint64_t Percentile(std::vector<uint64_t> samples, double p);

// Writes "findings": [...] (detector, rule_id, field_path, excerpt, reason and
// score of each) into the object `w` is writing: `scan --format json` and
// `eval --report --all-findings`.
void WriteFindings(json::Writer& w, const std::vector<Finding>& findings);

// Reads a whole file; error names the file.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace fnguard::cli

#endif  // FNGUARD_WRAPPERS_CLI_CLI_H_
