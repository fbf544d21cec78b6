// The generic normalization chain shared by all detectors.
#include "runtime/normalize/normalize.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace fnguard::normalize {
namespace {

constexpr int kMaxChainRounds = 3;

constexpr uint8_t kPercent = 1, kAmp = 2, kBackslash = 4, kNonAscii = 8, kControl = 16;

// Which of the bytes above each byte value is (at most one).
constexpr std::array<uint8_t, 256> MakeKinds() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c == '%') t[c] = kPercent;
    else if (c == '&') t[c] = kAmp;
    else if (c == '\\') t[c] = kBackslash;
    else if (c >= 0x80) t[c] = kNonAscii;
    else if (c < 0x20 || c == 0x7F) t[c] = kControl;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kKinds = MakeKinds();

Presence Scan(std::string_view s) {
  // One table lookup and OR per byte, no branches.
  unsigned seen = 0;
  for (unsigned char c : s) seen |= kKinds[c];
  Presence p;
  p.percent = (seen & kPercent) != 0;
  p.amp = (seen & kAmp) != 0;
  p.backslash = (seen & kBackslash) != 0;
  p.non_ascii = (seen & kNonAscii) != 0;
  p.control = (seen & kControl) != 0;
  return p;
}

}  // namespace

std::string_view Normalizer::Normalize(std::string_view in) { return Normalize(in, Scan(in)); }

std::string_view Normalizer::Normalize(std::string_view in, const Presence& present) {
  std::string_view cur = in;
  bool changed_any = false;
  // Applies `transform` to `cur`; on change the result lives in a_.
  const auto apply = [&](auto transform) {
    if (!transform(cur, &b_)) return false;
    a_.swap(b_);
    cur = a_;
    return true;
  };
  for (int round = 0; round < kMaxChainRounds; ++round) {
    Presence p = round == 0 ? present : Scan(cur);
    bool changed = false;
    if (p.percent) {
      changed |= apply([](std::string_view s, std::string* o) { return UrlDecodeRepeated(s, o); });
      if (changed) p = Scan(cur);
    }
    if (p.amp && apply([](std::string_view s, std::string* o) { return HtmlEntityDecode(s, o); })) {
      changed = true;
      p = Scan(cur);
    }
    if (p.backslash &&
        apply([](std::string_view s, std::string* o) { return JsUnescapeNumeric(s, o); })) {
      changed = true;
      p = Scan(cur);
    }
    if (p.non_ascii &&
        apply([](std::string_view s, std::string* o) { return FoldUnicode(s, o); })) {
      changed = true;
      p = Scan(cur);
    }
    if (p.control &&
        apply([](std::string_view s, std::string* o) { return RemoveControl(s, o); })) {
      changed = true;
    }
    if (!changed) break;
    changed_any = true;
  }
  return changed_any ? cur : in;
}

}  // namespace fnguard::normalize
