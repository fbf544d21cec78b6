// PLACEHOLDER: replaced by the real cmdi detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class CmdiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kCmdi; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& CmdiDetector() {
  static const CmdiImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
