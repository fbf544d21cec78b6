#include "runtime/report/sender.h"

#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <random>

#include "runtime/core/libcurl.h"
#include "runtime/report/gzip.h"
#include "runtime/report/otlp_json.h"
#include "runtime/sandbox/internal_scope.h"

namespace fnguard::report {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kMaxResponseBytes = 64 * 1024;
// gzip level 1: about 3x faster than the default 6 on these batches for a
// slightly larger body (docs/REPORTING.md has the numbers).
constexpr int kGzipLevel = 1;

struct Response {
  std::string body;
  int64_t retry_after_ms = -1;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<Response*>(user);
  size_t len = size * n;
  size_t room = kMaxResponseBytes - std::min(kMaxResponseBytes, r->body.size());
  r->body.append(data, std::min(len, room));
  return len;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (a != prefix[i]) return false;
  }
  return true;
}

// Retry-After as delta-seconds (the HTTP-date form falls back to backoff).
size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<Response*>(user);
  std::string_view line(data, size * n);
  if (StartsWithIgnoreCase(line, "retry-after:")) {
    std::string_view v = Trim(line.substr(12));
    if (!v.empty() && v.size() <= 9 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      r->retry_after_ms = std::strtoll(std::string(v).c_str(), nullptr, 10) * 1000;
    }
  }
  return size * n;
}

std::string NormalizeEndpoint(std::string url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t path = url.find('/', scheme + 3);
  if (path == std::string::npos) return url + "/v1/logs";
  if (url.size() == path + 1) return url.substr(0, path) + "/v1/logs";
  return url;
}

bool IsHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsHeaderValue(std::string_view value) {
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

size_t EstimateBytes(const SecurityEvent& e) {
  return 160 + e.event_id.size() + e.kind.size() + e.detector.size() + e.rule_id.size() +
         e.field_path.size() + e.excerpt.size() + e.reason.size() + e.event_kind.size() +
         e.request_id.size() + e.trace_id.size() + e.function_name.size() + e.function_version.size() +
         e.region.size() + e.policy_version.size() + e.policy_source.size();
}

}  // namespace

bool IsHttpUrl(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 7) == "http://") rest = url.substr(7);
  else if (url.substr(0, 8) == "https://") rest = url.substr(8);
  else return false;
  return !rest.empty() && rest.front() != '/';
}

SenderOptions SenderOptions::FromPolicy(const policy::Reporting& reporting) {
  SenderOptions o;
  o.endpoint = reporting.otlp_endpoint;
  o.spool_dir = reporting.spool_dir;
  for (const auto& [header, env] : reporting.headers_from_env) {
    const char* v = std::getenv(env.c_str());
    if (v != nullptr && IsHeaderName(header) && IsHeaderValue(v)) o.headers.emplace_back(header, v);
  }
  if (!reporting.headers_file.empty()) {
    std::ifstream in(reporting.headers_file);
    std::string line;
    while (std::getline(in, line)) {
      std::string_view l = Trim(line);
      if (l.empty() || l.front() == '#') continue;
      size_t colon = l.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view name = Trim(l.substr(0, colon));
      std::string_view value = Trim(l.substr(colon + 1));
      if (IsHeaderName(name) && IsHeaderValue(value)) o.headers.emplace_back(std::string(name), std::string(value));
    }
  }
  return o;
}

