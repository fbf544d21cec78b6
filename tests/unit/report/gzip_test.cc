#include "runtime/report/gzip.h"

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace fnguard::report {
namespace {

// Decompresses one gzip member with zlib directly, as a collector would:
// an independent check of what GzipCompress writes. Sets `*ok` to whether
// the stream ended cleanly.
std::string Inflate(std::string_view gz, bool* ok) {
  z_stream zs{};
  *ok = false;
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return {};
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
  }
  *ok = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  return out;
}

// Incompressible bytes (xorshift), the same for the same seed.
std::string Noise(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  uint32_t x = seed;
  for (char& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return s;
}

// Text that compresses well, as OTLP batches of similar events do.
std::string Events(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) {
    s += R"({"kind":"injection","rule_id":"sqli.union","field_path":"query.id","n":)";
    s += std::to_string(i);
    s += "}\n";
  }
  s.resize(n);
  return s;
}

uint32_t LittleEndian32(std::string_view s, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

TEST(GzipTest, RoundTripAndCrc) {
  std::string data(100000, 'a');
  for (size_t i = 0; i < data.size(); i += 7) data[i] = static_cast<char>('a' + i % 26);
  std::string z = GzipCompress(data);
  ASSERT_GE(z.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(z[1]), 0x8b);
  auto back = GzipDecompress(z, 1 << 20);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, data);
  EXPECT_FALSE(GzipDecompress(z.substr(0, z.size() / 2), 1 << 20).ok());
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);  // the standard check value
  EXPECT_EQ(Crc32("56789", Crc32("1234")), 0xCBF43926u);
}

TEST(GzipTest, HeaderAndTrailerFollowRfc1952) {
  const std::string data = Events(50000);
  const std::string z = GzipCompress(data);
  ASSERT_GE(z.size(), 18u);  // 10-byte header, 8-byte trailer
  EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(z[1]), 0x8b);
  EXPECT_EQ(static_cast<unsigned char>(z[2]), 8);  // CM: deflate
  EXPECT_EQ(static_cast<unsigned char>(z[3]), 0);  // FLG: no name, comment or extra field
  // The trailer: CRC-32 of the data, then its size, both little-endian.
  EXPECT_EQ(LittleEndian32(z, z.size() - 8), Crc32(data));
  EXPECT_EQ(LittleEndian32(z, z.size() - 4), static_cast<uint32_t>(data.size()));
}

TEST(GzipTest, ZlibReadsEveryLevel) {
  const std::string data = Events(200000);
  for (int level = 1; level <= 9; ++level) {
    const std::string z = GzipCompress(data, level);
    ASSERT_FALSE(z.empty()) << "level " << level;
    // It compresses: a stored (level 0) body would be larger than the data.
    EXPECT_LT(z.size(), data.size() / 4) << "level " << level;
    bool ok = false;
    EXPECT_EQ(Inflate(z, &ok), data) << "level " << level;
    EXPECT_TRUE(ok) << "level " << level;
  }
}

TEST(GzipTest, EmptyInputIsAValidEmptyMember) {
  const std::string z = GzipCompress("");
  ASSERT_GE(z.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x1f);
  EXPECT_EQ(LittleEndian32(z, z.size() - 8), 0u);
  EXPECT_EQ(LittleEndian32(z, z.size() - 4), 0u);
  bool ok = false;
  EXPECT_EQ(Inflate(z, &ok), "");
  EXPECT_TRUE(ok);
  // Nothing comes out, so even a zero limit is respected.
  absl::StatusOr<std::string> back = GzipDecompress(z, 0);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, "");
}

TEST(GzipTest, LargeInputsRoundTrip) {
  // Incompressible: the output may be a little larger than the input, never
  // truncated. (Compared with == so that a failure does not print megabytes.)
  const std::string noise = Noise(8u << 20, 0x9E3779B9u);
  const std::string z = GzipCompress(noise, 1);
  ASSERT_FALSE(z.empty());
  bool ok = false;
  EXPECT_TRUE(Inflate(z, &ok) == noise);
  EXPECT_TRUE(ok);
  absl::StatusOr<std::string> back = GzipDecompress(z, noise.size());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == noise);

  // Highly compressible: many inflate output buffers from a small input.
  const std::string zeros(32u << 20, '\0');
  const std::string zz = GzipCompress(zeros);
  EXPECT_LT(zz.size(), 64u << 10);
  back = GzipDecompress(zz, zeros.size());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == zeros);
}

TEST(GzipTest, InvalidLevelGivesAnEmptyResult) {
  // An empty string is never a gzip member, so it is the failure value.
  EXPECT_EQ(GzipCompress("abc", 10), "");
  EXPECT_EQ(GzipCompress("abc", -2), "");
}

