// PLACEHOLDER: replaced by the real ssti detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class SstiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kSsti; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& SstiDetector() {
  static const SstiImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
