// `fnguard collector` and `fnguard events`: a local OTLP/HTTP logs receiver
// with a durable SQLite store of fnguard security events, and its reader.
//
//   fnguard collector --listen 127.0.0.1:4318 --store events.db [--token T]
//   fnguard events --store events.db [--format text|json] [--since T] [--kind K]
//
// The store keeps one row per event keyed by fnguard.event_id (INSERT OR
// IGNORE), so a batch delivered twice (a retry after a lost answer, a spool
// replay after a crash) is stored once. Each request is one transaction,
// committed (WAL, synchronous=FULL: the WAL is fsynced) before the collector
// answers 200.
#ifndef FNGUARD_WRAPPERS_CLI_REPORT_COMMANDS_H_
#define FNGUARD_WRAPPERS_CLI_REPORT_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/report/event_map.h"
#include "runtime/report/otlp.h"
#include "wrappers/cli/cli.h"

struct sqlite3;
struct sqlite3_stmt;

namespace fnguard::cli {

// Exit codes: 0 ok (collector: clean shutdown on SIGTERM/SIGINT), 2 bad
// arguments or an unusable store/address.
int CollectorCommand(const Args& args);
int EventsCommand(const Args& args);

// The SQLite event store shared by both commands. Thread-safe.
class EventStore {
 public:
  // `create`: create the file and schema when missing (the collector);
  // otherwise open read-only and fail with NotFound when the file or the
  // events table is missing (the events command).
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(const std::string& path, bool create);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Stores every log record of `request` in one committed transaction.
  // Returns how many were new (duplicates by event id are ignored).
  absl::StatusOr<int> Insert(const report::otlp_collector::ExportLogsServiceRequest& request);
  // The same for events already mapped (the collector's fast path,
  // report::FastMapExportLogs).
  absl::StatusOr<int> Insert(const report::MappedEvents& events);

  struct Filter {
    uint64_t since_unix_nano = 0;  // events at or after this time
    std::string kind;              // "" = any, else "injection", "internal", ...
  };
  // Calls `fn` for each stored event matching `filter`, oldest first.
  absl::Status List(const Filter& filter,
                    const std::function<void(const fnguard::v1::SecurityEvent&)>& fn) const;
  // How many events are stored.
  absl::StatusOr<uint64_t> Count() const;

 private:
  explicit EventStore(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  sqlite3_stmt* insert_ = nullptr;       // prepared once (writable stores): one row
  sqlite3_stmt* insert_many_ = nullptr;  // and kRowsPerInsert rows
  bool wide_ = false;                // a store made by an earlier version: more columns
  mutable std::mutex mu_;
};

// The id a record without fnguard.event_id is stored under: "h" followed by
// 32 hex digits of a hash of the resource and the record's bytes.
std::string ContentHashId(const report::otlp_logs::ResourceLogs& resource_logs,
                          const report::otlp_logs::LogRecord& record);

// `--since`: Unix seconds, or RFC 3339 "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm)".
bool ParseSince(std::string_view text, uint64_t* unix_nano);
// "2026-01-31T12:00:00.123Z".
std::string FormatRfc3339(uint64_t unix_nano);
// One event as the JSON object `fnguard events --format json` prints.
std::string EventToJson(const fnguard::v1::SecurityEvent& e);

}  // namespace fnguard::cli

#endif  // FNGUARD_WRAPPERS_CLI_REPORT_COMMANDS_H_
