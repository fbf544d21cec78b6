// Test support for the normalization transforms: table-driven cases that
// check both the result and the copy-on-change contract of normalize.h (a
// transform that changes nothing returns false and leaves `out` untouched).
#ifndef FNGUARD_TESTS_UNIT_NORMALIZE_TRANSFORM_CASES_H_
#define FNGUARD_TESTS_UNIT_NORMALIZE_TRANSFORM_CASES_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace fnguard::normalize::testing {

using Transform = bool (*)(std::string_view, std::string*);

struct Case {
  std::string_view in;
  std::string_view want;  // ignored when !changes
  bool changes;
};

inline void RunCases(Transform t, std::initializer_list<Case> cases) {
  for (const Case& c : cases) {
    std::string out = "sentinel";
    bool changed = t(c.in, &out);
    EXPECT_EQ(changed, c.changes) << "input: " << c.in;
    if (c.changes) {
      EXPECT_EQ(out, c.want) << "input: " << c.in;
    } else {
      EXPECT_EQ(out, "sentinel") << "output touched for: " << c.in;
    }
  }
}

// Large inputs for the linear-time cases: big enough that a quadratic
// transform would not finish within the test timeout.
inline constexpr size_t kMegabyte = size_t{1} << 20;

// `unit` repeated until the result holds at least `bytes` bytes.
inline std::string Repeat(std::string_view unit, size_t bytes) {
  std::string s;
  s.reserve(bytes + unit.size());
  while (s.size() < bytes) s.append(unit);
  return s;
}

}  // namespace fnguard::normalize::testing

#endif  // FNGUARD_TESTS_UNIT_NORMALIZE_TRANSFORM_CASES_H_
