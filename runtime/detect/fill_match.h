// Fills a Match; shared by the detectors in this directory.
#ifndef FNGUARD_RUNTIME_DETECT_FILL_MATCH_H_
#define FNGUARD_RUNTIME_DETECT_FILL_MATCH_H_

#include <string>
#include <string_view>
#include <utility>

#include "runtime/detect/detector.h"

namespace fnguard::detect {

inline bool FillMatch(Match* m, std::string_view rule, std::string reason, int score,
                      size_t offset, size_t length) {
  m->rule_id = rule;
  m->reason = std::move(reason);
  m->score = score;
  m->offset = offset;
  m->length = length;
  return true;
}

}  // namespace fnguard::detect

#endif  // FNGUARD_RUNTIME_DETECT_FILL_MATCH_H_
