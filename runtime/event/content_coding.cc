#include "runtime/event/content_coding.h"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "runtime/event/text_codecs.h"

namespace fnguard::event {
namespace {

// Registered compressions (IANA HTTP Content Coding Registry) that are not
// gzip, deflate, br or zstd.
bool IsOtherCompression(std::string_view t) {
  for (std::string_view name :
       {"compress", "x-compress", "exi", "pack200-gzip", "aes128gcm", "dcb", "dcz"}) {
    if (EqualsIgnoreCase(t, name)) return true;
  }
  return false;
}

// Appends `n` bytes of decompressed output to `out`, or as many as keep it
// within `max_out`; false when they did not all fit.
bool AppendWithin(const void* data, size_t n, size_t max_out, std::string* out) {
  const size_t room = max_out - out->size();
  out->append(static_cast<const char*>(data), std::min(n, room));
  return n <= room;
}

// One zlib stream (windowBits as inflateInit2 takes it) from `*data` into
// `out`, up to `max_out` bytes in all; `*data` is left at what follows the
// stream.
InflateStatus InflateStream(std::string_view* data, int window_bits, size_t max_out,
                            std::string* out) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, window_bits) != Z_OK) return InflateStatus::kCorrupt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data->data()));
  zs.avail_in = static_cast<uInt>(data->size());
  char buf[16384];
  InflateStatus status = InflateStatus::kOk;
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      status = InflateStatus::kCorrupt;
      break;
    }
    const size_t produced = sizeof(buf) - zs.avail_out;
    if (!AppendWithin(buf, produced, max_out, out)) {
      status = InflateStatus::kTruncated;
      break;
    }
    if (rc == Z_STREAM_END) break;
    if (produced == 0 && zs.avail_in == 0) {  // cut short
      status = InflateStatus::kCorrupt;
      break;
    }
  }
  data->remove_prefix(data->size() - zs.avail_in);
  inflateEnd(&zs);
  return status;
}

// The Brotli decoder's allocations, counted against a budget: an allocation
// past it fails, and the decoder stops with an ALLOC error. Each block keeps
// its size in a header in front of it, for the free.
struct BrotliBudget {
  static constexpr size_t kHeader = alignof(std::max_align_t);
  size_t used = 0;
  size_t cap = 0;
};

void* BrotliAlloc(void* opaque, size_t size) {
  auto* budget = static_cast<BrotliBudget*>(opaque);
  if (size > budget->cap - budget->used) return nullptr;
  void* block = std::malloc(size + BrotliBudget::kHeader);
  if (block == nullptr) return nullptr;
  std::memcpy(block, &size, sizeof(size));
  budget->used += size;
  return static_cast<char*>(block) + BrotliBudget::kHeader;
}

void BrotliFree(void* opaque, void* address) {
  if (address == nullptr) return;
  char* block = static_cast<char*>(address) - BrotliBudget::kHeader;
  size_t size;
  std::memcpy(&size, block, sizeof(size));
  static_cast<BrotliBudget*>(opaque)->used -= size;
  std::free(block);
}

bool IsBrotliAllocError(BrotliDecoderErrorCode code) {
  switch (code) {
    case BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES:
    case BROTLI_DECODER_ERROR_ALLOC_TREE_GROUPS:
    case BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MAP:
    case BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_1:
    case BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_2:
    case BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES:
      return true;
    default:
      return false;
  }
}

// One Brotli stream, the whole of `data` (nothing may follow it).
InflateStatus DecompressBrotli(std::string_view data, size_t max_out, std::string* out) {
  BrotliBudget budget;
  budget.cap = MaxBrotliMemory(max_out);
  BrotliDecoderState* state = BrotliDecoderCreateInstance(BrotliAlloc, BrotliFree, &budget);
  if (state == nullptr) return InflateStatus::kCorrupt;
  const auto* next_in = reinterpret_cast<const uint8_t*>(data.data());
  size_t avail_in = data.size();
  uint8_t buf[16384];
  InflateStatus status = InflateStatus::kOk;
  for (;;) {
    uint8_t* next_out = buf;
    size_t avail_out = sizeof(buf);
    const BrotliDecoderResult rc =
        BrotliDecoderDecompressStream(state, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    if (!AppendWithin(buf, sizeof(buf) - avail_out, max_out, out)) {
      status = InflateStatus::kTruncated;
      break;
    }
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) continue;
    if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
      if (avail_in != 0) status = InflateStatus::kCorrupt;  // bytes after the stream
      break;
    }
    if (rc == BROTLI_DECODER_RESULT_ERROR &&
        IsBrotliAllocError(BrotliDecoderGetErrorCode(state))) {
      // The stream asked for a window or tables larger than an output of
      // max_out bytes needs: it is a larger body than inspection takes.
      status = InflateStatus::kTruncated;
      break;
    }
    status = InflateStatus::kCorrupt;  // an error, or the stream is cut short
    break;
  }
  BrotliDecoderDestroyInstance(state);
  return status;
}

