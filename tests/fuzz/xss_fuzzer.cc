// The xss detector on arbitrary bytes, raw and normalized, in every location.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/detect/detector.h"
#include "runtime/event/event.h"
#include "runtime/normalize/normalize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using fnguard::detect::CharMask;
  using fnguard::detect::Input;
  using fnguard::detect::Match;
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  fnguard::normalize::Normalizer normalizer;
  Input in;
  in.raw = raw;
  in.norm = normalizer.Normalize(raw);
  in.mask = CharMask::Of(in.norm);
  in.path = "query.q";
  const auto loc = static_cast<fnguard::event::Location>(size % 8);
  in.location = loc;
  Match m;
  if (fnguard::detect::XssDetector().Inspect(in, &m)) {
    if (m.rule_id.empty() || m.reason.empty() || m.score < 0 || m.score > 100) std::abort();
    if (m.offset > in.norm.size() || m.offset + m.length > in.norm.size()) std::abort();
  }
  return 0;
}