Sender::Sender(SenderOptions options)
    : options_(std::move(options)), endpoint_(NormalizeEndpoint(options_.endpoint)),
      encoder_(options_.resource), backoff_(options_.initial_backoff) {
  chunk_capacity_ = std::clamp<size_t>(options_.max_batch_events, 1, kChunkSlots);
  // The thread keeps as many spare chunks ready (allocated off the lock) as
  // the last batch used, so in steady state no Enqueue() allocates; it keeps
  // at most two full batches' worth. A quiet sender holds two chunks.
  min_free_chunks_ = 2;
  max_free_chunks_ = 2 * (std::max<size_t>(options_.max_batch_events, 1) / chunk_capacity_ + 1);
  for (int i = 0; i < 2; ++i) free_chunks_.push_back(std::make_unique<Chunk>(chunk_capacity_));
  jitter_state_ = (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  if (!options_.spool_dir.empty()) {
    Spool::Options so;
    so.dir = options_.spool_dir;
    so.max_bytes = options_.spool_max_bytes;
    sandbox::InternalScope internal;  // the spool is fnguard's own
    auto spool = Spool::Open(so);
    if (spool.ok()) {
      spool_ = *std::move(spool);
    } else {
      std::fprintf(stderr, "fnguard: event spool unavailable, failed batches stay in memory: %s\n",
                   std::string(spool.status().message()).c_str());
    }
  }
  SyncBacklogCount();
  thread_ = std::thread([this] { Run(); });
}

Sender::~Sender() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    stop_deadline_ = Clock::now() + options_.shutdown_timeout;
    // One last attempt at the backlog unless the server asked us to wait.
    if (!retry_at_from_server_) retry_at_ = Clock::now();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (curl_api_ == nullptr) return;
  if (curl_headers_ != nullptr) curl_api_->slist_free_all(static_cast<curl_slist*>(curl_headers_));
  if (curl_ != nullptr) curl_api_->easy_cleanup(static_cast<CURL*>(curl_));
  if (multi_ != nullptr) curl_api_->multi_cleanup(static_cast<CURLM*>(multi_));
}

bool Sender::SetUpTransfer() {
  if (transfer_set_up_) return curl_ != nullptr;
  transfer_set_up_ = true;
  const libcurl::Api* curl = libcurl::Get();
  if (curl == nullptr) {
    transfer_error_ = libcurl::LoadError();
    // Said once; every batch is then spooled and retried like one for an
    // unreachable collector.
    std::fprintf(stderr, "fnguard: cannot send security events: %s\n", transfer_error_.c_str());
    return false;
  }
  curl_api_ = curl;
  CURL* c = curl->easy_init();
  if (c == nullptr) {
    transfer_error_ = "curl_easy_init failed";
    return false;
  }
  curl_ = c;
  multi_ = curl->multi_init();
  curl_slist* headers = nullptr;
  headers = curl->slist_append(headers, "Content-Type: application/x-protobuf");
  headers = curl->slist_append(headers, "Content-Encoding: gzip");
  headers = curl->slist_append(headers, "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : options_.headers) {
    headers = curl->slist_append(headers, (name + ": " + value).c_str());
  }
  curl_headers_ = headers;
  curl->easy_setopt(c, CURLOPT_URL, endpoint_.c_str());
  curl->easy_setopt(c, CURLOPT_POST, 1L);
  curl->easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl->easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl->easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl->easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl->easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
  curl->easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
  return true;
}

bool Sender::NeedsChunkLocked() const {
  return free_chunks_.empty() && (filling_ == nullptr || filling_->size == filling_->capacity);
}

size_t Sender::PushLocked(SecurityEvent&& event, size_t bytes) {
  if (filling_ == nullptr || filling_->size == filling_->capacity) {
    std::unique_ptr<Chunk> next;
    if (free_chunks_.empty()) {
      next = std::make_unique<Chunk>(chunk_capacity_);
    } else {
      next = std::move(free_chunks_.back());
      free_chunks_.pop_back();
    }
    filling_ = next.get();
    queue_.push_back(std::move(next));
  }
  Chunk& c = *filling_;
  c.events[c.size++] = std::move(event);
  c.bytes += bytes;
  // Pull the next slot into this core's cache for writing now, off the
  // critical path of the next call: an event is ~10 cache lines.
  if (c.size < c.capacity) {
    const char* next = reinterpret_cast<const char*>(&c.events[c.size]);
    for (size_t off = 0; off < sizeof(SecurityEvent); off += 64) __builtin_prefetch(next + off, 1, 3);
  }
  if (queued_ == 0) oldest_ = Clock::now();
  queue_bytes_ += bytes;
  stats_.enqueued += 1;
  return ++queued_;
}

