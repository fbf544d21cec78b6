// PLACEHOLDER: replaced by the real xxe detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class XxeImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kXxe; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& XxeDetector() {
  static const XxeImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
