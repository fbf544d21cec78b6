// The strict policy schema walker: a parsed Document in, a validated
// fnguard.policy.v1.Policy message out (policy/policy.proto is the schema).
//
// Every problem is reported with file:line:column: unknown keys (with the
// closest known key suggested), duplicate keys, wrong types, bad enum values
// (listing the allowed ones), unknown detectors, invalid RE2 patterns,
// impossible limits, bad hosts/globs/CIDRs/ports/schemes, and secrets written
// in the policy. All errors are collected (up to kMaxReportedErrors) and
// returned as one InvalidArgument status, one error per line.
#ifndef FNGUARD_POLICY_SCHEMA_H_
#define FNGUARD_POLICY_SCHEMA_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "policy.pb.h"
#include "policy/document.h"

namespace fnguard::policy {

inline constexpr size_t kMaxReportedErrors = 20;
inline constexpr size_t kMaxRulePatternBytes = 4096;
inline constexpr int64_t kMaxRuleProgramBytes = 8 << 20;  // RE2 max_mem per rule

struct SchemaResult {
  v1::Policy proto;
  // Key path -> "source:line:column" of where it was written, e.g.
  // "egress.allow[1]" -> "policy.yaml:12:7".
  std::map<std::string, std::string> locations;
};

absl::StatusOr<SchemaResult> ReadPolicyDocument(const Document& doc, std::string_view source_name);

// Levenshtein distance, giving up (returning limit + 1) once it exceeds
// `limit`; O(|a| * |b|) only when the lengths are within `limit`.
size_t BoundedEditDistance(std::string_view a, std::string_view b, size_t limit);

}  // namespace fnguard::policy

#endif  // FNGUARD_POLICY_SCHEMA_H_
