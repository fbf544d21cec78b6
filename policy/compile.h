// Compiles a validated fnguard.policy.v1.Policy message into the immutable
// fnguard::policy::Policy (policy/policy.h): enums mapped, defaults filled
// in, detector names turned into DetectorSets, rule patterns compiled once
// into shared RE2 objects.
#ifndef FNGUARD_POLICY_COMPILE_H_
#define FNGUARD_POLICY_COMPILE_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "policy.pb.h"
#include "policy/policy.h"

namespace fnguard::policy {

// `proto` should come from ReadPolicyDocument(); anything it would have
// rejected (an unknown detector, a pattern RE2 refuses) is still an error
// here rather than undefined behaviour.
absl::StatusOr<std::shared_ptr<const Policy>> CompilePolicy(
    const v1::Policy& proto, std::string_view source_name,
    std::map<std::string, std::string> locations = {});

}  // namespace fnguard::policy

#endif  // FNGUARD_POLICY_COMPILE_H_
