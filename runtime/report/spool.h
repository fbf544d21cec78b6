// Spool: a durable FIFO of encoded event batches on local disk, used by the
// Sender when the collector is unreachable or the in-memory queue is full.
//
// Layout: segment files "<16-digit sequence>.seg" in one directory, each an
// append-only run of records:
//
//   u32 magic "FGS1" | u32 payload length | u32 event count | u32 CRC-32 | payload
//
// (little-endian; the CRC covers the event count and the payload). Each
// Append() writes one record with a single write() and fdatasync()s it before
// returning, so an acknowledged batch survives a crash. A record cut short
// by a crash (torn tail), or whose CRC does not match, ends its segment: it
// is ignored on replay and truncated away on Open(), and records before it
// are never affected. Records are replayed in append order. A lock file
// (flock) gives one process exclusive use of the directory.
//
// The read position is persisted: after each PopFront() the file "cursor"
// (u32 magic "FGC1" | u32 CRC-32 of the rest | u64 segment sequence | u64
// offset) is rewritten in place with one pwrite(), so a process that
// restarts on the same directory resumes after the last acknowledged record:
// it neither loses nor re-sends what was consumed. The cursor is not
// fsynced: after an OS crash (or a torn or stale cursor, which Open()
// detects and ignores) replay restarts at the oldest segment's first record,
// so delivery stays at-least-once and receivers deduplicate by event id.
// Segments before the cursor's (consumed, but not yet deleted when the
// process died) are deleted on Open().
//
// Thread-safety: none; the Sender's background thread owns the spool.
#ifndef FNGUARD_RUNTIME_REPORT_SPOOL_H_
#define FNGUARD_RUNTIME_REPORT_SPOOL_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fnguard::report {

class Spool {
 public:
  struct Options {
    std::string dir;                         // created if missing
    uint64_t max_bytes = 64ull << 20;        // all segments together
    uint64_t segment_bytes = 4ull << 20;     // start a new segment past this
    bool sync = true;                        // fdatasync each append
  };
  struct Record {
    uint32_t events = 0;
    std::string payload;
  };

  static constexpr size_t kHeaderBytes = 16;
  static constexpr uint32_t kMagic = 0x31534746;        // "FGS1" little-endian
  static constexpr uint32_t kCursorMagic = 0x31434746;  // "FGC1" little-endian
  static constexpr size_t kCursorBytes = 24;

  // Opens (creating) the directory, takes the lock, scans existing segments
  // and truncates torn tails. FailedPrecondition when another process holds
  // the lock.
  static absl::StatusOr<std::unique_ptr<Spool>> Open(Options options);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Appends one record durably. ResourceExhausted when it would take the
  // spool past max_bytes (the caller counts the events as dropped).
  absl::Status Append(uint32_t events, std::string_view payload);

  // The oldest unconsumed record, or nullopt when the spool is empty.
  absl::StatusOr<std::optional<Record>> Front();
  // Consumes the record Front() returned; deletes fully consumed segments.
  absl::Status PopFront();

  bool empty() const { return pending_records_ == 0; }
  uint64_t pending_records() const { return pending_records_; }
  uint64_t pending_events() const { return pending_events_; }
  uint64_t disk_bytes() const { return disk_bytes_; }

 private:
  struct Segment {
    uint64_t seq = 0;
    std::string path;
    uint64_t size = 0;     // valid bytes
    uint64_t records = 0;  // unconsumed records
    uint64_t events = 0;   // unconsumed events
  };
  explicit Spool(Options options) : options_(std::move(options)) {}
  absl::Status Scan();
  // Applies the persisted cursor to the scanned segments.
  absl::Status ApplyCursor();
  void WriteCursor(uint64_t seq, uint64_t offset);
  absl::Status StartSegment();
  void CloseWriter();
  void DropFrontSegment();

  Options options_;
  int lock_fd_ = -1;
  int cursor_fd_ = -1;
  int write_fd_ = -1;  // open on segments_.back() when appending
  std::deque<Segment> segments_;
  uint64_t read_offset_ = 0;  // into segments_.front()
  std::optional<uint64_t> front_size_;  // size of the record Front() returned
  uint32_t front_events_ = 0;
  uint64_t pending_records_ = 0;
  uint64_t pending_events_ = 0;
  uint64_t disk_bytes_ = 0;
  uint64_t next_seq_ = 1;
};

// Parses one record at the start of `data`. Returns the record's total size
// (header + payload), or 0 when `data` does not start with a complete, valid
// record (torn or corrupt). Exposed for tests.
uint64_t ParseSpoolRecord(std::string_view data, Spool::Record* record);

// Encodes one record (header + payload).
std::string EncodeSpoolRecord(uint32_t events, std::string_view payload);

}  // namespace fnguard::report

#endif  // FNGUARD_RUNTIME_REPORT_SPOOL_H_
