// fnguard/verdict.h: what inspecting one event decided, and why.
//
// A Verdict is a plain value. `action` is what fnguard did (or, in monitor
// mode, would have done); the first finding that decided it is repeated in the
// top-level fields for convenience, and every finding is listed in `findings`.
//
//   fnguard::Verdict v = guard->Inspect(event_json);
//   if (v.action == fnguard::Action::kBlock) log(v.reason, v.field_path);
#ifndef FNGUARD_VERDICT_H_
#define FNGUARD_VERDICT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fnguard/export.h"

namespace fnguard {

enum class Action : uint8_t {
  kAllow = 0,    // nothing found (or everything found was excluded)
  kMonitor = 1,  // something found; reported, handler still runs
  kBlock = 2,    // something found; handler not called, blocked response returned
};

FNGUARD_API std::string_view ActionName(Action a);  // "allow" | "monitor" | "block"

// One detection in one field.
struct Finding {
  std::string detector;    // attack class: "sqli", "xss", "cmdi", ..., or "limits"
  std::string rule_id;     // stable id of the rule that matched, e.g. "sqli.union"
  std::string field_path;  // where: "query.q", "headers.user-agent", "body.user.name"
  std::string excerpt;     // short, truncated, secrets redacted
  std::string reason;      // one human sentence
  int score = 0;           // detector confidence, 0..100
};

struct Verdict {
  Action action = Action::kAllow;
  // Copied from the deciding finding when action != kAllow.
  std::string detector;
  std::string rule_id;
  std::string field_path;
  std::string excerpt;
  std::string reason;
  // The time budget ran out before every field was inspected; `action` then
  // follows the policy's `on_timeout` setting.
  bool timed_out = false;
  // fnguard itself failed (bad event, internal fault); `action` then follows
  // the policy's `fail_mode`.
  bool internal_error = false;
  std::vector<Finding> findings;
  // Kind of event that was inspected: "apigw-v1", "apigw-v2", "alb", "sqs", ...
  std::string event_kind;
  // Inspection time in nanoseconds.
  uint64_t elapsed_ns = 0;
};

}  // namespace fnguard

#endif  // FNGUARD_VERDICT_H_