bool Sender::Enqueue(SecurityEvent event) {
  size_t bytes = EstimateBytes(event);
  std::unique_ptr<Chunk> spare;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (queued_ >= options_.queue_max_events || queue_bytes_ + bytes > options_.queue_max_bytes) {
      stats_.dropped += 1;
      dropped_unreported_ += 1;
      return false;
    }
    if (!NeedsChunkLocked()) break;
    if (spare != nullptr) {
      free_chunks_.push_back(std::move(spare));
      break;
    }
    // The queue outgrew the thread's spares: allocate off the lock.
    lock.unlock();
    spare = std::make_unique<Chunk>(chunk_capacity_);
    lock.lock();
  }
  // The thread polls for aged batches on its own; wake it only for a full one.
  bool wake = PushLocked(std::move(event), bytes) == options_.max_batch_events;
  lock.unlock();
  if (wake) cv_.notify_one();
  return true;
}

bool Sender::Flush(int timeout_ms) {
  auto deadline = Clock::now() + milliseconds(std::max(0, timeout_ms));
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t failures_at_start = failures_;
  flush_requested_ = true;
  if (!retry_at_from_server_) retry_at_ = std::min(retry_at_, Clock::now());
  cv_.notify_all();
  // Queued events are always settled (delivered, refused or spooled) before
  // returning; the backlog is waited for only while deliveries succeed.
  idle_cv_.wait_until(lock, deadline, [&] {
    return queued_ == 0 && !in_flight_ && (stats_.backlog_events == 0 || failures_ > failures_at_start);
  });
  return queued_ == 0 && !in_flight_ && stats_.backlog_events == 0;
}

SenderStats Sender::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  SenderStats s = stats_;
  s.queued = queued_;
  return s;
}

bool Sender::QueueReadyLocked(Clock::time_point now) const {
  return queued_ > 0 && (flush_requested_ || stop_ || queued_ >= options_.max_batch_events ||
                         queue_bytes_ >= options_.max_batch_bytes || now - oldest_ >= options_.max_batch_age);
}

Sender::ChunkList Sender::TakeBatchLocked() {
  // Whole chunks: O(1) per chunk under the lock, none of it per event.
  ChunkList batch;
  size_t events = 0, bytes = 0;
  while (!queue_.empty()) {
    const Chunk& c = *queue_.front();
    if (c.size == 0) break;
    if (!batch.empty() && (events + c.size > options_.max_batch_events || bytes >= options_.max_batch_bytes)) {
      break;
    }
    events += c.size;
    bytes += c.bytes;
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (queue_.empty()) filling_ = nullptr;  // the chunk being filled went too
  queued_ -= std::min(queued_, events);
  queue_bytes_ -= std::min(queue_bytes_, bytes);
  if (queued_ > 0) oldest_ = Clock::now();
  return batch;
}

void Sender::Run() {
  // Everything this thread does (connections to the collector, spool files)
  // is fnguard's own: the sandbox (runtime/sandbox) lets it through.
  sandbox::InternalScope internal;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    auto now = Clock::now();
    bool backlog = stats_.backlog_events > 0;
    bool queue_ready = QueueReadyLocked(now);
    bool backlog_ready = backlog && now >= retry_at_ && !(stop_ && now >= stop_deadline_);
    if (queue_ready || backlog_ready) {
      ChunkList batch;
      if (queue_ready) batch = TakeBatchLocked();
      in_flight_ = true;
      lock.unlock();
      Process(std::move(batch));
      lock.lock();
      in_flight_ = false;
      if (queued_ == 0) flush_requested_ = false;
      idle_cv_.notify_all();
      continue;
    }
    // Stopping: leave once the queue is empty and the backlog is delivered,
    // or is safe on disk while the collector is unreachable, or time is up.
    if (stop_ && queued_ == 0 &&
        (!backlog || now >= stop_deadline_ || (spool_ != nullptr && now < retry_at_))) {
      break;
    }
    auto wake = now + options_.max_batch_age;
    if (queued_ > 0) wake = std::min(wake, oldest_ + options_.max_batch_age);
    if (backlog) wake = std::min(wake, retry_at_);
    if (stop_) wake = std::min(wake, stop_deadline_);
    cv_.wait_until(lock, wake);
  }
}

