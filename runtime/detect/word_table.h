// A constant table of short lower-case words with a value each (keyword
// classes, command tiers), looked up in O(1): an open-addressing hash table
// built at compile time, probed with a hash of the length and the first and
// last two bytes, then one comparison. Replaces sorted arrays searched with
// std::lower_bound, whose memcmp calls dominated the per-word cost.
#ifndef FNGUARD_RUNTIME_DETECT_WORD_TABLE_H_
#define FNGUARD_RUNTIME_DETECT_WORD_TABLE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fnguard::detect {

template <typename V>
struct WordEntry {
  std::string_view word;
  V value;
};

// `Slots` must be a power of two, at least twice the number of entries so
// that probes stay short (checked with static_assert on size()).
template <typename V, size_t Slots>
class WordTable {
  static_assert((Slots & (Slots - 1)) == 0, "Slots must be a power of two");

 public:
  static constexpr size_t kMaxWord = 32;  // longer words are never stored

  template <size_t N>
  constexpr explicit WordTable(const WordEntry<V> (&entries)[N]) : WordTable(entries, N) {}

  constexpr WordTable(const WordEntry<V>* entries, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      const WordEntry<V>& e = entries[i];
      if (e.word.empty() || e.word.size() >= kMaxWord) continue;
      ++count_;
      size_t h = Hash(e.word) & (Slots - 1);
      while (!slots_[h].word.empty()) h = (h + 1) & (Slots - 1);
      slots_[h] = e;
      shapes_[static_cast<unsigned char>(e.word[0])] |= uint32_t{1} << e.word.size();
    }
  }

  // Number of words stored (for a static_assert on the load factor).
  constexpr size_t size() const { return count_; }

  // False when no word of length `len` starts with `first` (lower-case): a
  // check that rejects most words before the hash is computed.
  constexpr bool MayHave(char first, size_t len) const {
    return len < kMaxWord && ((shapes_[static_cast<unsigned char>(first)] >> len) & 1) != 0;
  }

  // The value stored for `lowered` (already lower-case), or `missing`.
  constexpr V Find(std::string_view lowered, V missing) const {
    const WordEntry<V>* e = Lookup(lowered);
    return e == nullptr ? missing : e->value;
  }

  constexpr bool Contains(std::string_view lowered) const { return Lookup(lowered) != nullptr; }

 private:
  constexpr const WordEntry<V>* Lookup(std::string_view w) const {
    if (w.empty() || !MayHave(w[0], w.size())) return nullptr;
    for (size_t h = Hash(w) & (Slots - 1);; h = (h + 1) & (Slots - 1)) {
      const WordEntry<V>& s = slots_[h];
      if (s.word.empty()) return nullptr;
      if (s.word.size() == w.size()) {
        size_t k = 0;
        while (k < w.size() && s.word[k] == w[k]) ++k;
        if (k == w.size()) return &s;
      }
    }
  }

  static constexpr uint32_t Hash(std::string_view w) {
    const size_t n = w.size();
    uint32_t h = static_cast<uint32_t>(n) * 0x9E3779B1u;
    h ^= static_cast<uint32_t>(static_cast<unsigned char>(w[0])) * 0x85EBCA77u;
    h ^= static_cast<uint32_t>(static_cast<unsigned char>(w[n - 1])) * 0xC2B2AE3Du;
    if (n > 1) h ^= static_cast<uint32_t>(static_cast<unsigned char>(w[1])) * 0x27D4EB2Fu;
    if (n > 2) h ^= static_cast<uint32_t>(static_cast<unsigned char>(w[n - 2])) * 0x165667B1u;
    return h ^ (h >> 15);
  }

  std::array<WordEntry<V>, Slots> slots_{};
  // For each first byte, bit L set when some word of length L starts with it.
  std::array<uint32_t, 256> shapes_{};
  size_t count_ = 0;
};

}  // namespace fnguard::detect

#endif  // FNGUARD_RUNTIME_DETECT_WORD_TABLE_H_
