// `fnguard egress check`: decide on outbound URLs without connecting.
//
//   fnguard egress check --policy P [--resolve] URL...
//
// Prints one JSON line per URL:
//   {"url":"...","decision":"allow|deny","reason":"...","rule":"egress.allow[0]"}
// with "would_deny":true added in report mode when enforcement would deny,
// and with --resolve "addresses":["..."] (every address the host resolved
// to; each one is checked against the private/metadata rules).
//
// Exit codes: 0 every URL allowed, 3 any URL denied, 2 bad input (missing
// --policy, invalid policy, no URLs, unknown flag).
#ifndef FNGUARD_WRAPPERS_CLI_EGRESS_COMMANDS_H_
#define FNGUARD_WRAPPERS_CLI_EGRESS_COMMANDS_H_

#include "wrappers/cli/cli.h"

namespace fnguard::cli {

inline constexpr int kExitEgressDenied = 3;

// `args` are the arguments after "egress" ("check", flags, URLs).
int EgressCommand(const Args& args);

}  // namespace fnguard::cli

#endif  // FNGUARD_WRAPPERS_CLI_EGRESS_COMMANDS_H_
