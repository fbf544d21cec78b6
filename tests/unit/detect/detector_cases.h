// Test support for detector unit tests: builds an Input the way the engine
// does (normalized form supplied by the caller, mask computed from it).
#ifndef FNGUARD_TESTS_UNIT_DETECT_DETECTOR_CASES_H_
#define FNGUARD_TESTS_UNIT_DETECT_DETECTOR_CASES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/detect/detector.h"
#include "runtime/event/event.h"

namespace fnguard::detect::testing {

struct Case {
  std::string value;
  event::Location location = event::Location::kQuery;
  std::string path = "query.q";
  bool is_key = false;
};

inline bool Detects(const Detector& d, const Case& c, Match* out = nullptr) {
  Input in;
  in.raw = c.value;
  in.norm = c.value;
  in.mask = CharMask::Of(c.value);
  in.path = c.path;
  in.location = c.location;
  in.is_key = c.is_key;
  Match m;
  bool hit = d.Inspect(in, &m);
  if (hit) {
    EXPECT_FALSE(m.rule_id.empty());
    EXPECT_FALSE(m.reason.empty());
    EXPECT_GE(m.score, 0);
    EXPECT_LE(m.score, 100);
    EXPECT_LE(m.offset, c.value.size());
  }
  if (out != nullptr) *out = m;
  return hit;
}

// Expects `d` to report `rule` for each (value, rule) pair, with the value
// in a query parameter and in a body field.
inline void ExpectRules(const Detector& d,
                        const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [value, rule] : cases) {
    for (event::Location loc : {event::Location::kQuery, event::Location::kBody}) {
      Case c;
      c.value = value;
      c.location = loc;
      Match m;
      EXPECT_TRUE(Detects(d, c, &m)) << value;
      EXPECT_EQ(m.rule_id, rule) << value;
    }
  }
}

// Runs the detector on a large pathological input; it must return (the
// test runner's timeout is the only time bound).
inline void RunsOnLargeInput(const Detector& d, const std::string& value) {
  Case c;
  c.value = value;
  Match m;
  (void)Detects(d, c, &m);
  c.location = event::Location::kBody;
  (void)Detects(d, c, &m);
}

}  // namespace fnguard::detect::testing

#endif  // FNGUARD_TESTS_UNIT_DETECT_DETECTOR_CASES_H_
