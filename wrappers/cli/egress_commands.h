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
//
//   fnguard fetch --policy P [--cacert F] [--max-time S] URL
//
// A guarded HTTPS GET (runtime/egress/http_client.h) with the body on stdout.
// Exit codes: 0 the transfer completed with a 2xx/3xx status, 3 denied by
// the egress policy (one JSON line {"url","decision":"deny","reason"} on
// stderr), 4 TLS verification or handshake failed, 5 any other error
// (DNS, connection, timeout, body too large, or a 4xx/5xx status, which is
// named on stderr and whose body is not written), 2 bad input.
#ifndef FNGUARD_WRAPPERS_CLI_EGRESS_COMMANDS_H_
#define FNGUARD_WRAPPERS_CLI_EGRESS_COMMANDS_H_

#include "wrappers/cli/cli.h"

namespace fnguard::cli {

inline constexpr int kExitEgressDenied = 3;
inline constexpr int kExitFetchTls = 4;
inline constexpr int kExitFetchOther = 5;

// `args` are the arguments after "egress" ("check", flags, URLs).
int EgressCommand(const Args& args);

// `args` are the arguments after "fetch".
int FetchCommand(const Args& args);

}  // namespace fnguard::cli

#endif  // FNGUARD_WRAPPERS_CLI_EGRESS_COMMANDS_H_
