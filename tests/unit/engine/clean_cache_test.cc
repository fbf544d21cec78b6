#include "runtime/engine/clean_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

TEST(SamePathUpToIndexesTest, OnlyTheDigitsOfIndexesAreIgnored) {
  EXPECT_TRUE(SamePathUpToIndexes("body.orders[17].status", "body.orders[18].status"));
  EXPECT_TRUE(SamePathUpToIndexes("body[0].a[12][3]", "body[999].a[1][40]"));
  EXPECT_TRUE(SamePathUpToIndexes("body.x", "body.x"));
  EXPECT_FALSE(SamePathUpToIndexes("body.orders[17].status", "body.orders[17].state"));
  EXPECT_FALSE(SamePathUpToIndexes("body.orders[17].status", "body.orders[17]"));
  EXPECT_FALSE(SamePathUpToIndexes("body.orders[1]", "body.order[1]"));
  // Digits of a name, and brackets holding other text, are compared.
  EXPECT_FALSE(SamePathUpToIndexes("body.line1", "body.line2"));
  EXPECT_FALSE(SamePathUpToIndexes("body.a[$ne]", "body.a[$gt]"));
  EXPECT_FALSE(SamePathUpToIndexes("body.a[1x]", "body.a[2x]"));
  EXPECT_FALSE(SamePathUpToIndexes("body.a[1", "body.a[2"));
  EXPECT_FALSE(SamePathUpToIndexes("body.a[]", "body.a[1]"));
}

TEST(PatternNamesIndexTest, AnIndexOtherThanTheWildcardCounts) {
  EXPECT_TRUE(PatternNamesIndex("body.items[0].note"));
  EXPECT_TRUE(PatternNamesIndex("body.items[*][2]"));
  EXPECT_FALSE(PatternNamesIndex("body.items[*].note"));
  EXPECT_FALSE(PatternNamesIndex("body.article.*"));
}

TEST(EventFieldMemoTest, RemembersCleanFieldsOfOneEventUpToTheirIndexes) {
  std::vector<event::Field> fields = {
      MakeField("body.orders[0].status", "paid", event::Location::kBody),
      MakeField("body.orders[1].status", "paid", event::Location::kBody),
      MakeField("body.orders[1].state", "paid", event::Location::kBody),
      MakeField("body.orders[2].status", "paid", event::Location::kQuery),
      MakeField("body.orders[2].status", "paid", event::Location::kBody, /*is_key=*/true),
      MakeField("body.orders[2].status", "paid!", event::Location::kBody),
  };
  EventFieldMemo memo;
  memo.Begin(&fields);
  ASSERT_TRUE(memo.active());
  const uint64_t k0 = memo.Key(fields[0]);
  ASSERT_NE(k0, 0u);
  EXPECT_FALSE(memo.Contains(k0, fields[0]));
  memo.NoteClean(k0, 0);
  EXPECT_EQ(memo.Key(fields[1]), k0);
  EXPECT_TRUE(memo.Contains(memo.Key(fields[1]), fields[1]));
  // Another name, location, key-ness or value is another field.
  for (size_t i = 2; i < fields.size(); ++i) {
    EXPECT_FALSE(memo.Contains(memo.Key(fields[i]), fields[i])) << i;
  }
  // A new event forgets the old one's fields.
  std::vector<event::Field> next = {
      MakeField("body.orders[5].status", "paid", event::Location::kBody)};
  memo.Begin(&next);
  EXPECT_FALSE(memo.Contains(memo.Key(next[0]), next[0]));
}

TEST(EventFieldMemoTest, LongValuesAndPathsAreNotRemembered) {
  const std::string long_value(CleanFieldCache::kMaxValue + 1, 'a');
  const std::string long_path = "body." + std::string(EventFieldMemo::kMaxPath, 'p');
  EventFieldMemo memo;
  EXPECT_EQ(memo.Key(MakeField("body.a[1]", long_value, event::Location::kBody)), 0u);
  EXPECT_EQ(memo.Key(MakeField(long_path, "x", event::Location::kBody)), 0u);
  EXPECT_EQ(memo.Key(MakeField("body.a[1]", "", event::Location::kBody)), 0u);
}

TEST(EventFieldMemoTest, StopsLookingWhenFieldsDoNotRepeat) {
  std::vector<std::string> values;
  for (size_t i = 0; i < EventFieldMemo::kProbation + 1; ++i) {
    values.push_back("id-" + std::to_string(i));
  }
  std::vector<event::Field> fields;
  for (const std::string& v : values) {
    fields.push_back(MakeField("body.r[1].id", v, event::Location::kBody));
  }
  EventFieldMemo memo;
  memo.Begin(&fields);
  for (size_t i = 0; i < fields.size() && memo.active(); ++i) {
    const uint64_t key = memo.Key(fields[i]);
    EXPECT_FALSE(memo.Contains(key, fields[i]));
    memo.NoteClean(key, i);
  }
  EXPECT_FALSE(memo.active());
  memo.Begin(&fields);
  EXPECT_TRUE(memo.active()) << "each event starts looking again";
}

}  // namespace
}  // namespace fnguard::engine
