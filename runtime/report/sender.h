// Sender: streams SecurityEvents to an OTLP/HTTP logs endpoint from one
// background thread, never blocking the function that reports them.
//
//   Sender sender(SenderOptions::FromPolicy(policy.reporting));
//   sender.Enqueue(std::move(event));   // ~0.1 us: a mutex and a move (docs/REPORTING.md)
//   sender.Flush(500);                  // after the Lambda response is posted
//
// Pipeline: Enqueue() moves the event into a slot of a preallocated chunk of
// a bounded in-memory queue: no I/O, no allocation while the thread keeps
// spare chunks ready (it does, off the lock), O(1) under a mutex that the
// thread holds only for steps that are O(1) per chunk. The thread takes
// batches (max events / bytes / age) as whole chunks, writes one
// ExportLogsServiceRequest straight to the wire format (ExportRequestEncoder),
// gzips it (level 1) and POSTs it with one kept-alive libcurl handle (TLS
// verified, proxies ignored, auth headers from the policy; libcurl is loaded
// by the first request, and when it cannot be, every request fails like one
// to an unreachable collector). While a request is in flight the thread
// already encodes the next batch, so the collector and the encoder overlap.
//
// Outcomes: 2xx = delivered (a partial_success is counted, never retried);
// connection errors, 429, 502, 503, 504 = retryable: the batch goes to the
// disk spool (runtime/report/spool.h) and the sender waits Retry-After, else
// an exponential backoff with jitter, before replaying the spool in order;
// any other status = the collector refuses the batch for good: it is dropped
// and counted. While the spool holds anything, new batches are appended to it
// so delivery order is preserved. Events are dropped only when the queue or
// the spool is at its cap; the count is reported as an INTERNAL event once
// delivery resumes.
//
// Thread-safety: Enqueue/Flush/stats may be called from any thread.
#ifndef FNGUARD_RUNTIME_REPORT_SENDER_H_
#define FNGUARD_RUNTIME_REPORT_SENDER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "policy/policy.h"
#include "runtime/report/otlp.h"
#include "runtime/report/reporter.h"
#include "runtime/report/spool.h"

namespace fnguard::libcurl {
struct Api;
}  // namespace fnguard::libcurl

namespace fnguard::report {

struct SenderOptions {
  // Full URL of the logs endpoint. A URL with no path (or "/") gets
  // "/v1/logs" appended, as OTEL_EXPORTER_OTLP_ENDPOINT does.
  std::string endpoint;
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers (auth)
  std::string ca_file;                                        // empty: system trust store
  ResourceInfo resource = ResourceInfo::FromEnv();

  std::string spool_dir = "/tmp/fnguard-spool";  // empty: no disk spool
  uint64_t spool_max_bytes = 64ull << 20;

  size_t max_batch_events = 8192;
  size_t max_batch_bytes = 4u << 20;  // estimated, before encoding
  std::chrono::milliseconds max_batch_age{200};
  size_t queue_max_events = 65536;
  size_t queue_max_bytes = 32u << 20;
  size_t memory_backlog_max_bytes = 8u << 20;  // failed batches kept when there is no spool

  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::milliseconds max_retry_after{60000};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds shutdown_timeout{2000};  // destructor's flush deadline

  // Endpoint, auth headers (headers_from_env: header -> env var name;
  // headers_file: "Name: value" lines) and spool directory from the policy.
  static SenderOptions FromPolicy(const policy::Reporting& reporting);
};

// Counters since construction.
struct SenderStats {
  uint64_t enqueued = 0;           // events accepted by Enqueue()
  uint64_t delivered = 0;          // events in batches a collector accepted (2xx)
  uint64_t partial_rejected = 0;   // records a 2xx partial_success said it rejected
  uint64_t rejected = 0;           // events in batches refused with a non-retryable status
  uint64_t dropped = 0;            // events lost at the queue or spool cap
  uint64_t spooled = 0;            // events written to the backlog (spool or memory)
  uint64_t requests = 0;           // HTTP requests made
  uint64_t retryable_failures = 0; // requests that failed with a retryable outcome
  uint64_t backlog_events = 0;     // events waiting in the backlog now
  uint64_t queued = 0;             // events waiting in the in-memory queue now
};

// Whether `url` is an http:// or https:// URL with a host.
bool IsHttpUrl(std::string_view url);

class Sender {
 public:
  explicit Sender(SenderOptions options);
  ~Sender();  // flushes up to shutdown_timeout, then always joins the thread
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Queues one event. Never blocks on I/O. Returns false when the queue is
  // full (the event is counted as dropped).
  bool Enqueue(SecurityEvent event);

  // Sends everything queued now without waiting for the batch age. Waits
  // until every queued event is settled (delivered, refused, or spooled) and
  // the backlog is empty, or a delivery attempt made after this call failed
  // (the events are then in the spool), or the deadline passes. Returns true
  // when nothing is left to send.
  bool Flush(int timeout_ms);

