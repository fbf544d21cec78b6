// Content-Encoding lists and gzip / deflate / Brotli / Zstandard
// decompression on arbitrary bytes: the input is read as a header value, and
// decompressed as each coding (as it is, and wrapped in a valid gzip member,
// a valid Brotli stream and a valid Zstandard frame so that the decoders get
// past the framing). Output never
// exceeds the limit; a real member or stream round-trips, cut at the limit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/event/content_coding.h"
#include "runtime/report/gzip.h"
#include "tests/support/brotli_compress.h"
#include "tests/support/zstd_compress.h"

namespace {

using fnguard::event::Coding;
using fnguard::event::Inflate;
using fnguard::event::InflateStatus;

void Check(std::string_view data, Coding coding, size_t limit) {
  std::string out;
  const InflateStatus s = Inflate(data, coding, limit, &out);
  if (out.size() > limit) __builtin_trap();
  // (A Brotli stream or a Zstandard frame that asks for a larger window than
  // the limit allows stops before it reaches the limit.)
  if (s == InflateStatus::kTruncated && out.size() != limit && coding != Coding::kBrotli &&
      coding != Coding::kZstd) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const fnguard::event::CodingList list = fnguard::event::ParseContentEncoding(in);
  if (list.size > fnguard::event::CodingList::kMax) __builtin_trap();
  if (!list.unsupported.empty() &&
      (list.unsupported.data() < in.data() ||
       list.unsupported.data() + list.unsupported.size() > in.data() + in.size())) {
    __builtin_trap();
  }
  const size_t limit = size > 0 ? 1 + data[0] * 257 : 1;
  Check(in, Coding::kGzip, limit);
  Check(in, Coding::kDeflate, limit);
  Check(in, Coding::kBrotli, limit);
  Check(in, Coding::kZstd, limit);
  // A real member, a real stream (a 64 KiB window) and a real frame: each
  // decompresses to the input, cut at the limit.
  const std::string member = fnguard::report::GzipCompress(in, 1);
  const std::string stream = fnguard::test_support::BrotliCompress(in, 1, 16);
  const std::string frame = fnguard::test_support::ZstdCompress(in, 1, size % 2 == 0 ? 0 : 16);
  for (const auto& [bytes, coding] :
       {std::pair{&member, Coding::kGzip}, std::pair{&stream, Coding::kBrotli},
        std::pair{&frame, Coding::kZstd}}) {
    std::string out;
    const InflateStatus s = Inflate(*bytes, coding, limit, &out);
    if (size <= limit ? (s != InflateStatus::kOk || out != in)
                      : (s != InflateStatus::kTruncated || out != in.substr(0, limit))) {
      __builtin_trap();
    }
  }
  return 0;
}
