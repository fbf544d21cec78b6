// PLACEHOLDER: replaced by the real nosqli detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class NosqliImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kNosqli; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& NosqliDetector() {
  static const NosqliImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
