#include "runtime/report/spool.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "runtime/report/gzip.h"

namespace fnguard::report {
namespace {

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

absl::Status Errno(std::string_view what, const std::string& path) {
  return absl::InternalError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

bool ReadAll(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out->clear();
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

bool PreadFull(int fd, char* buf, size_t n, uint64_t offset) {
  while (n > 0) {
    ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    buf += r;
    n -= static_cast<size_t>(r);
    offset += static_cast<uint64_t>(r);
  }
  return true;
}

void SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string SegmentName(uint64_t seq) {
  char name[32];
  std::snprintf(name, sizeof(name), "%016llu.seg", static_cast<unsigned long long>(seq));
  return name;
}

}  // namespace

std::string EncodeSpoolRecord(uint32_t events, std::string_view payload) {
  std::string rec;
  rec.reserve(Spool::kHeaderBytes + payload.size());
  std::string covered;
  PutU32(&covered, events);
  uint32_t crc = Crc32(payload, Crc32(covered));
  PutU32(&rec, Spool::kMagic);
  PutU32(&rec, static_cast<uint32_t>(payload.size()));
  PutU32(&rec, events);
  PutU32(&rec, crc);
  rec.append(payload);
  return rec;
}

uint64_t ParseSpoolRecord(std::string_view data, Spool::Record* record) {
  if (data.size() < Spool::kHeaderBytes) return 0;
  if (GetU32(data.data()) != Spool::kMagic) return 0;
  uint64_t length = GetU32(data.data() + 4);
  uint32_t events = GetU32(data.data() + 8);
  uint32_t crc = GetU32(data.data() + 12);
  if (data.size() - Spool::kHeaderBytes < length) return 0;
  std::string_view payload = data.substr(Spool::kHeaderBytes, length);
  uint32_t actual = Crc32(payload, Crc32(data.substr(8, 4)));
  if (actual != crc) return 0;
  if (record != nullptr) {
    record->events = events;
    record->payload.assign(payload);
  }
  return Spool::kHeaderBytes + length;
}

absl::StatusOr<std::unique_ptr<Spool>> Spool::Open(Options options) {
  if (options.dir.empty()) return absl::InvalidArgumentError("spool directory is empty");
  if (::mkdir(options.dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("cannot create spool directory", options.dir);
  }
  std::unique_ptr<Spool> spool(new Spool(std::move(options)));
  std::string lock_path = spool->options_.dir + "/lock";
  spool->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (spool->lock_fd_ < 0) return Errno("cannot open", lock_path);
  if (::flock(spool->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError("spool " + spool->options_.dir + " is in use by another process");
  }
  if (absl::Status s = spool->Scan(); !s.ok()) return s;
  if (absl::Status s = spool->ApplyCursor(); !s.ok()) return s;
  return spool;
}

Spool::~Spool() {
  CloseWriter();
  if (cursor_fd_ >= 0) ::close(cursor_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

absl::Status Spool::Scan() {
  DIR* d = ::opendir(options_.dir.c_str());
  if (d == nullptr) return Errno("cannot list", options_.dir);
  std::vector<uint64_t> seqs;
  while (dirent* ent = ::readdir(d)) {
    std::string_view name = ent->d_name;
    if (name.size() != 20 || name.substr(16) != ".seg") continue;
    uint64_t seq = 0;
    bool digits = true;
    for (char c : name.substr(0, 16)) {
      if (c < '0' || c > '9') digits = false;
      seq = seq * 10 + static_cast<uint64_t>(c - '0');
    }
    if (digits) seqs.push_back(seq);
  }
  ::closedir(d);
  std::sort(seqs.begin(), seqs.end());
  std::string data;
  for (uint64_t seq : seqs) {
    Segment seg;
    seg.seq = seq;
    seg.path = options_.dir + "/" + SegmentName(seq);
    if (!ReadAll(seg.path, &data)) return Errno("cannot read", seg.path);
    uint64_t offset = 0;
    Record rec;
    while (offset < data.size()) {
      uint64_t n = ParseSpoolRecord(std::string_view(data).substr(offset), &rec);
      if (n == 0) break;  // torn or corrupt tail: everything after it is ignored
      offset += n;
      seg.records += 1;
      seg.events += rec.events;
    }
    if (offset < data.size() && ::truncate(seg.path.c_str(), static_cast<off_t>(offset)) != 0) {
      return Errno("cannot truncate torn tail of", seg.path);
    }
    seg.size = offset;
    next_seq_ = seq + 1;
    if (seg.records == 0) {
      ::unlink(seg.path.c_str());
      continue;
    }
    pending_records_ += seg.records;
    pending_events_ += seg.events;
    disk_bytes_ += seg.size;
    segments_.push_back(std::move(seg));
  }
  return absl::OkStatus();
}

void Spool::WriteCursor(uint64_t seq, uint64_t offset) {
  if (cursor_fd_ < 0) return;
  std::string rest;
  for (int i = 0; i < 8; ++i) rest.push_back(static_cast<char>((seq >> (8 * i)) & 0xff));
  for (int i = 0; i < 8; ++i) rest.push_back(static_cast<char>((offset >> (8 * i)) & 0xff));
  std::string rec;
  PutU32(&rec, kCursorMagic);
  PutU32(&rec, Crc32(rest));
  rec += rest;
  // One small write at offset 0: a process crash leaves the old or the new
  // cursor, and a torn one fails its CRC.
  if (::pwrite(cursor_fd_, rec.data(), rec.size(), 0) != static_cast<ssize_t>(rec.size())) {
    // A stale cursor only means records replayed again (deduplicated).
    return;
  }
}

absl::Status Spool::ApplyCursor() {
  std::string path = options_.dir + "/cursor";
  cursor_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (cursor_fd_ < 0) return Errno("cannot open", path);
  char buf[kCursorBytes];
  ssize_t n = ::pread(cursor_fd_, buf, sizeof(buf), 0);
  if (n != static_cast<ssize_t>(kCursorBytes) || GetU32(buf) != kCursorMagic ||
      GetU32(buf + 4) != Crc32(std::string_view(buf + 8, 16))) {
    return absl::OkStatus();  // none yet, or unreadable: replay from the start
  }
  uint64_t seq = 0, offset = 0;
  for (int i = 7; i >= 0; --i) {
    seq = (seq << 8) | static_cast<uint8_t>(buf[8 + i]);
    offset = (offset << 8) | static_cast<uint8_t>(buf[16 + i]);
  }
  // New segments must sort after the cursor's, or a later Open() would take
  // them for consumed ones.
  next_seq_ = std::max(next_seq_, seq + 1);
  // Segments before the cursor's were consumed; the process died before it
  // deleted them.
  while (!segments_.empty() && segments_.front().seq < seq) DropFrontSegment();
  if (segments_.empty() || segments_.front().seq != seq || offset == 0) return absl::OkStatus();
  // Resume at `offset` if it is a record boundary of the (already scanned,
  // valid) segment; else the cursor is not trusted.
  Segment& seg = segments_.front();
  if (offset > seg.size) return absl::OkStatus();
  std::string data;
  if (!ReadAll(seg.path, &data)) return Errno("cannot read", seg.path);
  uint64_t at = 0, records = 0, events = 0;
  Record rec;
  while (at < offset) {
    uint64_t len = ParseSpoolRecord(std::string_view(data).substr(at), &rec);
    if (len == 0) return absl::OkStatus();
    at += len;
    records += 1;
    events += rec.events;
  }
  if (at != offset) return absl::OkStatus();
  read_offset_ = offset;
  seg.records -= std::min(seg.records, records);
  seg.events -= std::min(seg.events, events);
  pending_records_ -= std::min(pending_records_, records);
  pending_events_ -= std::min(pending_events_, events);
  if (read_offset_ >= seg.size) DropFrontSegment();
  return absl::OkStatus();
}

void Spool::CloseWriter() {
  if (write_fd_ >= 0) ::close(write_fd_);
  write_fd_ = -1;
}

absl::Status Spool::StartSegment() {
  CloseWriter();
  Segment seg;
  seg.seq = next_seq_++;
  seg.path = options_.dir + "/" + SegmentName(seg.seq);
  write_fd_ = ::open(seg.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (write_fd_ < 0) return Errno("cannot create", seg.path);
  SyncDir(options_.dir);
  segments_.push_back(std::move(seg));
  return absl::OkStatus();
}

absl::Status Spool::Append(uint32_t events, std::string_view payload) {
  std::string rec = EncodeSpoolRecord(events, payload);
  if (disk_bytes_ + rec.size() > options_.max_bytes) {
    return absl::ResourceExhaustedError("spool is full");
  }
  if (write_fd_ < 0 || segments_.empty() || segments_.back().size >= options_.segment_bytes) {
    if (absl::Status s = StartSegment(); !s.ok()) return s;
  }
  Segment& seg = segments_.back();
  size_t done = 0;
  while (done < rec.size()) {
    ssize_t n = ::pwrite(write_fd_, rec.data() + done, rec.size() - done,
                         static_cast<off_t>(seg.size + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      absl::Status err = Errno("cannot write", seg.path);
      // Cut a partial record off so later appends stay readable.
      if (::ftruncate(write_fd_, static_cast<off_t>(seg.size)) != 0) CloseWriter();
      return err;
    }
    done += static_cast<size_t>(n);
  }
  if (options_.sync && ::fdatasync(write_fd_) != 0) {
    absl::Status err = Errno("cannot sync", seg.path);
    if (::ftruncate(write_fd_, static_cast<off_t>(seg.size)) != 0) CloseWriter();
    return err;
  }
  seg.size += rec.size();
  seg.records += 1;
  seg.events += events;
  pending_records_ += 1;
  pending_events_ += events;
  disk_bytes_ += rec.size();
  return absl::OkStatus();
}

void Spool::DropFrontSegment() {
  const Segment& seg = segments_.front();
  if (segments_.size() == 1) CloseWriter();
  ::unlink(seg.path.c_str());
  disk_bytes_ -= std::min(disk_bytes_, seg.size);
  pending_records_ -= std::min(pending_records_, seg.records);
  pending_events_ -= std::min(pending_events_, seg.events);
  segments_.pop_front();
  read_offset_ = 0;
}

absl::StatusOr<std::optional<Spool::Record>> Spool::Front() {
  front_size_.reset();
  while (!segments_.empty()) {
    Segment& seg = segments_.front();
    if (read_offset_ + kHeaderBytes <= seg.size) {
      int fd = ::open(seg.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return Errno("cannot open", seg.path);
      char header[kHeaderBytes];
      bool ok = PreadFull(fd, header, kHeaderBytes, read_offset_);
      uint64_t length = ok ? GetU32(header + 4) : 0;
      std::string data;
      if (ok && read_offset_ + kHeaderBytes + length <= seg.size) {
        data.assign(header, kHeaderBytes);
        data.resize(kHeaderBytes + length);
        ok = PreadFull(fd, data.data() + kHeaderBytes, length, read_offset_ + kHeaderBytes);
      } else {
        ok = false;
      }
      ::close(fd);
      Record rec;
      uint64_t n = ok ? ParseSpoolRecord(data, &rec) : 0;
      if (n != 0) {
        front_size_ = n;
        front_events_ = rec.events;
        return std::optional<Record>(std::move(rec));
      }
    }
    // Nothing (valid) left in this segment.
    DropFrontSegment();
  }
  return std::optional<Record>();
}

absl::Status Spool::PopFront() {
  if (!front_size_.has_value() || segments_.empty()) {
    return absl::FailedPreconditionError("PopFront without a Front record");
  }
  Segment& seg = segments_.front();
  read_offset_ += *front_size_;
  front_size_.reset();
  WriteCursor(seg.seq, read_offset_);
  seg.records -= std::min<uint64_t>(seg.records, 1);
  seg.events -= std::min<uint64_t>(seg.events, front_events_);
  pending_records_ -= std::min<uint64_t>(pending_records_, 1);
  pending_events_ -= std::min<uint64_t>(pending_events_, front_events_);
  if (read_offset_ >= seg.size) {
    // DropFrontSegment subtracts the (now zero) remaining counts.
    DropFrontSegment();
  }
  return absl::OkStatus();
}

}  // namespace fnguard::report
