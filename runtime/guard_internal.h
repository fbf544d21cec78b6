// Guard construction from an already loaded policy, for code inside
// libfnguard that has the policy in hand (the sandbox's start-up autoload).
#ifndef FNGUARD_RUNTIME_GUARD_INTERNAL_H_
#define FNGUARD_RUNTIME_GUARD_INTERNAL_H_

#include <memory>

#include "fnguard/guard.h"
#include "policy/policy.h"

namespace fnguard::internal {

// Same as Guard::FromFile() after the file was loaded into `policy`.
StatusOr<std::unique_ptr<Guard>> GuardFromPolicy(std::shared_ptr<const policy::Policy> policy);

}  // namespace fnguard::internal

#endif  // FNGUARD_RUNTIME_GUARD_INTERNAL_H_
