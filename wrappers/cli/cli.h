// The fnguard command line: one function per subcommand. Each takes the
// arguments after the subcommand name and returns the process exit code
// documented in README.md (the CLI contract).
#ifndef FNGUARD_WRAPPERS_CLI_CLI_H_
#define FNGUARD_WRAPPERS_CLI_CLI_H_

#include <string>
#include <vector>

namespace fnguard::cli {

using Args = std::vector<std::string>;

int Main(int argc, char** argv);

int ScanCommand(const Args& args);
int EvalCommand(const Args& args);
int PolicyCommand(const Args& args);
int BenchCommand(const Args& args);
int LocalCommand(const Args& args);  // wrappers/local

}  // namespace fnguard::cli

#endif  // FNGUARD_WRAPPERS_CLI_CLI_H_
