#include "wrappers/cli/bench_events.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"
#include "runtime/engine/engine.h"
#include "runtime/event/event.h"

namespace fnguard::cli {
namespace {

// How many different values the field at `path` takes over `events`, as the
// engine decodes them; a missing field counts as the value "<missing>".
size_t DistinctValues(const std::vector<std::string>& events, std::string_view path) {
  event::Decoder decoder;
  event::DecodedEvent decoded;
  std::set<std::string> values;
  for (const std::string& ev : events) {
    std::string value = "<missing>";
    if (decoder.Decode(ev, &decoded).ok()) {
      for (const event::Field& f : decoded.fields) {
        if (f.path == path) {
          value = std::string(f.value);
          break;
        }
      }
    }
    EXPECT_NE(value, "<missing>") << path;
    values.insert(value);
  }
  return values.size();
}

TEST(TypicalHttpApiEventVariantsTest, UsersDifferInTheirOwnValuesAndShareTheRest) {
  const std::vector<std::string> v = TypicalHttpApiEventVariants(64, Variation::kUsers);
  ASSERT_EQ(v.size(), 64u);
  EXPECT_EQ(std::set<std::string>(v.begin(), v.end()).size(), 64u);
  EXPECT_EQ(DistinctValues(v, "body.customer.name"), 64u);
  EXPECT_EQ(DistinctValues(v, "headers.authorization"), 64u);
  EXPECT_EQ(DistinctValues(v, "cookies.session"), 64u);
  EXPECT_EQ(DistinctValues(v, "headers.user-agent"), 1u);
  EXPECT_EQ(DistinctValues(v, "headers.host"), 1u);
}

TEST(TypicalHttpApiEventVariantsTest, AllValuesChangeTheSharedHeadersToo) {
  const std::vector<std::string> v = TypicalHttpApiEventVariants(16, Variation::kAllValues);
  EXPECT_EQ(DistinctValues(v, "headers.user-agent"), 16u);
  EXPECT_EQ(DistinctValues(v, "headers.host"), 16u);
  EXPECT_EQ(DistinctValues(v, "headers.origin"), 16u);
  EXPECT_EQ(DistinctValues(v, "cookies.theme"), 16u);
}

TEST(TypicalHttpApiEventVariantsTest, EveryVariantIsABenignHttpApiEvent) {
  engine::Inspector inspector(policy::DefaultPolicy());
  inspector.set_remember_clean_fields(false);
  for (Variation variation : {Variation::kUsers, Variation::kAllValues}) {
    for (const std::string& ev : TypicalHttpApiEventVariants(300, variation)) {
      absl::Status st;
      const Verdict verdict = inspector.Inspect(ev, &st);
      ASSERT_TRUE(st.ok()) << st;
      EXPECT_EQ(verdict.event_kind, "apigw-v2");
      EXPECT_TRUE(verdict.findings.empty()) << verdict.rule_id << " at " << verdict.field_path;
      EXPECT_EQ(inspector.last_field_count(), 29u);
    }
  }
}

}  // namespace
}  // namespace fnguard::cli
