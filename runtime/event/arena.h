// A bump allocator for bytes that field values point into (decoded base64,
// URL-decoded query values, lower-cased media types, copied strings of nested
// JSON documents). Addresses stay stable until Reset(); memory is kept across
// resets so that steady-state decoding does not allocate.
//
// Not thread-safe; owned by one Decoder.
#ifndef FNGUARD_RUNTIME_EVENT_ARENA_H_
#define FNGUARD_RUNTIME_EVENT_ARENA_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace fnguard::event {

class ByteArena {
 public:
  static constexpr size_t kChunkBytes = 64 * 1024;
  // Chunks kept across Reset(); larger or extra chunks are released.
  static constexpr size_t kRetainedChunks = 4;

  ByteArena() = default;
  ByteArena(const ByteArena&) = delete;
  ByteArena& operator=(const ByteArena&) = delete;

  // Returns `n` writable bytes, valid until Reset().
  char* Allocate(size_t n) {
    if (n == 0) n = 1;
    if (current_ < chunks_.size() && chunks_[current_].size - used_ >= n) {
      char* p = chunks_[current_].data.get() + used_;
      used_ += n;
      return p;
    }
    return AllocateSlow(n);
  }

  // Gives back the unused tail of the most recent Allocate(n) call, which
  // returned `p`, keeping its first `kept` bytes.
  void ShrinkLast(const char* p, size_t n, size_t kept) {
    if (current_ < chunks_.size() && p + n == chunks_[current_].data.get() + used_ && kept <= n) {
      used_ -= n - kept;
    }
  }

  std::string_view Copy(std::string_view s) {
    if (s.empty()) return {};
    char* p = Allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return std::string_view(p, s.size());
  }

  void Reset() {
    size_t keep = 0;
    for (size_t i = 0; i < chunks_.size() && keep < kRetainedChunks; ++i) {
      if (chunks_[i].size == kChunkBytes) {
        if (i != keep) chunks_[keep] = std::move(chunks_[i]);
        ++keep;
      }
    }
    chunks_.resize(keep);
    current_ = 0;
    used_ = 0;
  }

 private:
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };

  char* AllocateSlow(size_t n) {
    // Move on to the next retained chunk if it fits.
    while (current_ + 1 < chunks_.size()) {
      ++current_;
      used_ = 0;
      if (chunks_[current_].size >= n) {
        used_ = n;
        return chunks_[current_].data.get();
      }
    }
    Chunk chunk;
    chunk.size = n > kChunkBytes ? n : kChunkBytes;
    chunk.data.reset(new char[chunk.size]);
    chunks_.push_back(std::move(chunk));
    current_ = chunks_.size() - 1;
    used_ = n;
    return chunks_[current_].data.get();
  }

  std::vector<Chunk> chunks_;
  size_t current_ = 0;
  size_t used_ = 0;
};

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_ARENA_H_