// RFC 1952 allows several members in one body (as `cat a.gz b.gz` makes);
// all of them are decompressed. Bytes after the last member that do not
// start another are refused rather than dropped.
TEST(GzipTest, MembersOneAfterAnotherAreJoinedAndTrailingBytesRefused) {
  const std::string a = GzipCompress("first member\n");
  const std::string b = GzipCompress(Events(3000));
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  auto joined = GzipDecompress(a + b + a, 1 << 20);
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(*joined, "first member\n" + Events(3000) + "first member\n");
  EXPECT_EQ(GzipDecompress(a + GzipCompress(""), 1 << 20).value_or("?"), "first member\n");
  for (const std::string& tail : {std::string("x"), std::string(1, '\x1f'),
                                  std::string("\x1f\x8b"), std::string(8, '\0'),
                                  a.substr(0, a.size() / 2)}) {
    EXPECT_EQ(GzipDecompress(a + tail, 1 << 20).status().code(),
              absl::StatusCode::kInvalidArgument)
        << tail.size();
  }
  // The size limit counts every member.
  EXPECT_EQ(GzipDecompress(b + b, Events(3000).size() * 2 - 1).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(GzipDecompress(b + b, Events(3000).size() * 2).ok());
}

TEST(GzipTest, DecompressRejectsCorruptInput) {
  const std::string data = Events(10000);
  const std::string z = GzipCompress(data);
  ASSERT_FALSE(z.empty());
  const auto code = [](std::string_view in) { return GzipDecompress(in, 1 << 20).status().code(); };
  EXPECT_EQ(code(""), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("not gzip at all"), absl::StatusCode::kInvalidArgument);
  std::string bad_magic = z;
  bad_magic[1] = 0x8c;
  EXPECT_EQ(code(bad_magic), absl::StatusCode::kInvalidArgument);
  // A wrong checksum or size in the trailer: the body is not what was sent.
  std::string bad_crc = z;
  bad_crc[bad_crc.size() - 8] ^= 0x01;
  EXPECT_EQ(code(bad_crc), absl::StatusCode::kInvalidArgument);
  std::string bad_size = z;
  bad_size[bad_size.size() - 1] ^= 0x40;
  EXPECT_EQ(code(bad_size), absl::StatusCode::kInvalidArgument);
  // A flipped bit in the compressed body.
  std::string bad_body = z;
  bad_body[z.size() / 2] ^= 0x10;
  EXPECT_EQ(code(bad_body), absl::StatusCode::kInvalidArgument);
}

TEST(GzipTest, EveryTruncationIsAnError) {
  const std::string data = Events(3000);
  const std::string z = GzipCompress(data);
  ASSERT_FALSE(z.empty());
  for (size_t n = 0; n < z.size(); ++n) {
    absl::StatusOr<std::string> r = GzipDecompress(std::string_view(z).substr(0, n), 1 << 20);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << "first " << n << " bytes";
  }
  EXPECT_TRUE(GzipDecompress(z, 1 << 20).ok());
}

TEST(GzipTest, ZlibWrappedDataIsAcceptedRawDeflateIsNot) {
  const std::string data = Events(20000);
  std::string zlib(compressBound(static_cast<uLong>(data.size())), '\0');
  uLongf zlib_size = static_cast<uLongf>(zlib.size());
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(zlib.data()), &zlib_size,
                      reinterpret_cast<const Bytef*>(data.data()),
                      static_cast<uLong>(data.size()), 6),
            Z_OK);
  zlib.resize(zlib_size);
  absl::StatusOr<std::string> back = GzipDecompress(zlib, 1 << 20);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, data);
  // The same deflate stream without the zlib header and checksum.
  const std::string raw = zlib.substr(2, zlib.size() - 6);
  EXPECT_EQ(GzipDecompress(raw, 1 << 20).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(GzipTest, OutputLimitIsExact) {
  const std::string data = Events(200000);
  const std::string z = GzipCompress(data);
  absl::StatusOr<std::string> at_limit = GzipDecompress(z, data.size());
  ASSERT_TRUE(at_limit.ok()) << at_limit.status();
  EXPECT_EQ(*at_limit, data);
  EXPECT_EQ(GzipDecompress(z, data.size() - 1).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GzipDecompress(z, 0).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(GzipTest, SmallBodyThatInflatesPastTheLimitIsRefused) {
  // 64 MB of zeros is about 64 KB compressed: refused at the 1 MB limit.
  const std::string bomb = GzipCompress(std::string(64u << 20, '\0'), 9);
  ASSERT_LT(bomb.size(), 128u << 10);
  absl::StatusOr<std::string> r = GzipDecompress(bomb, 1u << 20);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(Crc32Test, KnownValuesAndContinuation) {
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("a"), 0xE8B7BE43u);
  EXPECT_EQ(Crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
  // Continuing over nothing changes nothing.
  EXPECT_EQ(Crc32("", 0x414FA339u), 0x414FA339u);
  // Any split gives the CRC of the whole.
  const std::string data = Noise(4096, 7);
  const uint32_t whole = Crc32(data);
  for (size_t cut = 0; cut <= data.size(); cut += 97) {
    std::string_view v = data;
    EXPECT_EQ(Crc32(v.substr(cut), Crc32(v.substr(0, cut))), whole) << "cut at " << cut;
  }
  EXPECT_NE(Crc32(data.substr(1)), whole);
}

}  // namespace
}  // namespace fnguard::report
