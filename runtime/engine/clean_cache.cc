#include "runtime/engine/clean_cache.h"

#include <cstring>
#include <string_view>

namespace fnguard::engine {
namespace {

// A multiply-mix hash eight bytes at a time. The key only spreads fields over
// slots (a hit compares every byte), so speed matters more than strength.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

uint64_t HashBytes(std::string_view s, uint64_t seed) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = seed ^ (n * 0x9E3779B97F4A7C15ull);
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = Mix(h ^ w, 0xA0761D6478BD642Full);
  }
  // The last 0..7 bytes, read without a variable-length copy: two
  // overlapping 4-byte loads, or the first, middle and last byte.
  uint64_t w = 0;
  if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    w = (uint64_t{a} << 32) | b;
  } else if (n > 0) {
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    w = (uint64_t{u[0]} << 16) | (uint64_t{u[n / 2]} << 8) | u[n - 1];
  }
  return Mix(h ^ w ^ (uint64_t{n} << 59), 0xE7037ED1A0B428DBull);
}

}  // namespace

// make_unique value-initializes: `seen_` starts all zero (no sighting).
CleanFieldCache::CleanFieldCache()
    : slots_(std::make_unique<std::array<Slot, kSlots>>()),
      seen_(std::make_unique<std::array<uint64_t, kSeen>>()) {}

uint64_t CleanFieldCache::Attributes(const event::Field& field, event::Kind kind) {
  return uint64_t{static_cast<uint8_t>(field.location)} | (uint64_t{field.is_key} << 8) |
         (uint64_t{field.is_param_name} << 9) | (uint64_t{static_cast<uint8_t>(kind)} << 16);
}

uint64_t CleanFieldCache::Key(const event::Field& field, event::Kind kind) {
  return HashBytes(field.value,
                   HashBytes(field.path, Mix(Attributes(field, kind), 0x8EBC6AF09C88C6E3ull)));
}

bool CleanFieldCache::Contains(uint64_t key, const event::Field& field, event::Kind kind) const {
  const Slot& s = (*slots_)[key % kSlots];
  return s.used && s.key == key && s.attributes == Attributes(field, kind) &&
         s.value == field.value && s.path == field.path;
}

void CleanFieldCache::NoteClean(uint64_t key, const event::Field& field, event::Kind kind) {
  if (!Cacheable(field)) return;
  // Zero marks an empty entry of `seen_`; a key of zero is never remembered.
  if (key == 0) return;
  uint64_t& seen = (*seen_)[key % kSeen];
  if (seen != key) {
    seen = key;
    return;
  }
  Slot& s = (*slots_)[key % kSlots];
  s.key = key;
  s.used = true;
  s.attributes = Attributes(field, kind);
  s.path.assign(field.path);
  s.value.assign(field.value);
}

}  // namespace fnguard::engine
