// Detector identities shared by the policy (which detectors are enabled,
// exclusions) and the engine. Header-only, no dependencies.
#ifndef FNGUARD_RUNTIME_CORE_IDS_H_
#define FNGUARD_RUNTIME_CORE_IDS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace fnguard {

enum class DetectorId : uint8_t {
  kSqli = 0,
  kXss,
  kCmdi,
  kPathTraversal,
  kRfi,
  kSsti,
  kNosqli,
  kLdapi,
  kXxe,
  kSsrf,
  kJndi,
  kDeserialization,
  kPrototypePollution,
  kCrlf,
  kCount,  // not a detector
};

inline constexpr size_t kDetectorCount = static_cast<size_t>(DetectorId::kCount);

// Names as written in policies and reported in findings.
inline constexpr std::array<std::string_view, kDetectorCount> kDetectorNames = {
    "sqli", "xss",  "cmdi", "path_traversal", "rfi",  "ssti",           "nosqli",
    "ldapi", "xxe", "ssrf", "jndi",           "deserialization", "prototype_pollution",
    "crlf",
};

inline constexpr std::string_view DetectorName(DetectorId id) {
  return kDetectorNames[static_cast<size_t>(id)];
}

inline std::optional<DetectorId> DetectorFromName(std::string_view name) {
  for (size_t i = 0; i < kDetectorCount; ++i) {
    if (kDetectorNames[i] == name) return static_cast<DetectorId>(i);
  }
  return std::nullopt;
}

// A set of detectors as a bitmask.
class DetectorSet {
 public:
  constexpr DetectorSet() = default;
  static constexpr DetectorSet All() {
    DetectorSet s;
    s.bits_ = (uint32_t{1} << kDetectorCount) - 1;
    return s;
  }
  constexpr void Add(DetectorId id) { bits_ |= Bit(id); }
  constexpr void Remove(DetectorId id) { bits_ &= ~Bit(id); }
  constexpr bool Has(DetectorId id) const { return (bits_ & Bit(id)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr uint32_t bits() const { return bits_; }
  constexpr bool operator==(const DetectorSet&) const = default;

 private:
  static constexpr uint32_t Bit(DetectorId id) { return uint32_t{1} << static_cast<uint32_t>(id); }
  uint32_t bits_ = 0;
};

}  // namespace fnguard

#endif  // FNGUARD_RUNTIME_CORE_IDS_H_
