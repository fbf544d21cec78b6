// Fuzzes the rfi detector: any byte string must be inspected without
// crashing, hanging or reporting an out-of-range match.
#include <cstddef>
#include <cstdint>

#include "runtime/detect/detector.h"
#include "tests/fuzz/detect_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fnguard::detect::fuzz::RunDetector(fnguard::detect::RfiDetector(), data, size);
  return 0;
}
