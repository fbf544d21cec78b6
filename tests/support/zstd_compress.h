// Test support: `data` as one Zstandard frame (libzstd), at `level`. With
// `window_log` (10-31) the frame is written as a streaming encoder writes
// it: without its content size, so a decoder must allocate the whole
// 2^window_log window. "" when the encoder fails (a test then fails on what
// it expected to decompress).
#ifndef FNGUARD_TESTS_SUPPORT_ZSTD_COMPRESS_H_
#define FNGUARD_TESTS_SUPPORT_ZSTD_COMPRESS_H_

#include <zstd.h>

#include <string>
#include <string_view>

namespace fnguard::test_support {

inline std::string ZstdCompress(std::string_view data, int level = 3, int window_log = 0) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  if (cctx == nullptr) return std::string();
  std::string out(ZSTD_compressBound(data.size()) + 64, '\0');
  bool ok = !ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level));
  if (window_log != 0) {
    ok = ok && !ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log)) &&
         !ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0));
  }
  size_t size = 0;
  if (ok) {
    if (window_log == 0) {
      size = ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
    } else {
      // Streamed: the input is given before the end is asked for, so the
      // encoder does not size the window to it.
      ZSTD_inBuffer in{data.data(), data.size(), 0};
      ZSTD_outBuffer o{out.data(), out.size(), 0};
      size_t rc = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_continue);
      while (!ZSTD_isError(rc)) {
        rc = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_end);
        if (rc == 0) break;  // the frame is written
      }
      size = ZSTD_isError(rc) ? rc : o.pos;
    }
  }
  ZSTD_freeCCtx(cctx);
  if (!ok || ZSTD_isError(size)) return std::string();
  out.resize(size);
  return out;
}

}  // namespace fnguard::test_support

#endif  // FNGUARD_TESTS_SUPPORT_ZSTD_COMPRESS_H_
