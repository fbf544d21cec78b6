#include "runtime/event/content_coding.h"

#include <zlib.h>

#include <cstring>
#include <limits>

#include "runtime/event/text_codecs.h"

namespace fnguard::event {
namespace {

// Registered compressions (IANA HTTP Content Coding Registry) that are not
// gzip or deflate.
bool IsOtherCompression(std::string_view t) {
  for (std::string_view name : {"br", "zstd", "compress", "x-compress", "exi", "pack200-gzip",
                                "aes128gcm", "dcb", "dcz"}) {
    if (EqualsIgnoreCase(t, name)) return true;
  }
  return false;
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
    const size_t room = max_out - out->size();
    out->append(buf, std::min(produced, room));
    if (produced > room) {
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

}  // namespace

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

InflateStatus Inflate(std::string_view data, Coding coding, size_t max_out, std::string* out) {
  out->clear();
  // zlib counts input in uInt; a body that large is over every limit anyway.
  if (data.size() > std::numeric_limits<uInt>::max()) return InflateStatus::kCorrupt;
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
  return coding == Coding::kGzip ? "gzip" : "deflate";
}

}  // namespace fnguard::event