bool Sender::CircuitOpen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Clock::now() < retry_at_;
}

bool Sender::BacklogEmpty() const {
  return spool_ != nullptr ? spool_->empty() && memory_backlog_.empty() : memory_backlog_.empty();
}

void Sender::SyncBacklogCount() {
  uint64_t events = memory_backlog_events_ + (spool_ != nullptr ? spool_->pending_events() : 0);
  std::lock_guard<std::mutex> lock(mu_);
  stats_.backlog_events = events;
}

void Sender::Recycle(ChunkList chunks) {
  const size_t want = std::clamp(chunks.size() + 1, min_free_chunks_, max_free_chunks_);
  for (auto& c : chunks) {
    // Frees the events' strings here, on the thread, not in Enqueue().
    for (size_t i = 0; i < c->size; ++i) c->events[i] = SecurityEvent();
    c->size = 0;
    c->bytes = 0;
  }
  size_t missing = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : chunks) {
      if (free_chunks_.size() >= max_free_chunks_) break;
      free_chunks_.push_back(std::move(c));
    }
    missing = want - std::min(want, free_chunks_.size());
  }
  // Chunks beyond the reserve are freed when `chunks` goes, off the lock;
  // a reserve run low is topped up off the lock too.
  if (missing == 0) return;
  ChunkList fresh;
  for (size_t i = 0; i < missing; ++i) fresh.push_back(std::make_unique<Chunk>(chunk_capacity_));
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& c : fresh) free_chunks_.push_back(std::move(c));
}

Sender::Held Sender::Encode(ChunkList batch) {
  Held out;
  for (const auto& c : batch) {
    for (size_t i = 0; i < c->size; ++i) encoder_.Add(c->events[i]);
    out.events += static_cast<uint32_t>(c->size);
  }
  encoder_.Finish(&encoded_);
  Recycle(std::move(batch));
  out.body = GzipCompress(encoded_, kGzipLevel);
  return out;
}

void Sender::Process(ChunkList batch) {
  if (!BacklogEmpty() && !CircuitOpen()) DrainBacklog();
  if (batch.empty()) return;
  Held current = Encode(std::move(batch));
  while (true) {
    if (CircuitOpen() || !BacklogEmpty()) {
      Backlog(current.events, std::move(current.body));
      return;
    }
    // While the collector works on this batch, take and encode the next one
    // if it is ready: the two overlap instead of taking turns.
    std::optional<Held> next;
    PostResult r = Post(current.body, [&] {
      ChunkList more;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (QueueReadyLocked(Clock::now())) more = TakeBatchLocked();
      }
      if (!more.empty()) next = Encode(std::move(more));
    });
    // Backlog first: a Flush() woken by the failure then finds the batch spooled.
    if (r.outcome == Outcome::kRetry) Backlog(current.events, std::move(current.body));
    OnAttempt(r, current.events);
    if (!next.has_value()) return;
    current = *std::move(next);
  }
}

