// PLACEHOLDER: replaced by the real ldapi detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class LdapiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kLdapi; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& LdapiDetector() {
  static const LdapiImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
