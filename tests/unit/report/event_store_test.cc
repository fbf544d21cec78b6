#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "runtime/report/event_map.h"
#include "runtime/report/otlp.h"
#include "wrappers/cli/report_commands.h"

namespace fnguard::cli {
namespace {

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fnguard-store-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

report::SecurityEvent Event(const std::string& id, const std::string& kind, uint64_t t) {
  report::SecurityEvent e;
  e.event_id = id;
  e.kind = kind;
  e.action = Action::kBlock;
  e.rule_id = "ssti.expression";
  e.reason = "template expression";
  e.time_unix_ns = t;
  return e;
}

TEST_F(EventStoreTest, ARetriedBatchAddsNothing) {
  auto store = EventStore::Open(dir_ + "/e.db", true);
  ASSERT_TRUE(store.ok()) << store.status();
  auto request = report::BuildExportRequest(report::ResourceInfo{"f", "f", "", ""},
                                            {Event("a1", "injection", 10), Event("a2", "internal", 20)});
  auto first = (*store)->Insert(request);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 2);
  auto again = (*store)->Insert(request);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);

  std::vector<std::string> ids;
  ASSERT_TRUE((*store)->List({}, [&](const fnguard::v1::SecurityEvent& e) { ids.push_back(e.event_id()); }).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"a1", "a2"}));

  ids.clear();
  EventStore::Filter internal_only;
  internal_only.kind = "internal";
  ASSERT_TRUE((*store)->List(internal_only, [&](const fnguard::v1::SecurityEvent& e) {
    ids.push_back(e.event_id());
  }).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"a2"}));

  ids.clear();
  EventStore::Filter recent;
  recent.since_unix_nano = 15;
  ASSERT_TRUE((*store)->List(recent, [&](const fnguard::v1::SecurityEvent& e) { ids.push_back(e.event_id()); }).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"a2"}));
}

TEST_F(EventStoreTest, RecordsWithoutAnIdGetAStableContentHash) {
  auto store = EventStore::Open(dir_ + "/e.db", true);
  ASSERT_TRUE(store.ok());
  auto request = report::BuildExportRequest(report::ResourceInfo{"f", "f", "", ""}, {Event("", "injection", 5)});
  EXPECT_EQ(*(*store)->Insert(request), 1);
  EXPECT_EQ(*(*store)->Insert(request), 0);
  const auto& rl = request.resource_logs(0);
  std::string id = ContentHashId(rl, rl.scope_logs(0).log_records(0));
  EXPECT_EQ(id.size(), 33u);
  EXPECT_EQ(id[0], 'h');
}

// A store made by an earlier version (more columns) keeps working, and the
// fast path stores what the message path stores.
TEST_F(EventStoreTest, EarlierWideStoresAndTheFastPathStoreTheSameRows) {
  const std::string wide = dir_ + "/wide.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(wide.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE events (event_id TEXT PRIMARY KEY, time_unix_nano INTEGER NOT NULL, "
                           "kind TEXT NOT NULL, action TEXT NOT NULL, detector TEXT NOT NULL, rule_id TEXT NOT NULL, "
                           "field_path TEXT NOT NULL, request_id TEXT NOT NULL, function_name TEXT NOT NULL, "
                           "received_unix_nano INTEGER NOT NULL, event BLOB NOT NULL);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  std::vector<report::SecurityEvent> events = {Event("w1", "injection", 10), Event("w2", "egress", 20)};
  events[0].field_path = "query.q";
  std::string body = report::EncodeExportRequest(report::ResourceInfo{"f", "f", "1", "r"}, events);
  report::MappedEvents mapped;
  ASSERT_TRUE(report::FastMapExportLogs(body, &mapped));
  std::vector<std::string> listed[2];
  int k = 0;
  for (const std::string& path : {wide, dir_ + "/slim.db"}) {
    auto store = EventStore::Open(path, true);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(*(*store)->Insert(mapped), 2);
    ASSERT_TRUE((*store)->List({}, [&](const fnguard::v1::SecurityEvent& e) {
      listed[k].push_back(EventToJson(e));
    }).ok());
    ++k;
  }
  EXPECT_EQ(listed[0], listed[1]);
  ASSERT_EQ(listed[0].size(), 2u);
  EXPECT_NE(listed[0][0].find("\"field_path\":\"query.q\""), std::string::npos) << listed[0][0];
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(wide.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT field_path FROM events WHERE event_id = 'w1'", -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))), "query.q");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(EventStoreTest, ReadOnlyOpenRefusesMissingOrForeignFiles) {
  EXPECT_TRUE(absl::IsNotFound(EventStore::Open(dir_ + "/missing.db", false).status()));
  std::string other = dir_ + "/other.db";
  {
    auto store = EventStore::Open(other, true);
    ASSERT_TRUE(store.ok());
  }
  EXPECT_TRUE(EventStore::Open(other, false).ok());
  std::string text = dir_ + "/text.db";
  FILE* f = std::fopen(text.c_str(), "w");
  std::fputs("not a database", f);
  std::fclose(f);
  EXPECT_FALSE(EventStore::Open(text, false).ok());
}

TEST(SinceTest, ParsesRfc3339AndUnixSeconds) {
  uint64_t ns = 0;
  ASSERT_TRUE(ParseSince("1700000000", &ns));
  EXPECT_EQ(ns, 1700000000000000000ull);
  ASSERT_TRUE(ParseSince("2023-11-14T22:13:20Z", &ns));
  EXPECT_EQ(ns, 1700000000000000000ull);
  ASSERT_TRUE(ParseSince("2023-11-14T23:13:20.5+01:00", &ns));
  EXPECT_EQ(ns, 1700000000500000000ull);
  EXPECT_FALSE(ParseSince("yesterday", &ns));
  EXPECT_FALSE(ParseSince("2023-13-14T22:13:20Z", &ns));
  EXPECT_FALSE(ParseSince("2023-11-14T22:13:20", &ns));
  EXPECT_EQ(FormatRfc3339(1700000000123000000ull), "2023-11-14T22:13:20.123Z");
}

}  // namespace
}  // namespace fnguard::cli