void Sender::DrainBacklog() {
  while (!BacklogEmpty()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_ && Clock::now() >= stop_deadline_) return;
    }
    uint32_t events = 0;
    std::string body;
    bool from_spool = false;
    if (spool_ != nullptr && !spool_->empty()) {
      auto front = spool_->Front();
      if (!front.ok()) {
        std::fprintf(stderr, "fnguard: event spool read failed: %s\n",
                     std::string(front.status().message()).c_str());
        return;
      }
      if (!front->has_value()) {
        SyncBacklogCount();
        continue;
      }
      events = (*front)->events;
      body = std::move((*front)->payload);
      from_spool = true;
    } else {
      events = memory_backlog_.front().events;
      body = memory_backlog_.front().body;
    }
    PostResult r = Post(body);
    OnAttempt(r, events);
    if (r.outcome == Outcome::kRetry) return;
    if (from_spool) {
      if (absl::Status s = spool_->PopFront(); !s.ok()) return;
    } else {
      memory_backlog_bytes_ -= std::min(memory_backlog_bytes_, memory_backlog_.front().body.size());
      memory_backlog_events_ -= std::min<uint64_t>(memory_backlog_events_, events);
      memory_backlog_.pop_front();
    }
    SyncBacklogCount();
  }
}

void Sender::Backlog(uint32_t events, std::string body) {
  bool kept = false;
  if (spool_ != nullptr) {
    absl::Status s = spool_->Append(events, body);
    kept = s.ok();
    if (!s.ok() && !absl::IsResourceExhausted(s)) {
      std::fprintf(stderr, "fnguard: event spool write failed: %s\n", std::string(s.message()).c_str());
    }
  } else if (memory_backlog_bytes_ + body.size() <= options_.memory_backlog_max_bytes) {
    memory_backlog_bytes_ += body.size();
    memory_backlog_events_ += events;
    memory_backlog_.push_back(Held{events, std::move(body)});
    kept = true;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (kept) {
      stats_.spooled += events;
    } else {
      stats_.dropped += events;
      dropped_unreported_ += events;
    }
  }
  SyncBacklogCount();
}

void Sender::OnAttempt(const PostResult& r, uint32_t events) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.requests += 1;
  auto now = Clock::now();
  switch (r.outcome) {
    case Outcome::kDelivered:
      stats_.delivered += events;
      stats_.partial_rejected += static_cast<uint64_t>(std::max<int64_t>(0, r.partial_rejected));
      backoff_ = options_.initial_backoff;
      retry_at_ = Clock::time_point();
      retry_at_from_server_ = false;
      if (dropped_unreported_ > 0) {
        SecurityEvent e;
        e.event_id = NewEventId();
        e.kind = "internal";
        e.action = Action::kAllow;
        e.detector = "reporting";
        e.rule_id = "reporting.dropped";
        e.reason = std::to_string(dropped_unreported_) +
                   " security events were dropped because the event queue or spool was full";
        e.findings = 0;
        e.time_unix_ns = NowUnixNanos();
        e.function_name = options_.resource.function_name;
        e.function_version = options_.resource.function_version;
        e.region = options_.resource.region;
        dropped_unreported_ = 0;
        size_t bytes = EstimateBytes(e);
        PushLocked(std::move(e), bytes);
      }
      break;
    case Outcome::kRejected:
      stats_.rejected += events;
      std::fprintf(stderr, "fnguard: collector refused %u events (HTTP %ld)\n", events, r.status);
      break;
    case Outcome::kRetry: {
      stats_.retryable_failures += 1;
      failures_ += 1;
      milliseconds delay;
      if (r.retry_after_ms >= 0) {
        delay = std::min(milliseconds(r.retry_after_ms), options_.max_retry_after);
        retry_at_from_server_ = true;
      } else {
        // Full jitter in [backoff/2, backoff].
        jitter_state_ = jitter_state_ * 6364136223846793005ull + 1442695040888963407ull;
        auto span = static_cast<uint64_t>(std::max<int64_t>(1, backoff_.count() / 2));
        delay = milliseconds(backoff_.count() - static_cast<int64_t>((jitter_state_ >> 33) % span));
        backoff_ = std::min(backoff_ * 2, options_.max_backoff);
        retry_at_from_server_ = false;
      }
      retry_at_ = now + delay;
      break;
    }
  }
  idle_cv_.notify_all();
}

