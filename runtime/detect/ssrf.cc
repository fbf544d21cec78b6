// PLACEHOLDER: replaced by the real ssrf detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class SsrfImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kSsrf; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& SsrfDetector() {
  static const SsrfImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
