// Runs a detector the way the engine does: normalize, compute the mask, inspect.
#ifndef FNGUARD_TESTS_UNIT_DETECT_DETECT_TEST_SUPPORT_H_
#define FNGUARD_TESTS_UNIT_DETECT_DETECT_TEST_SUPPORT_H_

#include <string>
#include <string_view>

#include "runtime/detect/detector.h"
#include "runtime/event/event.h"
#include "runtime/normalize/normalize.h"

namespace fnguard::detect::testing {

inline bool Detects(const Detector& d, std::string_view raw, Match* m,
                    event::Location loc = event::Location::kQuery) {
  normalize::Normalizer n;
  Input in;
  in.raw = raw;
  in.norm = n.Normalize(raw);
  in.mask = CharMask::Of(in.norm);
  in.path = "query.q";
  in.location = loc;
  return d.Inspect(in, m);
}

// The rule `d` reports on `raw` as Detects() runs it, "" when none.
inline std::string RuleOf(const Detector& d, std::string_view raw,
                          event::Location loc = event::Location::kQuery) {
  Match m;
  return Detects(d, raw, &m, loc) ? std::string(m.rule_id) : std::string();
}

}  // namespace fnguard::detect::testing

#endif  // FNGUARD_TESTS_UNIT_DETECT_DETECT_TEST_SUPPORT_H_
