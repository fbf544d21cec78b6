// Test support: `data` as one Brotli stream (libbrotlienc), at `quality`
// 0-11 with a window of 2^`window_bits` bytes (10-24). "" when the encoder
// fails (a test then fails on what it expected to decompress).
#ifndef FNGUARD_TESTS_SUPPORT_BROTLI_COMPRESS_H_
#define FNGUARD_TESTS_SUPPORT_BROTLI_COMPRESS_H_

#include <brotli/encode.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace fnguard::test_support {

inline std::string BrotliCompress(std::string_view data, int quality = 5, int window_bits = 22) {
  size_t size = BrotliEncoderMaxCompressedSize(data.size());
  if (size == 0) size = data.size() + 1024;
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(quality, window_bits, BROTLI_MODE_GENERIC, data.size(),
                             reinterpret_cast<const uint8_t*>(data.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data()))) {
    return std::string();
  }
  out.resize(size);
  return out;
}

}  // namespace fnguard::test_support

#endif  // FNGUARD_TESTS_SUPPORT_BROTLI_COMPRESS_H_
