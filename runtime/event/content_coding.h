// Content codings of HTTP bodies (RFC 9110 section 8.4): the codings a
// Content-Encoding header lists, and gzip / deflate / Brotli / Zstandard
// decompression bounded by the inspection size limit. A client may compress a request body,
// and frameworks decompress it before the handler reads it (Express's body
// parsers and ASP.NET Core's request decompression do), so the inspected text
// must be the decompressed one.
#ifndef FNGUARD_RUNTIME_EVENT_CONTENT_CODING_H_
#define FNGUARD_RUNTIME_EVENT_CONTENT_CODING_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fnguard::event {

enum class Coding : uint8_t {
  kGzip,     // "gzip", "x-gzip": one or more gzip members (or zlib data)
  kDeflate,  // "deflate": zlib data (RFC 1950), or raw deflate as some clients send
  kBrotli,   // "br": one Brotli stream (RFC 7932)
  kZstd,     // "zstd": Zstandard frames one after another (RFC 8878)
};

// What a Content-Encoding value asks for, in the order the codings were
// applied ("gzip, identity" is gzip alone). Tokens that name no compression
// ("identity", and mistakes such as "utf-8" or "binary") are left out: the
// body is as it is. A compression fnguard cannot undo ("compress", "dcz")
// is named in `unsupported`.
struct CodingList {
  static constexpr size_t kMax = 4;
  std::array<Coding, kMax> codings{};
  size_t size = 0;
  bool too_many = false;          // more than kMax compressions
  std::string_view unsupported;   // the first compression that cannot be undone
};
CodingList ParseContentEncoding(std::string_view header);
// Whether two lists undo the same compressions in the same order (and name
// the same one that cannot be undone).
bool SameCodings(const CodingList& a, const CodingList& b);

enum class InflateStatus : uint8_t {
  kOk,         // all of `data` decompressed
  kTruncated,  // the output passes `max_out` bytes: `out` holds at most the first
               // max_out (a Brotli stream whose window or tables would need
               // more memory than MaxBrotliMemory() is taken as one)
  kCorrupt,    // not data of that coding (or cut short)
};

// Decompresses `data` into `out` (replaced), at most `max_out` bytes. Runs in
// time linear in the input and the output, and never holds more than
// `max_out` bytes plus one zlib window (gzip, deflate),
// MaxBrotliMemory(max_out) bytes of decoder state (br), or a window of
// 2^MaxZstdWindowLog(max_out) bytes and the decoder's own state (zstd).
InflateStatus Inflate(std::string_view data, Coding coding, size_t max_out, std::string* out);

// What the Brotli decoder may allocate while producing at most `max_out`
// bytes: its ring buffer (at most twice the output so far, and the old one
// while it grows) and its Huffman tables.
size_t MaxBrotliMemory(size_t max_out);

// The largest Zstandard window (log2 of its bytes) the decoder is let to
// allocate for an output of at most `max_out` bytes: 8 MiB (the window of
// every compression level up to 19), or the output's size rounded up to a
// power of two when that is larger, at most 2^27 (what zstd itself accepts
// by default). A frame that asks for more is taken as a body larger than
// inspection takes.
int MaxZstdWindowLog(size_t max_out);

std::string_view CodingName(Coding coding);  // "gzip", "deflate", "br", "zstd"

}  // namespace fnguard::event

#endif  // FNGUARD_RUNTIME_EVENT_CONTENT_CODING_H_
