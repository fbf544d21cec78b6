// PLACEHOLDER: replaced by the real rfi detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class RfiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kRfi; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& RfiDetector() {
  static const RfiImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
