// Shared body of the detector fuzzers: runs one detector over the input as
// both raw and normalized text, in every location, as value and as key.
#ifndef FNGUARD_TESTS_FUZZ_DETECT_FUZZ_COMMON_H_
#define FNGUARD_TESTS_FUZZ_DETECT_FUZZ_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/detect/detector.h"
#include "runtime/event/event.h"

namespace fnguard::detect::fuzz {

inline void RunDetector(const Detector& d, const uint8_t* data, size_t size) {
  // First byte picks the field path so path-driven rules are reached too.
  static constexpr std::string_view kPaths[] = {
      "query.q",       "query.file", "body.url",
      "query.a[$ne]",  "body.__proto__.x", "path",
      "body.username", "query.sep",  "body.items[3].User_Name",
      "query.a_field_name_longer_than_any_rule_reads"};
  constexpr size_t kCount = sizeof(kPaths) / sizeof(kPaths[0]);
  std::string_view path = kPaths[size > 0 ? data[0] % kCount : 0];
  std::string_view value(reinterpret_cast<const char*>(data), size);
  Input in;
  in.raw = value;
  in.norm = value;
  in.mask = CharMask::Of(value);
  in.path = path;
  for (int loc = 0; loc <= static_cast<int>(event::Location::kOther); ++loc) {
    in.location = static_cast<event::Location>(loc);
    for (bool key : {false, true}) {
      in.is_key = key;
      Match m;
      if (d.Inspect(in, &m)) {
        if (m.rule_id.empty() || m.score < 0 || m.score > 100 || m.offset > value.size()) {
          __builtin_trap();
        }
      }
    }
  }
}

}  // namespace fnguard::detect::fuzz

#endif  // FNGUARD_TESTS_FUZZ_DETECT_FUZZ_COMMON_H_
