// `fnguard events` and the SQLite event store it shares with the collector.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/core/json.h"
#include "wrappers/cli/report_commands.h"

namespace fnguard::cli {
namespace {

using V1Event = ::fnguard::v1::SecurityEvent;

// One row per event: the key, what `fnguard events` filters and orders by,
// and the whole event as a serialized fnguard.v1.SecurityEvent. (Stores made
// by earlier versions also have action, detector, rule_id, field_path,
// request_id and function_name columns; they keep being filled.)
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  event_id TEXT PRIMARY KEY,
  time_unix_nano INTEGER NOT NULL,
  kind TEXT NOT NULL,
  received_unix_nano INTEGER NOT NULL,
  event BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_time ON events(time_unix_nano);
)sql";

// Rows per multi-row INSERT: one statement run per 32 events costs about a
// third less CPU than one per event.
constexpr int kRowsPerInsert = 32;

// INSERT OR IGNORE of `rows` rows; `wide` adds the columns of earlier stores.
std::string InsertSql(bool wide, int rows) {
  std::string sql = "INSERT OR IGNORE INTO events (event_id, time_unix_nano, kind, received_unix_nano, event";
  if (wide) sql += ", action, detector, rule_id, field_path, request_id, function_name";
  sql += ") VALUES ";
  std::string row = wide ? "(?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?)";
  for (int i = 0; i < rows; ++i) sql += (i == 0 ? "" : ",") + row;
  return sql;
}

constexpr const char* kEventsUsage = R"(usage: fnguard events --store PATH [--format text|json] [--since T] [--kind K]

Lists the security events in a collector store, oldest first.
  --since T   RFC 3339 time (2026-01-31T12:00:00Z) or Unix seconds
  --kind K    injection | egress | tls | process | policy | internal
exit: 0 ok, 2 missing or unreadable store, bad arguments
)";

absl::Status SqliteError(sqlite3* db, std::string_view what) {
  return absl::InternalError(std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

uint64_t Fnv1a64(std::string_view data, uint64_t seed) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Days since 1970-01-01 for a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool ParseSince(std::string_view s, uint64_t* unix_nano) {
  if (!s.empty() && s.size() <= 12 && s.find_first_not_of("0123456789") == std::string_view::npos) {
    *unix_nano = std::strtoull(std::string(s).c_str(), nullptr, 10) * 1000000000ull;
    return true;
  }
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || !ParseDigits(s, 0, 4, &y) || s[4] != '-' || !ParseDigits(s, 5, 2, &mo) ||
      s[7] != '-' || !ParseDigits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !ParseDigits(s, 11, 2, &h) || s[13] != ':' || !ParseDigits(s, 14, 2, &mi) || s[16] != ':' ||
      !ParseDigits(s, 17, 2, &sec)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  size_t pos = 19;
  uint64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    uint64_t scale = 100000000;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ns += static_cast<uint64_t>(s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return false;
  }
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!ParseDigits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ParseDigits(s, pos + 4, 2, &om)) {
      return false;
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  int64_t secs = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                 h * 3600 + mi * 60 + sec - offset_s;
  if (secs < 0) secs = 0;
  *unix_nano = static_cast<uint64_t>(secs) * 1000000000ull + frac_ns;
  return true;
}

std::string FormatRfc3339(uint64_t unix_nano) {
  time_t secs = static_cast<time_t>(unix_nano / 1000000000ull);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned>((unix_nano % 1000000000ull) / 1000000ull));
  return buf;
}

std::string ContentHashId(const report::otlp_logs::ResourceLogs& resource_logs,
                          const report::otlp_logs::LogRecord& record) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    resource_logs.resource().SerializeToCodedStream(&out);
    record.SerializeToCodedStream(&out);
  }
  char id[40];
  std::snprintf(id, sizeof(id), "h%016llx%016llx", static_cast<unsigned long long>(Fnv1a64(bytes, 0)),
                static_cast<unsigned long long>(Fnv1a64(bytes, 0x9e3779b97f4a7c15ull)));
  return id;
}

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(const std::string& path, bool create) {
  if (!create) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return absl::NotFoundError("no event store at " + path);
  }
  sqlite3* db = nullptr;
  int flags = (create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
              SQLITE_OPEN_NOMUTEX;  // EventStore::mu_ serializes every use
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    absl::Status s = SqliteError(db, "cannot open event store " + path);
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<EventStore> store(new EventStore(db));
  sqlite3_busy_timeout(db, 5000);
  if (create) {
    // WAL with synchronous=FULL: every commit fsyncs the WAL, so an answered
    // request survives a crash or power loss. 16 KiB pages (new stores only)
    // take a third less CPU per row than 4 KiB ones. A 64 MiB page cache keeps the
    // indexes' hot pages in memory; checkpoints run every 32 MiB of WAL
    // instead of every 4 MiB (fewer, larger checkpoint fsyncs), and the WAL
    // file is cut back to 64 MiB after each.
    const char* setup =
        "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536; "
        "PRAGMA wal_autocheckpoint=8192; PRAGMA journal_size_limit=67108864; PRAGMA temp_store=MEMORY;";
    if (sqlite3_exec(db, setup, nullptr, nullptr, nullptr) != SQLITE_OK ||
        sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(db, "cannot initialize event store " + path);
    }
    sqlite3_stmt* probe = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('events') WHERE name = 'action'", -1, &probe,
                           nullptr) != SQLITE_OK) {
      return SqliteError(db, "cannot read the event store's schema " + path);
    }
    store->wide_ = sqlite3_step(probe) == SQLITE_ROW;
    sqlite3_finalize(probe);
    if (sqlite3_prepare_v3(db, InsertSql(store->wide_, 1).c_str(), -1, SQLITE_PREPARE_PERSISTENT, &store->insert_,
                           nullptr) != SQLITE_OK ||
        sqlite3_prepare_v3(db, InsertSql(store->wide_, kRowsPerInsert).c_str(), -1, SQLITE_PREPARE_PERSISTENT,
                           &store->insert_many_, nullptr) != SQLITE_OK) {
      return SqliteError(db, "cannot prepare the event store " + path);
    }
  } else {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='events'", -1, &st,
                           nullptr) != SQLITE_OK) {
      return SqliteError(db, "cannot read event store " + path);
    }
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!found) return absl::NotFoundError(path + " is not an fnguard event store");
  }
  return store;
}

