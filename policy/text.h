// Small string building helpers for policy messages. They accept
// std::string_view, std::string, string literals, absl::string_view (which is
// a distinct type in this abseil build) and integers alike.
#ifndef FNGUARD_POLICY_TEXT_H_
#define FNGUARD_POLICY_TEXT_H_

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/strings/string_view.h"

namespace fnguard::policy {

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

template <typename T>
void AppendPiece(std::string* out, const T& piece) {
  if constexpr (std::is_same_v<T, char>) {
    out->push_back(piece);
  } else if constexpr (std::is_same_v<T, bool>) {
    out->append(piece ? "true" : "false");
  } else if constexpr (std::is_integral_v<T>) {
    out->append(std::to_string(piece));
  } else if constexpr (std::is_same_v<T, absl::string_view>) {
    out->append(piece.data(), piece.size());
  } else {
    out->append(std::string_view(piece));
  }
}

template <typename... Pieces>
std::string Cat(const Pieces&... pieces) {
  std::string out;
  (AppendPiece(&out, pieces), ...);
  return out;
}

template <typename... Pieces>
void Append(std::string* out, const Pieces&... pieces) {
  (AppendPiece(out, pieces), ...);
}

template <typename Range>
std::string Join(const Range& items, std::string_view separator) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out.append(separator);
    AppendPiece(&out, item);
    first = false;
  }
  return out;
}

// Splits on `sep`, keeping empty pieces ("a..b" -> "a", "", "b").
inline std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace fnguard::policy

#endif  // FNGUARD_POLICY_TEXT_H_
