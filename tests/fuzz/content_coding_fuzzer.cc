// Content-Encoding lists and gzip / deflate decompression on arbitrary bytes:
// the input is read as a header value, and decompressed as each coding (as it
// is, and wrapped in a valid gzip member so that inflate gets past the
// header). Output never exceeds the limit; a kOk result from a gzip member
// round-trips.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/event/content_coding.h"
#include "runtime/report/gzip.h"

namespace {

using fnguard::event::Coding;
using fnguard::event::Inflate;
using fnguard::event::InflateStatus;

void Check(std::string_view data, Coding coding, size_t limit) {
  std::string out;
  const InflateStatus s = Inflate(data, coding, limit, &out);
  if (out.size() > limit) __builtin_trap();
  if (s == InflateStatus::kTruncated && out.size() != limit) __builtin_trap();
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
  // A real member: decompresses to the input, cut at the limit.
  const std::string member = fnguard::report::GzipCompress(in, 1);
  std::string out;
  const InflateStatus s = Inflate(member, Coding::kGzip, limit, &out);
  if (size <= limit ? (s != InflateStatus::kOk || out != in)
                    : (s != InflateStatus::kTruncated || out != in.substr(0, limit))) {
    __builtin_trap();
  }
  return 0;
}
