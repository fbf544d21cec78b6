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

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool SamePathUpToIndexes(std::string_view path, std::string_view other) {
  size_t i = 0, j = 0;
  while (i < path.size() && j < other.size()) {
    if (path[i] != other[j]) return false;
    if (path[i] == '[') {
      // Both at an index: skip the digits of each when both close.
      size_t e = i + 1, f = j + 1;
      while (e < path.size() && IsDigit(path[e])) ++e;
      while (f < other.size() && IsDigit(other[f])) ++f;
      if (e > i + 1 && f > j + 1 && e < path.size() && f < other.size() && path[e] == ']' &&
          other[f] == ']') {
        i = e;
        j = f;
        continue;
      }
    }
    ++i;
    ++j;
  }
  return i == path.size() && j == other.size();
}

bool PatternNamesIndex(std::string_view pattern) {
  for (size_t p = pattern.find('['); p != std::string_view::npos; p = pattern.find('[', p + 1)) {
    if (p + 1 < pattern.size() && pattern[p + 1] != '*') return true;
  }
  return false;
}

EventFieldMemo::EventFieldMemo() = default;

void EventFieldMemo::Begin(const std::vector<event::Field>* fields) {
  if (!slots_) slots_ = std::make_unique<std::array<Slot, kSlots>>();
  fields_ = fields;
  lookups_ = 0;
  hits_ = 0;
  active_ = true;
  // Generation 0 marks a slot never used; on wrap-around every slot is
  // cleared once.
  if (++generation_ == 0) {
    slots_->fill(Slot());
    generation_ = 1;
  }
}

uint64_t EventFieldMemo::Key(const event::Field& field) const {
  if (!CleanFieldCache::Cacheable(field) || field.path.size() > kMaxPath) {
    return 0;
  }
  // The path's part after its last index spreads fields over slots; the
  // whole path is compared on a hit.
  const size_t close = field.path.rfind(']');
  const std::string_view tail =
      close == std::string_view::npos ? field.path : field.path.substr(close + 1);
  const uint64_t attributes = uint64_t{static_cast<uint8_t>(field.location)} |
                              (uint64_t{field.is_key} << 8) |
                              (uint64_t{field.is_param_name} << 9) | (uint64_t{tail.size()} << 16);
  const uint64_t key =
      HashBytes(field.value, HashBytes(tail, Mix(attributes, 0x2D358DCCAA6C78A5ull)));
  return key == 0 ? 1 : key;
}

bool EventFieldMemo::Contains(uint64_t key, const event::Field& field) {
  ++lookups_;
  const Slot& s = (*slots_)[key % kSlots];
  bool hit = false;
  if (s.generation == generation_ && s.key == key) {
    const event::Field& f = (*fields_)[s.index];
    hit = f.value == field.value && f.location == field.location && f.is_key == field.is_key &&
          f.is_param_name == field.is_param_name && SamePathUpToIndexes(f.path, field.path);
  }
  if (hit) {
    ++hits_;
  } else if (lookups_ >= kProbation && hits_ * kMinHitRatio < lookups_) {
    active_ = false;
  }
  return hit;
}

void EventFieldMemo::NoteClean(uint64_t key, size_t index) {
  Slot& s = (*slots_)[key % kSlots];
  s.key = key;
  s.index = static_cast<uint32_t>(index);
  s.generation = generation_;
}

}  // namespace fnguard::engine
