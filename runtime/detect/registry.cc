#include "runtime/detect/detector.h"

namespace fnguard::detect {

CharMask CharMask::Of(std::string_view s) {
  CharMask m;
  for (unsigned char u : s) {
    if (u >= 32 && u < 96) {
      m.bits |= uint64_t{1} << (u - 32);
    } else if (u >= 96 && u < 127) {
      m.high |= uint64_t{1} << (u - 96);
    } else if (u < 32 || u == 127) {
      m.has_control = true;
    } else {
      m.has_non_ascii = true;
    }
  }
  return m;
}

const Detector& Get(DetectorId id) {
  switch (id) {
    case DetectorId::kSqli: return SqliDetector();
    case DetectorId::kXss: return XssDetector();
    case DetectorId::kCmdi: return CmdiDetector();
    case DetectorId::kPathTraversal: return PathTraversalDetector();
    case DetectorId::kRfi: return RfiDetector();
    case DetectorId::kSsti: return SstiDetector();
    case DetectorId::kNosqli: return NosqliDetector();
    case DetectorId::kLdapi: return LdapiDetector();
    case DetectorId::kXxe: return XxeDetector();
    case DetectorId::kSsrf: return SsrfDetector();
    case DetectorId::kJndi: return JndiDetector();
    case DetectorId::kDeserialization: return DeserializationDetector();
    case DetectorId::kPrototypePollution: return PrototypePollutionDetector();
    case DetectorId::kCount: break;
  }
  return SqliDetector();
}

}  // namespace fnguard::detect
