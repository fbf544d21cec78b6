// PLACEHOLDER: replaced by the real xss detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class XssImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kXss; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& XssDetector() {
  static const XssImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