EventStore::~EventStore() {
  sqlite3_finalize(insert_);
  sqlite3_finalize(insert_many_);
  sqlite3_close(db_);
}

absl::StatusOr<int> EventStore::Insert(const report::otlp_collector::ExportLogsServiceRequest& request) {
  report::MappedEvents mapped;
  for (const auto& rl : request.resource_logs()) {
    for (const auto& sl : rl.scope_logs()) {
      for (const auto& record : sl.log_records()) {
        auto& ev = mapped.events.emplace_back();
        report::MapRecord(rl, record, &mapped.mapper, &ev.fields);
        if (ev.fields.event_id().empty()) ev.fields.text[2] = mapped.mapper.Own(ContentHashId(rl, record));
        ev.blob_offset = mapped.blobs.size();
        ev.fields.AppendSerialized(&mapped.blobs);
        ev.blob_size = mapped.blobs.size() - ev.blob_offset;
      }
    }
  }
  return Insert(mapped);
}

absl::StatusOr<int> EventStore::Insert(const report::MappedEvents& mapped) {
  std::lock_guard<std::mutex> lock(mu_);
  if (insert_ == nullptr) return absl::FailedPreconditionError("the event store is open read-only");
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db_, "begin");
  }
  auto received = static_cast<sqlite3_int64>(report::NowUnixNanos());
  const int columns = wide_ ? 11 : 5;
  // SQLite reads the bound values in place (SQLITE_STATIC: they outlive the
  // step).
  auto bind_text = [](sqlite3_stmt* st, int column, std::string_view value) {
    // A null pointer would bind SQL NULL: an empty value is "".
    sqlite3_bind_text(st, column, value.empty() ? "" : value.data(), static_cast<int>(value.size()),
                      SQLITE_STATIC);
  };
  auto bind_row = [&](sqlite3_stmt* st, int row, const report::MappedEvents::Event& ev) {
    const report::EventFields& f = ev.fields;
    std::string_view blob = mapped.blob(ev);
    int c = row * columns;
    bind_text(st, c + 1, f.text[2]);
    sqlite3_bind_int64(st, c + 2, static_cast<sqlite3_int64>(f.time_unix_nano & 0x7fffffffffffffffull));
    bind_text(st, c + 3, report::KindName(static_cast<V1Event::Kind>(f.kind)));
    sqlite3_bind_int64(st, c + 4, received);
    sqlite3_bind_blob(st, c + 5, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
    if (wide_) {
      bind_text(st, c + 6, f.text[5]);    // action
      bind_text(st, c + 7, f.text[6]);    // detector
      bind_text(st, c + 8, f.text[7]);    // rule_id
      bind_text(st, c + 9, f.text[8]);    // field_path
      bind_text(st, c + 10, f.text[12]);  // request_id
      bind_text(st, c + 11, f.text[14]);  // function_name
    }
  };
  int inserted = 0;
  absl::Status failure;
  const size_t n = mapped.events.size();
  for (size_t at = 0; at < n && failure.ok();) {
    bool many = n - at >= static_cast<size_t>(kRowsPerInsert);
    sqlite3_stmt* st = many ? insert_many_ : insert_;
    int rows = many ? kRowsPerInsert : 1;
    for (int r = 0; r < rows; ++r) bind_row(st, r, mapped.events[at + static_cast<size_t>(r)]);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) failure = SqliteError(db_, "insert");
    else inserted += sqlite3_changes(db_);
    sqlite3_reset(st);
    at += static_cast<size_t>(rows);
  }
  // Drop the views into the request's memory.
  sqlite3_clear_bindings(insert_);
  sqlite3_clear_bindings(insert_many_);
  if (!failure.ok()) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return failure;
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    absl::Status s = SqliteError(db_, "commit");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }
  return inserted;
}

