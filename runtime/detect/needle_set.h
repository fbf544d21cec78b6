// A fixed set of short literals searched for in one pass.
//
// Detectors look for dozens of literals (gadget class names, sensitive file
// names, JavaScript sinks) and report the first one of their list that
// occurs. Searching for each literal separately costs one pass per literal on
// every benign value; NeedleSet answers "does any of them occur?" in a single
// pass over the value, so the per-literal loops run only when one does.
//
// Matching is ASCII case-insensitive (literals are folded to lower case).
// A case-insensitive hit is a superset of a case-sensitive one, so the set
// also gates case-sensitive searches. Build each set once (function-local
// static); lookups are const and thread-safe.
#ifndef FNGUARD_RUNTIME_DETECT_NEEDLE_SET_H_
#define FNGUARD_RUNTIME_DETECT_NEEDLE_SET_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fnguard::detect {
namespace needle_internal {

constexpr std::array<unsigned char, 256> MakeLowerTable() {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return t;
}
inline constexpr std::array<unsigned char, 256> kLower = MakeLowerTable();

}  // namespace needle_internal

class NeedleSet {
 public:
  static constexpr const std::array<unsigned char, 256>& kLower = needle_internal::kLower;

  NeedleSet(std::initializer_list<std::string_view> needles) {
    for (std::string_view n : needles) Add(n);
  }
  template <size_t N>
  explicit NeedleSet(const std::string_view (&needles)[N]) {
    for (std::string_view n : needles) Add(n);
  }
  template <size_t N>
  explicit NeedleSet(const std::array<std::string_view, N>& needles) {
    for (std::string_view n : needles) Add(n);
  }

  // True when at least one literal occurs in `s` (case-insensitive).
  bool AnyIn(std::string_view s) const {
    if (has_empty_) return true;
    const size_t n = s.size();
    if (n < min_len_) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    for (size_t i = 0; i < n; ++i) {
      if (one_first_ >= 0) {
        // Every literal starts with the same non-letter byte: jump to it.
        const void* hit = std::memchr(p + i, one_first_, n - i);
        if (hit == nullptr) return false;
        i = static_cast<size_t>(static_cast<const unsigned char*>(hit) - p);
      } else if (!first_raw_[p[i]]) {
        continue;
      }
      const unsigned char a = kLower[p[i]];
      if (single_[a]) return true;
      if (i + 1 >= n) break;
      const unsigned char b = kLower[p[i + 1]];
      const unsigned key = (unsigned{a} << 8) | b;
      if (!TestBit(pairs_, key)) continue;
      for (uint16_t two : two_byte_) {
        if (two == key) return true;  // a two-byte literal
      }
      // Longer literals also need their first three bytes (hashed) to match.
      if (i + 2 >= n || !TestBit(triples_, TripleKey(a, b, kLower[p[i + 2]]))) continue;
      for (const std::string& needle : by_first_[a]) {
        if (n - i < needle.size()) continue;
        size_t k = 2;
        while (k < needle.size() && kLower[p[i + k]] == static_cast<unsigned char>(needle[k])) ++k;
        if (k >= needle.size() && kLower[p[i + 1]] == static_cast<unsigned char>(needle[1])) {
          return true;
        }
      }
    }
    return false;
  }

 private:
  template <size_t N>
  static bool TestBit(const std::array<uint64_t, N>& bits, unsigned key) {
    return (bits[key >> 6] >> (key & 63)) & 1;
  }
  template <size_t N>
  static void SetBit(std::array<uint64_t, N>* bits, unsigned key) {
    (*bits)[key >> 6] |= uint64_t{1} << (key & 63);
  }
  // A 12-bit hash of three (lower-cased) bytes.
  static unsigned TripleKey(unsigned char a, unsigned char b, unsigned char c) {
    const uint32_t h = (uint32_t{a} * 0x9E3779B1u) ^ (uint32_t{b} * 0x85EBCA77u) ^
                       (uint32_t{c} * 0xC2B2AE3Du);
    return h >> 20;
  }

  void Add(std::string_view n) {
    if (n.empty()) {
      has_empty_ = true;
      return;
    }
    if (n.size() < min_len_) min_len_ = n.size();
    const unsigned char a = kLower[static_cast<unsigned char>(n[0])];
    first_[a] = true;
    for (int c = 0; c < 256; ++c) first_raw_[c] = first_raw_[c] || first_[kLower[c]];
    const bool letter = a >= 'a' && a <= 'z';
    if (first_count_++ == 0) {
      one_first_ = letter ? -1 : a;
    } else if (one_first_ != a) {
      one_first_ = -1;
    }
    if (n.size() == 1) {
      single_[a] = true;
      return;
    }
    const unsigned char b = kLower[static_cast<unsigned char>(n[1])];
    const unsigned key = (unsigned{a} << 8) | b;
    SetBit(&pairs_, key);
    if (n.size() == 2) {
      two_byte_.push_back(static_cast<uint16_t>(key));
    } else {
      SetBit(&triples_, TripleKey(a, b, kLower[static_cast<unsigned char>(n[2])]));
    }
    std::string lower(n);
    for (char& c : lower) c = static_cast<char>(kLower[static_cast<unsigned char>(c)]);
    by_first_[a].push_back(std::move(lower));
  }

  bool has_empty_ = false;
  size_t min_len_ = SIZE_MAX;
  std::array<bool, 256> first_{};      // lower-cased first bytes of the literals
  std::array<bool, 256> first_raw_{};  // bytes that lower-case to one of them
  int one_first_ = -1;                 // the only first byte, when it is not a letter
  size_t first_count_ = 0;
  std::array<bool, 256> single_{};
  std::array<uint64_t, 65536 / 64> pairs_{};  // first two bytes of literals of 2+ bytes
  std::array<uint64_t, 4096 / 64> triples_{};  // hashed first three bytes of literals of 3+
  std::vector<uint16_t> two_byte_;             // literals of exactly two bytes
  std::array<std::vector<std::string>, 256> by_first_;
};

}  // namespace fnguard::detect

#endif  // FNGUARD_RUNTIME_DETECT_NEEDLE_SET_H_
