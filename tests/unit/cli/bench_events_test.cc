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

// The value of the first field at `path` in `ev` as the engine decodes it.
std::string FieldValue(event::Decoder& decoder, const std::string& ev, std::string_view path) {
  event::DecodedEvent decoded;
  if (!decoder.Decode(ev, &decoded).ok()) return "<not json>";
  for (const event::Field& f : decoded.fields) {
    if (f.path == path) return std::string(f.value);
  }
  return "<missing>";
}

TEST(TypicalHttpApiEventVariantsTest, UsersDifferInTheirOwnValuesAndShareTheRest) {
  const std::vector<std::string> v = TypicalHttpApiEventVariants(64, Variation::kUsers);
  ASSERT_EQ(v.size(), 64u);
  EXPECT_EQ(std::set<std::string>(v.begin(), v.end()).size(), 64u);
  event::Decoder decoder;
  std::set<std::string> names, tokens, agents, hosts;
  for (const std::string& ev : v) {
    names.insert(FieldValue(decoder, ev, "body.customer.name"));
    tokens.insert(FieldValue(decoder, ev, "headers.authorization"));
    agents.insert(FieldValue(decoder, ev, "headers.user-agent"));
    hosts.insert(FieldValue(decoder, ev, "headers.host"));
  }
  EXPECT_EQ(names.size(), 64u);
  EXPECT_EQ(tokens.size(), 64u);
  EXPECT_EQ(agents.size(), 1u);
  EXPECT_EQ(hosts.size(), 1u);
  EXPECT_EQ(names.count("<missing>"), 0u);
}

TEST(TypicalHttpApiEventVariantsTest, AllValuesChangeTheSharedHeadersToo) {
  const std::vector<std::string> v = TypicalHttpApiEventVariants(16, Variation::kAllValues);
  event::Decoder decoder;
  std::set<std::string> agents, hosts, origins;
  for (const std::string& ev : v) {
    agents.insert(FieldValue(decoder, ev, "headers.user-agent"));
    hosts.insert(FieldValue(decoder, ev, "headers.host"));
    origins.insert(FieldValue(decoder, ev, "headers.origin"));
  }
  EXPECT_EQ(agents.size(), 16u);
  EXPECT_EQ(hosts.size(), 16u);
  EXPECT_EQ(origins.size(), 16u);
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
