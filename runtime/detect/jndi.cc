// PLACEHOLDER: replaced by the real jndi detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class JndiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kJndi; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& JndiDetector() {
  static const JndiImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
