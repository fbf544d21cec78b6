#include "runtime/engine/clean_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace fnguard::engine {
namespace {

event::Field MakeField(std::string_view path, std::string_view value,
                       event::Location location = event::Location::kHeader, bool is_key = false) {
  event::Field f;
  f.path = path;
  f.value = value;
  f.location = location;
  f.is_key = is_key;
  return f;
}

constexpr event::Kind kV2 = event::Kind::kApiGatewayV2;

TEST(CleanFieldCacheTest, RemembersAFieldTheSecondTimeItIsClean) {
  CleanFieldCache cache;
  const event::Field f = MakeField("headers.accept", "application/json");
  const uint64_t key = CleanFieldCache::Key(f, kV2);
  EXPECT_FALSE(cache.Contains(key, f, kV2));
  cache.NoteClean(key, f, kV2);
  EXPECT_FALSE(cache.Contains(key, f, kV2)) << "a value seen once (a request id) takes no slot";
  cache.NoteClean(key, f, kV2);
  EXPECT_TRUE(cache.Contains(key, f, kV2));
}

TEST(CleanFieldCacheTest, KeyCoversEverythingAVerdictDependsOn) {
  const event::Field f = MakeField("headers.accept", "application/json");
  const uint64_t key = CleanFieldCache::Key(f, kV2);
  EXPECT_EQ(key, CleanFieldCache::Key(MakeField("headers.accept", "application/json"), kV2));
  EXPECT_NE(key, CleanFieldCache::Key(MakeField("headers.accepts", "application/json"), kV2));
  EXPECT_NE(key, CleanFieldCache::Key(MakeField("headers.accept", "application/jsoN"), kV2));
  EXPECT_NE(key, CleanFieldCache::Key(
                     MakeField("headers.accept", "application/json", event::Location::kQuery), kV2));
  EXPECT_NE(key, CleanFieldCache::Key(
                     MakeField("headers.accept", "application/json", event::Location::kHeader, true),
                     kV2));
  EXPECT_NE(key, CleanFieldCache::Key(f, event::Kind::kAlb));
}

// A hit compares every byte and attribute, not only the key: a field that
// shares a remembered field's key (a hash collision) is not taken for it.
TEST(CleanFieldCacheTest, SameKeyDifferentFieldIsNotAHit) {
  CleanFieldCache cache;
  const event::Field f = MakeField("body.name", "Siobhan", event::Location::kBody);
  const uint64_t key = 12345;
  cache.NoteClean(key, f, kV2);
  cache.NoteClean(key, f, kV2);
  ASSERT_TRUE(cache.Contains(key, f, kV2));
  EXPECT_FALSE(cache.Contains(key, MakeField("body.name", "Siobhan' OR 1=1--",
                                             event::Location::kBody), kV2));
  EXPECT_FALSE(cache.Contains(key, MakeField("body.nam", "Siobhan", event::Location::kBody), kV2));
  EXPECT_FALSE(cache.Contains(key, MakeField("body.name", "Siobhan", event::Location::kQuery), kV2));
  EXPECT_FALSE(
      cache.Contains(key, MakeField("body.name", "Siobhan", event::Location::kBody, true), kV2));
  EXPECT_FALSE(cache.Contains(key, f, event::Kind::kGeneric));
}

TEST(CleanFieldCacheTest, LongAndEmptyValuesAreNeverRemembered) {
  const std::string long_value(CleanFieldCache::kMaxValue + 1, 'a');
  const std::string longest(CleanFieldCache::kMaxValue, 'a');
  EXPECT_FALSE(CleanFieldCache::Cacheable(MakeField("body.text", long_value)));
  EXPECT_FALSE(CleanFieldCache::Cacheable(MakeField("body.text", "")));
  EXPECT_TRUE(CleanFieldCache::Cacheable(MakeField("body.text", longest)));

  CleanFieldCache cache;
  const event::Field f = MakeField("body.text", long_value);
  const uint64_t key = CleanFieldCache::Key(f, kV2);
  cache.NoteClean(key, f, kV2);
  cache.NoteClean(key, f, kV2);
  EXPECT_FALSE(cache.Contains(key, f, kV2));
}

TEST(CleanFieldCacheTest, AFieldInTheSameSlotReplacesTheOldOne) {
  CleanFieldCache cache;
  const event::Field a = MakeField("headers.a", "one");
  const event::Field b = MakeField("headers.b", "two");
  const uint64_t key_a = 7;
  const uint64_t key_b = 7 + CleanFieldCache::kSlots * CleanFieldCache::kSeen;  // same slot, same seen entry
  cache.NoteClean(key_a, a, kV2);
  cache.NoteClean(key_a, a, kV2);
  ASSERT_TRUE(cache.Contains(key_a, a, kV2));
  cache.NoteClean(key_b, b, kV2);
  cache.NoteClean(key_b, b, kV2);
  EXPECT_TRUE(cache.Contains(key_b, b, kV2));
  EXPECT_FALSE(cache.Contains(key_a, a, kV2));
}

TEST(CleanFieldCacheTest, KeyZeroIsNeverRemembered) {
  CleanFieldCache cache;
  const event::Field f = MakeField("headers.accept", "*/*");
  cache.NoteClean(0, f, kV2);
  cache.NoteClean(0, f, kV2);
  EXPECT_FALSE(cache.Contains(0, f, kV2));
}

}  // namespace
}  // namespace fnguard::engine
