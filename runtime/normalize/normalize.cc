// The generic normalization chain shared by all detectors.
#include "runtime/normalize/normalize.h"

#include <string>
#include <string_view>

namespace fnguard::normalize {
namespace {

constexpr int kMaxChainRounds = 3;

struct Presence {
  bool percent = false;
  bool amp = false;
  bool backslash = false;
  bool non_ascii = false;
  bool control = false;
};

Presence Scan(std::string_view s) {
  Presence p;
  for (unsigned char c : s) {
    if (c == '%') p.percent = true;
    else if (c == '&') p.amp = true;
    else if (c == '\\') p.backslash = true;
    else if (c >= 0x80) p.non_ascii = true;
    else if (c < 0x20 || c == 0x7F) p.control = true;
  }
  return p;
}

}  // namespace

std::string_view Normalizer::Normalize(std::string_view in) {
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
    Presence p = Scan(cur);
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
