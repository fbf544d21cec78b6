// NameMap: the bounded, lock-free-readable table of names the process
// resolved, which lets the socket guard apply host rules to connect().
#include "runtime/sandbox/name_map.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fnguard::sandbox {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

policy::IpAddress Ip(const char* text) {
  std::optional<policy::IpAddress> ip = policy::ParseIpAddress(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(policy::IpAddress{});
}

std::vector<std::string> Names(const NameMap& map, const char* address) {
  ResolvedNames found;
  map.Lookup(Ip(address), &found);
  std::vector<std::string> out;
  for (std::string_view n : found.names()) out.emplace_back(n);
  return out;
}

TEST(NameMapTest, FindsWhatWasRecordedNormalized) {
  NameMap map;
  map.Record(Ip("203.0.113.7"), "API.Example.com.");
  EXPECT_THAT(Names(map, "203.0.113.7"), ElementsAre("api.example.com"));
  EXPECT_THAT(Names(map, "203.0.113.8"), IsEmpty());
}

TEST(NameMapTest, Ipv4MappedAddressesAreTheirIpv4Address) {
  NameMap map;
  map.Record(Ip("::ffff:198.51.100.4"), "mapped.example.com");
  map.Record(Ip("198.51.100.5"), "plain.example.com");
  EXPECT_THAT(Names(map, "198.51.100.4"), ElementsAre("mapped.example.com"));
  EXPECT_THAT(Names(map, "::ffff:198.51.100.5"), ElementsAre("plain.example.com"));
}

TEST(NameMapTest, SeveralNamesMostRecentFirstWithoutDuplicates) {
  NameMap map;
  map.Record(Ip("2001:db8::1"), "one.example.com");
  map.Record(Ip("2001:db8::1"), "two.example.com");
  map.Record(Ip("2001:db8::1"), "one.example.com");  // refreshed
  EXPECT_THAT(Names(map, "2001:db8::1"), ElementsAre("one.example.com", "two.example.com"));
}

TEST(NameMapTest, IgnoresNumericEmptyAndOverlongNames) {
  NameMap map;
  map.Record(Ip("192.0.2.1"), "192.0.2.1");
  map.Record(Ip("192.0.2.1"), "");
  map.Record(Ip("192.0.2.1"), ".");
  map.Record(Ip("192.0.2.1"), std::string(254, 'a'));
  map.Record(Ip("192.0.2.1"), "bad name.example.com");
  EXPECT_THAT(Names(map, "192.0.2.1"), IsEmpty());
  map.Record(Ip("192.0.2.1"), std::string(253, 'a'));
  EXPECT_EQ(Names(map, "192.0.2.1").size(), 1u);
}

TEST(NameMapTest, AFullWindowForgetsItsOldestEntry) {
  NameMap map;
  for (int i = 0; i <= static_cast<int>(NameMap::kWindow); ++i) {
    map.Record(Ip("192.0.2.9"), "n" + std::to_string(i) + ".example.com");
  }
  std::vector<std::string> names = Names(map, "192.0.2.9");
  ASSERT_EQ(names.size(), NameMap::kWindow);
  EXPECT_EQ(names.front(), "n" + std::to_string(NameMap::kWindow) + ".example.com");
  EXPECT_EQ(std::count(names.begin(), names.end(), "n0.example.com"), 0);
}

TEST(NameMapTest, StaysBoundedAndKeepsRecentEntries) {
  NameMap map;
  for (int i = 0; i < 20000; ++i) {
    policy::IpAddress ip;
    ip.family = 4;
    ip.bytes = {10, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8),
                static_cast<uint8_t>(i)};
    map.Record(ip, "h" + std::to_string(i) + ".example.com");
  }
  // The most recent entry is always there; most of the 20000 are not.
  EXPECT_THAT(Names(map, "10.0.78.31"), ElementsAre("h19999.example.com"));
  int found = 0;
  for (int i = 0; i < 20000; ++i) {
    policy::IpAddress ip;
    ip.family = 4;
    ip.bytes = {10, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8),
                static_cast<uint8_t>(i)};
    ResolvedNames r;
    map.Lookup(ip, &r);
    found += static_cast<int>(r.size());
  }
  EXPECT_LE(found, static_cast<int>(NameMap::kSlots));
  map.Clear();
  EXPECT_THAT(Names(map, "10.0.78.31"), IsEmpty());
}

TEST(NameMapTest, ReadersNeverSeeATornName) {
  NameMap map;
  const std::string a(200, 'a');
  const std::string b(120, 'b');
  const policy::IpAddress ip = Ip("198.51.100.77");
  map.Record(ip, a + ".example.com");
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      map.Clear();
      map.Record(ip, (i % 2 == 0 ? b : a) + ".example.com");
      // Leaves the recorded name standing for a moment now and then: on a
      // busy machine a writer that never pauses can keep every read torn or
      // between Clear() and Record(), and the readers would see nothing.
      if (i % 8 == 0) std::this_thread::yield();
    }
  });
  int torn = 0;
  int seen = 0;
  // At least 200,000 reads, and on until some of them saw a name (bounded).
  for (int i = 0; i < 200000 || (seen < 1000 && i < 20000000); ++i) {
    ResolvedNames r;
    map.Lookup(ip, &r);
    for (std::string_view n : r.names()) {
      ++seen;
      if (n != a + ".example.com" && n != b + ".example.com") ++torn;
    }
  }
  stop = true;
  writer.join();
  EXPECT_EQ(torn, 0);
  EXPECT_GT(seen, 0);
}

}  // namespace
}  // namespace fnguard::sandbox
