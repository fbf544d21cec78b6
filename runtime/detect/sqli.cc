// PLACEHOLDER: replaced by the real sqli detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class SqliImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kSqli; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& SqliDetector() {
  static const SqliImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