  SenderStats stats() const;
  // Whether the disk spool is in use (it can fail to open: no space, busy).
  bool has_spool() const { return spool_ != nullptr; }
  const std::string& endpoint() const { return endpoint_; }

 private:
  enum class Outcome { kDelivered, kRejected, kRetry };
  struct PostResult {
    Outcome outcome = Outcome::kRetry;
    long status = 0;
    int64_t retry_after_ms = -1;
    int64_t partial_rejected = 0;
    std::string error;
  };
  struct Held {
    uint32_t events = 0;
    std::string body;
  };
  // A fixed block of queue slots, one allocation (~40 KiB). Slots are
  // default-constructed up front and reset by the thread after encoding, so
  // an Enqueue() only move-assigns.
  static constexpr size_t kChunkSlots = 64;
  struct Chunk {
    explicit Chunk(size_t capacity) : capacity(capacity) {}
    size_t capacity;   // <= kChunkSlots
    size_t size = 0;
    size_t bytes = 0;  // estimated
    SecurityEvent events[kChunkSlots];
  };
  using ChunkList = std::vector<std::unique_ptr<Chunk>>;

  void Run();
  void Process(ChunkList batch);
  // Whether the next push needs a chunk and none is spare (mu_ held).
  bool NeedsChunkLocked() const;
  // Appends under mu_ (no cap check). Returns the queue length after it.
  size_t PushLocked(SecurityEvent&& event, size_t bytes);
  // Resets the chunks' slots and keeps up to kFreeChunks of them for reuse.
  void Recycle(ChunkList chunks);
  // Sends backlog records in order until empty or a failure.
  void DrainBacklog();
  void Backlog(uint32_t events, std::string body);
  bool BacklogEmpty() const;
  // POSTs one body. `while_waiting` (if any) runs once while the answer is
  // awaited, whether or not the request succeeds.
  PostResult Post(const std::string& gzipped_body, const std::function<void()>& while_waiting = {});
  // curl_easy_perform through the multi interface, running `while_waiting`
  // once the body is out. Returns a CURLcode.
  int Perform(void* easy, size_t upload_bytes, const std::function<void()>& while_waiting);
  bool QueueReadyLocked(std::chrono::steady_clock::time_point now) const;
  ChunkList TakeBatchLocked();
  // Encodes and gzips a batch; recycles its chunks.
  Held Encode(ChunkList batch);
  void OnAttempt(const PostResult& r, uint32_t events);
  bool CircuitOpen() const;
  void SyncBacklogCount();

  const SenderOptions options_;
  std::string endpoint_;
  // Loads libcurl and sets up the kept-alive handle on the first request
  // (thread only); false, with transfer_error_ saying why, when it cannot.
  bool SetUpTransfer();

  const libcurl::Api* curl_api_ = nullptr;  // thread only, set by SetUpTransfer()
  bool transfer_set_up_ = false;            // thread only
  std::string transfer_error_;              // thread only
  void* curl_ = nullptr;  // CURL*, used by the thread only
  void* curl_headers_ = nullptr;  // curl_slist*
  void* multi_ = nullptr;  // CURLM*: drives curl_ so that encoding overlaps a request
  std::unique_ptr<Spool> spool_;       // thread only
  std::deque<Held> memory_backlog_;    // thread only; used when there is no spool
  size_t memory_backlog_bytes_ = 0;
  uint64_t memory_backlog_events_ = 0;
  uint64_t jitter_state_ = 0;  // thread only

  // What Enqueue() touches, kept together: a call made after the handler
  // thread slept pays for every cache line and page it touches.
  alignas(64) mutable std::mutex mu_;
  Chunk* filling_ = nullptr;   // guarded by mu_: queue_.back() while it is filled
  size_t queued_ = 0;          // guarded by mu_: events in queue_
  size_t queue_bytes_ = 0;     // guarded by mu_
  std::chrono::steady_clock::time_point oldest_;  // guarded by mu_
  ChunkList free_chunks_;      // guarded by mu_; empty, ready for reuse
  SenderStats stats_;          // guarded by mu_
  uint64_t dropped_unreported_ = 0;

  std::condition_variable cv_;        // wakes the thread
  std::condition_variable idle_cv_;   // wakes Flush() waiters
  std::deque<std::unique_ptr<Chunk>> queue_;  // guarded by mu_
  size_t chunk_capacity_ = 0;
  size_t min_free_chunks_ = 0;
  size_t max_free_chunks_ = 0;
  ExportRequestEncoder encoder_;               // thread only
  std::string encoded_;                        // thread only, reused
  bool in_flight_ = false;
  bool flush_requested_ = false;
  bool stop_ = false;
  std::chrono::steady_clock::time_point stop_deadline_;
  std::chrono::steady_clock::time_point retry_at_;  // circuit open until then
  bool retry_at_from_server_ = false;
  std::chrono::milliseconds backoff_;
  uint64_t failures_ = 0;

  std::thread thread_;
};

}  // namespace fnguard::report

#endif  // FNGUARD_RUNTIME_REPORT_SENDER_H_
