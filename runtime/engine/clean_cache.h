// Fields that came out clean before, remembered per Inspector.
//
// A warm function sees the same values again and again: the same
// user-agent, accept and host headers, the same cookie names and stage
// variables, the same enum-like body fields. Every detector and custom rule
// is a pure function of a field's path, value, location, whether it is a key
// and the event kind, under a policy that is fixed for the Inspector's life;
// so a field identical in all of these to one that produced no finding
// produces none again, and the Inspector skips it.
//
// Only clean fields are remembered (a finding is always recomputed), only
// after they came out clean twice (one-off values such as request ids never
// take a slot), and only short ones (kMaxValue). A hit compares every byte,
// not just the hash. Memory is bounded: kSlots entries of at most kMaxValue
// bytes of value plus the path, and kSeen hashes.
#ifndef FNGUARD_RUNTIME_ENGINE_CLEAN_CACHE_H_
#define FNGUARD_RUNTIME_ENGINE_CLEAN_CACHE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/event/event.h"

namespace fnguard::engine {

class CleanFieldCache {
 public:
  static constexpr size_t kSlots = 256;
  static constexpr size_t kSeen = 1024;
  static constexpr size_t kMaxValue = 256;
  // Only an event's first this many fields are looked up and noted. An event
  // with more (a large body) would churn every sighting and slot within
  // itself, and its later fields (mostly distinct paths into the body) would
  // pay for hashing and storing without a hit; its first fields (the headers
  // and query, decoded first) are the ones that come again.
  static constexpr size_t kFieldsPerEvent = kSeen;

  CleanFieldCache();

  // Whether `field` can be remembered at all (its value is short enough).
  static bool Cacheable(const event::Field& field) {
    return !field.value.empty() && field.value.size() <= kMaxValue;
  }

  // The field's key: a hash of everything a verdict depends on.
  static uint64_t Key(const event::Field& field, event::Kind kind);

  // Whether `field` (with key `key`) was remembered as clean.
  bool Contains(uint64_t key, const event::Field& field, event::Kind kind) const;

  // Notes that `field` came out clean. The second time within a while a
  // field is noted, it is remembered (in the slot of its key, replacing what
  // was there).
  void NoteClean(uint64_t key, const event::Field& field, event::Kind kind);

 private:
  // What a verdict depends on besides the path and the value, in one word:
  // the location, whether the value is a key or a parameter name, the event
  // kind.
  static uint64_t Attributes(const event::Field& field, event::Kind kind);

  struct Slot {
    uint64_t key = 0;
    bool used = false;
    uint64_t attributes = 0;  // Attributes() of the field
    std::string path;
    std::string value;
  };
  // Heap-allocated so an Inspector stays small until it is used.
  std::unique_ptr<std::array<Slot, kSlots>> slots_;
  std::unique_ptr<std::array<uint64_t, kSeen>> seen_;
};

}  // namespace fnguard::engine

#endif  // FNGUARD_RUNTIME_ENGINE_CLEAN_CACHE_H_
