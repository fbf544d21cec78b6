// PLACEHOLDER: replaced by the real prototype_pollution detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class PrototypePollutionImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kPrototypePollution; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& PrototypePollutionDetector() {
  static const PrototypePollutionImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
