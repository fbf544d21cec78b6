// Shared check of the parser fuzzers: a part a parser returns as a view must
// point into the text it was given.
#ifndef FNGUARD_TESTS_FUZZ_VIEWS_H_
#define FNGUARD_TESTS_FUZZ_VIEWS_H_

#include <string_view>

namespace fnguard::fuzz {

// Whether `part` lies within `whole` (an empty part always does).
inline bool Inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace fnguard::fuzz

#endif  // FNGUARD_TESTS_FUZZ_VIEWS_H_
