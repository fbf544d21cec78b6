// Field path patterns used by exclusions and custom rules.
//
//   "body.comment"        exactly that field
//   "body.article.*"      any descendant of body.article (one or more further
//                         segments, array indexes included), not body.article
//   "body.items[*].note"  "[*]" matches any array index "[N]"
//   "records[*].*"        segments combine; "*" alone matches one name segment
//
// Matching is a single left-to-right pass over both strings: linear time, no
// allocation. PathMatches() is declared in policy/policy.h.
#ifndef FNGUARD_POLICY_PATH_PATTERN_H_
#define FNGUARD_POLICY_PATH_PATTERN_H_

#include <string_view>

#include "absl/status/status.h"

namespace fnguard::policy {

inline constexpr size_t kMaxPathPatternLength = 512;

// OK when `pattern` is well formed: non-empty name segments separated by '.',
// "[N]"/"[*]" indexes, '*' only as a whole segment, no control characters.
absl::Status ValidatePathPattern(std::string_view pattern);

}  // namespace fnguard::policy

#endif  // FNGUARD_POLICY_PATH_PATTERN_H_
