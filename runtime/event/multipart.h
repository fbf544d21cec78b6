// multipart/form-data splitting (RFC 7578 / RFC 2046), enough to give each
// form field's name, file name and content to the detectors. Views into the
// body; linear in the body size (the boundary is at most 70 bytes).
#ifndef FNGUARD_RUNTIME_EVENT_MULTIPART_H_
#define FNGUARD_RUNTIME_EVENT_MULTIPART_H_

#include <array>
#include <cstddef>
#include <string_view>

#include "absl/functional/function_ref.h"

namespace fnguard::event {

struct MultipartPart {
  static constexpr size_t kMaxDispositions = 4;
  std::string_view name;          // the first Content-Disposition name=, "" if absent
  std::string_view filename;      // the first Content-Disposition filename=
  bool has_filename = false;      // a file upload part (filename= or filename*= in any)
  // The parameters of each Content-Disposition header (parsers differ in
  // which one of several they read, and in which of several equal
  // parameters): the first kMaxDispositions - 1 and the last. A folded
  // header's continuation lines are part of its entry.
  std::array<std::string_view, kMaxDispositions> dispositions{};
  size_t disposition_count = 0;
  std::string_view content_type;  // the part's Content-Type, "" if absent
  std::string_view transfer_encoding;  // its Content-Transfer-Encoding, "" if absent
  std::string_view content;       // the part body
};

enum class MultipartResult {
  kComplete,   // closing delimiter found
  kTruncated,  // parts were found but the closing delimiter was missing
  kMalformed,  // no opening delimiter / bad boundary
  kStopped,    // the callback asked to stop
};

// Longest boundary RFC 2046 allows.
inline constexpr size_t kMaxMultipartBoundary = 70;

// Calls `on_part` for each part of `body` delimited by `boundary`; it returns
// false to stop.
MultipartResult ForEachMultipartPart(std::string_view body, std::string_view boundary,
                                     absl::FunctionRef<bool(const MultipartPart&)> on_part);

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_MULTIPART_H_
