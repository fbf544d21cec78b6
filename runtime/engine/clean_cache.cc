#include "runtime/engine/clean_cache.h"

#include "absl/hash/hash.h"

namespace fnguard::engine {

CleanFieldCache::CleanFieldCache()
    : slots_(std::make_unique<std::array<Slot, kSlots>>()),
      seen_(std::make_unique<std::array<uint64_t, kSeen>>()) {
  seen_->fill(0);
}

uint64_t CleanFieldCache::Key(const event::Field& field, event::Kind kind) {
  return absl::HashOf(field.path, field.value, static_cast<uint8_t>(field.location),
                      field.is_key, static_cast<uint8_t>(kind));
}

bool CleanFieldCache::Contains(uint64_t key, const event::Field& field, event::Kind kind) const {
  const Slot& s = (*slots_)[key % kSlots];
  return s.used && s.key == key && s.location == field.location && s.is_key == field.is_key &&
         s.kind == kind && s.value == field.value && s.path == field.path;
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
  s.is_key = field.is_key;
  s.location = field.location;
  s.kind = kind;
  s.path.assign(field.path);
  s.value.assign(field.value);
}

}  // namespace fnguard::engine
