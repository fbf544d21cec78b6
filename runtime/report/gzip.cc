#include "runtime/report/gzip.h"

#include <zlib.h>

#include <cstring>
#include <limits>

namespace fnguard::report {

std::string GzipCompress(std::string_view data, int level) {
  // zlib counts input in uInt; OTLP bodies are far smaller.
  if (data.size() > std::numeric_limits<uInt>::max() / 2) return {};
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  // windowBits 15 + 16: gzip wrapper.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return {};
  out.resize(written);
  return out;
}

absl::StatusOr<std::string> GzipDecompress(std::string_view data, size_t max_output_bytes) {
  if (data.size() > std::numeric_limits<uInt>::max()) {
    return absl::ResourceExhaustedError("compressed body exceeds the size limit");
  }
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  // windowBits 15 + 32: detect gzip or zlib headers automatically.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return absl::InternalError("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return absl::InvalidArgumentError("corrupt gzip body");
    }
    size_t produced = sizeof(buf) - zs.avail_out;
    if (out.size() + produced > max_output_bytes) {
      inflateEnd(&zs);
      return absl::ResourceExhaustedError("decompressed body exceeds the size limit");
    }
    out.append(buf, produced);
    if (rc == Z_OK && produced == 0 && zs.avail_in == 0) {
      inflateEnd(&zs);
      return absl::InvalidArgumentError("truncated gzip body");
    }
    // A gzip file may hold several members one after another (RFC 1952
    // section 2.2), each decompressed in turn; anything else after the
    // stream is not part of a body that was sent compressed.
    if (rc == Z_STREAM_END && zs.avail_in > 0) {
      if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b) {
        inflateEnd(&zs);
        return absl::InvalidArgumentError("data after the end of the gzip body");
      }
      if (inflateReset(&zs) != Z_OK) {
        inflateEnd(&zs);
        return absl::InternalError("inflateReset failed");
      }
      rc = Z_OK;
    }
  }
  inflateEnd(&zs);
  return out;
}

uint32_t Crc32(std::string_view data, uint32_t crc) {
  uLong c = crc;
  // crc32() takes uInt lengths; feed large inputs in chunks.
  while (!data.empty()) {
    size_t n = data.size() > (1u << 30) ? (1u << 30) : data.size();
    c = crc32(c, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(n));
    data.remove_prefix(n);
  }
  return static_cast<uint32_t>(c);
}

}  // namespace fnguard::report
