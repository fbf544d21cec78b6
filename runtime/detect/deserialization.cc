// PLACEHOLDER: replaced by the real deserialization detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class DeserializationImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kDeserialization; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& DeserializationDetector() {
  static const DeserializationImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