// Zstandard frames one after another, the whole of `data` (a stream may hold
// several frames, and skippable frames, which carry no output).
InflateStatus DecompressZstd(std::string_view data, size_t max_out, std::string* out) {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (dctx == nullptr) return InflateStatus::kCorrupt;
  InflateStatus status = InflateStatus::kOk;
  if (ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, MaxZstdWindowLog(max_out)))) {
    status = InflateStatus::kCorrupt;
  }
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  char buf[16384];
  while (status == InflateStatus::kOk) {
    ZSTD_outBuffer o{buf, sizeof(buf), 0};
    const size_t rc = ZSTD_decompressStream(dctx, &o, &in);
    if (ZSTD_isError(rc)) {
      // A window larger than an output of max_out bytes needs: it is a
      // larger body than inspection takes.
      status = ZSTD_getErrorCode(rc) == ZSTD_error_frameParameter_windowTooLarge
                   ? InflateStatus::kTruncated
                   : InflateStatus::kCorrupt;
      break;
    }
    if (!AppendWithin(buf, o.pos, max_out, out)) {
      status = InflateStatus::kTruncated;
      break;
    }
    if (in.pos < in.size || o.pos == o.size) continue;  // more input, or more output
    // All input read and all output flushed: whole when the last frame ended.
    if (rc != 0) status = InflateStatus::kCorrupt;  // cut short
    break;
  }
  ZSTD_freeDCtx(dctx);
  return status;
}

}  // namespace

int MaxZstdWindowLog(size_t max_out) {
  int log = 23;
  while (log < 27 && (size_t{1} << log) < max_out) ++log;
  return log;
}

size_t MaxBrotliMemory(size_t max_out) {
  // A ring buffer grows to the next power of two of the output (at most twice
  // it), and the old one is kept while it grows; the Huffman tables of 256
  // block types of each kind take under 4 MiB.
  constexpr size_t kTables = size_t{4} << 20;
  const size_t limit = std::numeric_limits<size_t>::max();
  return max_out > (limit - kTables) / 3 ? limit : 3 * max_out + kTables;
}

CodingList ParseContentEncoding(std::string_view header) {
  CodingList list;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    const std::string_view token =
        TrimSpaces(comma == std::string_view::npos ? header : header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    Coding c;
    if (EqualsIgnoreCase(token, "gzip") || EqualsIgnoreCase(token, "x-gzip")) {
      c = Coding::kGzip;
    } else if (EqualsIgnoreCase(token, "deflate")) {
      c = Coding::kDeflate;
    } else if (EqualsIgnoreCase(token, "br")) {
      c = Coding::kBrotli;
    } else if (EqualsIgnoreCase(token, "zstd")) {
      c = Coding::kZstd;
    } else {
      if (list.unsupported.empty() && IsOtherCompression(token)) list.unsupported = token;
      continue;
    }
    if (list.size == CodingList::kMax) {
      list.too_many = true;
      continue;
    }
    list.codings[list.size++] = c;
  }
  return list;
}

bool SameCodings(const CodingList& a, const CodingList& b) {
  return a.size == b.size && a.too_many == b.too_many &&
         std::equal(a.codings.begin(), a.codings.begin() + a.size, b.codings.begin()) &&
         EqualsIgnoreCase(a.unsupported, b.unsupported);
}

InflateStatus Inflate(std::string_view data, Coding coding, size_t max_out, std::string* out) {
  out->clear();
  // zlib counts input in uInt; a body that large is over every limit anyway.
  if (data.size() > std::numeric_limits<uInt>::max()) return InflateStatus::kCorrupt;
  if (coding == Coding::kBrotli) return DecompressBrotli(data, max_out, out);
  if (coding == Coding::kZstd) return DecompressZstd(data, max_out, out);
  if (coding == Coding::kDeflate) {
    // "deflate" means zlib data; some clients send raw deflate instead.
    std::string_view rest = data;
    InflateStatus s = InflateStream(&rest, 15, max_out, out);
    if (s != InflateStatus::kCorrupt) return s;
    out->clear();
    rest = data;
    return InflateStream(&rest, -15, max_out, out);
  }
  // gzip: members one after another (RFC 1952 section 2.2) are one body.
  std::string_view rest = data;
  bool first = true;
  while (first || (rest.size() >= 2 && static_cast<unsigned char>(rest[0]) == 0x1f &&
                   static_cast<unsigned char>(rest[1]) == 0x8b)) {
    first = false;
    // (32 + 15: a zlib stream is taken too, as some writers label one gzip.)
    const InflateStatus s = InflateStream(&rest, 32 + 15, max_out, out);
    if (s != InflateStatus::kOk) return s;
  }
  // Trailing zero bytes (padding some writers leave) end the body too.
  for (char c : rest) {
    if (c != '\0') return InflateStatus::kCorrupt;
  }
  return InflateStatus::kOk;
}

std::string_view CodingName(Coding coding) {
  switch (coding) {
    case Coding::kGzip:
      return "gzip";
    case Coding::kDeflate:
      return "deflate";
    case Coding::kBrotli:
      return "br";
    case Coding::kZstd:
      return "zstd";
  }
  return "gzip";
}

}  // namespace fnguard::event
