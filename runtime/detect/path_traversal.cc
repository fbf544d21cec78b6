// PLACEHOLDER: replaced by the real path_traversal detector.
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {
class PathTraversalImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kPathTraversal; }
  bool Inspect(const Input&, Match*) const override { return false; }
};
}  // namespace

const Detector& PathTraversalDetector() {
  static const PathTraversalImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