int Sender::Perform(void* easy, size_t upload_bytes, const std::function<void()>& while_waiting) {
  const libcurl::Api& curl = *curl_api_;
  auto* c = static_cast<CURL*>(easy);
  auto* m = static_cast<CURLM*>(multi_);
  if (m == nullptr || curl.multi_add_handle(m, c) != CURLM_OK) {
    CURLcode rc = curl.easy_perform(c);
    if (while_waiting) while_waiting();
    return static_cast<int>(rc);
  }
  // The request goes out first; the side work runs once the body is sent
  // (or after 20 ms), while the answer is awaited.
  bool side_done = !while_waiting;
  auto start = Clock::now();
  int running = 1;
  bool failed = false;
  while (running > 0) {
    if (curl.multi_perform(m, &running) != CURLM_OK) {
      failed = true;
      break;
    }
    if (running == 0) break;
    if (!side_done) {
      curl_off_t sent = 0;
      curl.easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &sent);
      if (static_cast<size_t>(sent) >= upload_bytes || Clock::now() - start > milliseconds(20)) {
        side_done = true;
        while_waiting();
        continue;
      }
    }
    curl.multi_poll(m, nullptr, 0, side_done ? 1000 : 2, nullptr);
  }
  CURLcode result = CURLE_RECV_ERROR;
  int left = 0;
  while (CURLMsg* msg = curl.multi_info_read(m, &left)) {
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == c) result = msg->data.result;
  }
  curl.multi_remove_handle(m, c);
  if (failed) result = CURLE_RECV_ERROR;
  if (!side_done) while_waiting();
  return static_cast<int>(result);
}

Sender::PostResult Sender::Post(const std::string& gzipped_body, const std::function<void()>& while_waiting) {
  PostResult result;
  if (!SetUpTransfer()) {
    // Counted and retried like an unreachable collector.
    result.error = transfer_error_;
    if (while_waiting) while_waiting();
    return result;
  }
  const libcurl::Api& curl = *curl_api_;
  auto* c = static_cast<CURL*>(curl_);
  milliseconds timeout = options_.request_timeout;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) {
      auto left = std::chrono::duration_cast<milliseconds>(stop_deadline_ - Clock::now());
      timeout = std::clamp(left, milliseconds(100), timeout);
    }
  }
  Response response;
  curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl.easy_setopt(c, CURLOPT_POSTFIELDS, gzipped_body.data());
  curl.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(gzipped_body.size()));
  curl.easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl.easy_setopt(c, CURLOPT_HEADERDATA, &response);
  auto rc = static_cast<CURLcode>(Perform(c, gzipped_body.size(), while_waiting));
  if (rc != CURLE_OK) {
    result.outcome = Outcome::kRetry;
    result.error = curl.easy_strerror(rc);
    return result;
  }
  long status = 0;
  curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  result.status = status;
  if (status >= 200 && status < 300) {
    result.outcome = Outcome::kDelivered;
    char* content_type = nullptr;
    curl.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &content_type);
    otlp_collector::ExportLogsServiceResponse answer;
    bool parsed = false;
    if (content_type != nullptr && std::string_view(content_type).find("json") != std::string_view::npos) {
      parsed = ParseJsonExportLogsResponse(response.body, &answer).ok();
    } else {
      // Quietly: a collector's malformed answer must not write protobuf's
      // complaints into the function's log.
      google::protobuf::LogSilencer quiet;
      parsed = answer.ParseFromString(response.body);
    }
    if (parsed && answer.has_partial_success()) {
      result.partial_rejected = answer.partial_success().rejected_log_records();
    }
    return result;
  }
  if (status == 429 || status == 502 || status == 503 || status == 504) {
    result.outcome = Outcome::kRetry;
    result.retry_after_ms = response.retry_after_ms;
    return result;
  }
  result.outcome = Outcome::kRejected;
  return result;
}

}  // namespace fnguard::report
