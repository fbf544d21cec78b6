// LoadPolicyText on arbitrary bytes must never crash, hang or exhaust the
// stack; a policy that loads must audit cleanly and its path patterns must
// match safely.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = fnguard::policy::LoadPolicyText(text, "fuzz.yaml");
  if (!policy.ok()) return 0;
  const fnguard::policy::Policy& p = **policy;
  (void)fnguard::policy::Audit(p);
  for (const auto& exclusion : p.exclusions) {
    (void)fnguard::policy::PathMatches(exclusion.path, "body.items[3].note");
    (void)fnguard::policy::PathMatches(exclusion.path, text);
  }
  return 0;
}
