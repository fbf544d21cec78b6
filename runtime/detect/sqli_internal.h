// Internals of the sqli detector that tests check against each other: the
// one-pass prefilter must let through every value the full analysis would
// report.
#ifndef FNGUARD_RUNTIME_DETECT_SQLI_INTERNAL_H_
#define FNGUARD_RUNTIME_DETECT_SQLI_INTERNAL_H_

#include <string_view>
#include <vector>

namespace fnguard::detect::sqli_internal {

// The lowest score the detector reports (in a query or body field).
inline constexpr int kLowestThreshold = 60;

// Whether the prefilter sends `text` on to the analysis.
bool PrefilterPasses(std::string_view text);

// The best score of the analysis over its four readings of `text` (as is,
// inside a single-quoted and a double-quoted literal, and inside a
// backtick-quoted name); 0 for none.
int AnalysisScore(std::string_view text);

// The words whose presence as a word token (or at the end of one that
// starts with a digit: "1union") the prefilter looks for, lower-case.
std::vector<std::string_view> TriggerWords();

}  // namespace fnguard::detect::sqli_internal

#endif  // FNGUARD_RUNTIME_DETECT_SQLI_INTERNAL_H_
