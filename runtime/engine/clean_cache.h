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
#include <string_view>
#include <vector>

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
  // (An XML document whose nodes are fields of their own is inspected by
  // custom rules only: its verdict says nothing about the same text elsewhere.)
  static bool Cacheable(const event::Field& field) {
    return !field.value.empty() && field.value.size() <= kMaxValue && !field.xml_document;
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

// Clean fields repeated within one large event: the records of a body.
//
// An array of records repeats its enum-like values ("status": "paid",
// "currency": "EUR", "country": "IE") under paths that differ only in their
// array indexes ("body.orders[17].status", "body.orders[18].status"). No
// detector reads the digits of an index (they read names: the last one, the
// words of the path, "[$" operators), so a field equal to an earlier clean
// field of the same event up to those digits, and alike in everything else a
// verdict depends on, is clean too. A policy whose exclusion or custom rule
// names an index ("body.items[0].note") tells such fields apart; the
// Inspector does not use the memo under it (PatternNamesIndex()).
//
// The memo holds indexes into the event's own field list, not copies, and
// forgets everything when the next event begins (a generation count, so
// nothing is cleared). It stops looking for the rest of an event whose
// fields rarely repeat, which bounds its cost on bodies of distinct values.
class EventFieldMemo {
 public:
  static constexpr size_t kSlots = 1024;
  // Paths longer than this are not remembered (nor looked up).
  static constexpr size_t kMaxPath = 256;
  // After this many lookups, a hit rate under 1 in kMinHitRatio ends the
  // memo's use for the rest of the event.
  static constexpr uint32_t kProbation = 512;
  static constexpr uint32_t kMinHitRatio = 8;

  EventFieldMemo();

  // Starts a new event whose fields are `fields` (kept by pointer until the
  // next Begin()).
  void Begin(const std::vector<event::Field>* fields);

  // Whether the memo is still worth looking up in this event.
  bool active() const { return active_; }

  // The key of `field`, or 0 when it cannot be remembered (empty, or its
  // value or path too long).
  uint64_t Key(const event::Field& field) const;

  // Whether the field with key `key` (non-zero) equals a remembered clean
  // field of this event up to its path's array indexes.
  bool Contains(uint64_t key, const event::Field& field);

  // Notes that the event's field number `index` (key `key`, non-zero) came
  // out clean.
  void NoteClean(uint64_t key, size_t index);

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t index = 0;
    uint32_t generation = 0;  // the event it was noted in
  };
  std::unique_ptr<std::array<Slot, kSlots>> slots_;  // allocated on first use
  const std::vector<event::Field>* fields_ = nullptr;
  uint32_t generation_ = 0;
  uint32_t lookups_ = 0;
  uint32_t hits_ = 0;
  bool active_ = false;
};

// Whether `path` equals `other` once the digits of every array index ("[17]")
// are dropped from both.
bool SamePathUpToIndexes(std::string_view path, std::string_view other);

// Whether a path pattern names a particular array index ("body.items[0]"),
// which tells fields apart that EventFieldMemo takes for the same.
bool PatternNamesIndex(std::string_view pattern);

}  // namespace fnguard::engine

#endif  // FNGUARD_RUNTIME_ENGINE_CLEAN_CACHE_H_