absl::Status EventStore::List(const Filter& filter,
                              const std::function<void(const V1Event&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql = "SELECT event FROM events WHERE time_unix_nano >= ?";
  if (!filter.kind.empty()) sql += " AND kind = ?";
  sql += " ORDER BY time_unix_nano, event_id";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    return SqliteError(db_, "cannot query event store");
  }
  sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(filter.since_unix_nano & 0x7fffffffffffffffull));
  if (!filter.kind.empty()) {
    sqlite3_bind_text(st, 2, filter.kind.data(), static_cast<int>(filter.kind.size()), SQLITE_TRANSIENT);
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    V1Event e;
    const void* blob = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    if (blob != nullptr && e.ParseFromArray(blob, n)) fn(e);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return SqliteError(db_, "cannot read event store");
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> EventStore::Count() const {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT count(*) FROM events", -1, &st, nullptr) != SQLITE_OK) {
    return SqliteError(db_, "cannot query event store");
  }
  int rc = sqlite3_step(st);
  uint64_t n = rc == SQLITE_ROW ? static_cast<uint64_t>(sqlite3_column_int64(st, 0)) : 0;
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW) return SqliteError(db_, "cannot count events");
  return n;
}

std::string EventToJson(const V1Event& e) {
  json::Writer w;
  w.BeginObject();
  w.Field("event_id", e.event_id());
  w.Field("schema_version", static_cast<uint64_t>(e.schema_version()));
  w.Field("time_unix_nano", static_cast<uint64_t>(e.time_unix_nano()));
  w.Field("time", FormatRfc3339(e.time_unix_nano()));
  w.Field("kind", report::KindName(e.kind()));
  w.Field("action", e.action());
  w.Field("detector", e.detector());
  w.Field("rule_id", e.rule_id());
  w.Field("field_path", e.field_path());
  w.Field("excerpt", e.excerpt());
  w.Field("reason", e.reason());
  w.Field("event_kind", e.event_kind());
  w.Field("request_id", e.request_id());
  w.Field("trace_id", e.trace_id());
  w.Field("function_name", e.function_name());
  w.Field("function_version", e.function_version());
  w.Field("region", e.region());
  w.Field("policy_version", e.policy_version());
  w.Field("policy_source", e.policy_source());
  w.Field("timed_out", e.timed_out());
  w.Field("findings", static_cast<uint64_t>(e.findings()));
  w.Field("host", e.host());
  w.EndObject();
  return w.Take();
}

int EventsCommand(const Args& args) {
  ArgParser parser({"--store", "--format", "--since", "--kind"}, {"--help"});
  if (!parser.Parse(args)) {
    std::fprintf(stderr, "fnguard events: %s\n%s", parser.error().c_str(), kEventsUsage);
    return kExitBadInput;
  }
  if (parser.Has("--help")) {
    std::fputs(kEventsUsage, stdout);
    return kExitOk;
  }
  auto store_path = parser.Get("--store");
  std::string format = parser.Get("--format").value_or("text");
  if (!store_path.has_value() || store_path->empty() || (format != "text" && format != "json") ||
      !parser.positionals().empty()) {
    std::fputs(kEventsUsage, stderr);
    return kExitBadInput;
  }
  EventStore::Filter filter;
  if (auto since = parser.Get("--since"); since.has_value() && !ParseSince(*since, &filter.since_unix_nano)) {
    std::fprintf(stderr, "fnguard events: --since wants RFC 3339 (2026-01-31T12:00:00Z) or Unix seconds\n");
    return kExitBadInput;
  }
  if (auto kind = parser.Get("--kind"); kind.has_value()) {
    if (report::KindFromName(*kind) == V1Event::KIND_UNSPECIFIED) {
      std::fprintf(stderr, "fnguard events: unknown --kind %s\n", kind->c_str());
      return kExitBadInput;
    }
    filter.kind = *kind;
  }
  auto store = EventStore::Open(*store_path, /*create=*/false);
  if (!store.ok()) {
    std::fprintf(stderr, "fnguard events: %s\n", std::string(store.status().message()).c_str());
    return kExitBadInput;
  }
  absl::Status s = (*store)->List(filter, [&](const V1Event& e) {
    std::string line;
    if (format == "json") {
      line = EventToJson(e);
    } else {
      line = FormatRfc3339(e.time_unix_nano()) + " " + std::string(report::KindName(e.kind())) + " " +
             (e.action().empty() ? "-" : e.action()) + " " + (e.rule_id().empty() ? "-" : e.rule_id()) + " " +
             (!e.field_path().empty() ? e.field_path() : !e.host().empty() ? e.host() : "-") + " " +
             e.reason();
    }
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  });
  if (!s.ok()) {
    std::fprintf(stderr, "fnguard events: %s\n", std::string(s.message()).c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace fnguard::cli
