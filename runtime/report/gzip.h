// gzip (RFC 1952) compression for OTLP request bodies, and bounded
// decompression for the collector (a small body must not inflate into
// unbounded memory).
#ifndef FNGUARD_RUNTIME_REPORT_GZIP_H_
#define FNGUARD_RUNTIME_REPORT_GZIP_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace fnguard::report {

// Compresses `data` into one gzip member at zlib `level` (1 fastest .. 9
// smallest; 6 is zlib's default). Returns "" on failure (a level outside
// -1..9, or `data` of 2 GiB or more), which is never a gzip member.
std::string GzipCompress(std::string_view data, int level = 6);

// Decompresses gzip (or zlib) data; gzip members one after another are
// decompressed in turn and joined. InvalidArgument for corrupt or truncated
// input and for bytes after the last member, ResourceExhausted when the
// output would exceed `max_output_bytes` (or the input 4 GiB).
absl::StatusOr<std::string> GzipDecompress(std::string_view data, size_t max_output_bytes);

// CRC-32 (ISO 3309, as in gzip and PNG) of `data`; pass a previous result
// as `crc` to continue it over more bytes.
uint32_t Crc32(std::string_view data, uint32_t crc = 0);

}  // namespace fnguard::report

#endif  // FNGUARD_RUNTIME_REPORT_GZIP_H_
