#include "runtime/event/content_coding.h"

#include <zlib.h>

#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "runtime/report/gzip.h"
#include "tests/support/brotli_compress.h"
#include "tests/support/zstd_compress.h"

namespace fnguard::event {
namespace {

// `data` compressed by zlib: `window_bits` 15 for a zlib stream, -15 for raw
// deflate.
std::string Deflate(std::string_view data, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 16, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(ParseContentEncodingTest, CodingsInTheOrderTheyWereApplied) {
  CodingList l = ParseContentEncoding("gzip");
  ASSERT_EQ(l.size, 1u);
  EXPECT_EQ(l.codings[0], Coding::kGzip);

  l = ParseContentEncoding(" deflate ,X-GZIP, identity");
  ASSERT_EQ(l.size, 2u);
  EXPECT_EQ(l.codings[0], Coding::kDeflate);
  EXPECT_EQ(l.codings[1], Coding::kGzip);
  EXPECT_TRUE(l.unsupported.empty());
  EXPECT_FALSE(l.too_many);
}

TEST(ParseContentEncodingTest, TokensThatNameNoCompressionAreLeftOut) {
  for (std::string_view h : {"identity", "utf-8", "UTF-8", "binary", "", ",", " , identity"}) {
    const CodingList l = ParseContentEncoding(h);
    EXPECT_EQ(l.size, 0u) << h;
    EXPECT_TRUE(l.unsupported.empty()) << h;
  }
}

TEST(ParseContentEncodingTest, BrotliIsUndone) {
  const CodingList l = ParseContentEncoding("gzip, BR");
  ASSERT_EQ(l.size, 2u);
  EXPECT_EQ(l.codings[0], Coding::kGzip);
  EXPECT_EQ(l.codings[1], Coding::kBrotli);
  EXPECT_TRUE(l.unsupported.empty());
  EXPECT_EQ(CodingName(Coding::kBrotli), "br");
}

TEST(ParseContentEncodingTest, ZstdIsUndone) {
  const CodingList l = ParseContentEncoding("ZSTD, gzip");
  ASSERT_EQ(l.size, 2u);
  EXPECT_EQ(l.codings[0], Coding::kZstd);
  EXPECT_EQ(l.codings[1], Coding::kGzip);
  EXPECT_TRUE(l.unsupported.empty());
  EXPECT_EQ(CodingName(Coding::kZstd), "zstd");
}

TEST(ParseContentEncodingTest, CompressionsThatCannotBeUndoneAreNamed) {
  EXPECT_EQ(ParseContentEncoding("dcz").unsupported, "dcz");
  EXPECT_EQ(ParseContentEncoding("gzip, x-compress").unsupported, "x-compress");
  EXPECT_EQ(ParseContentEncoding("Compress").unsupported, "Compress");
  EXPECT_TRUE(ParseContentEncoding("gzip, gzip, gzip, gzip, gzip").too_many);
  EXPECT_FALSE(ParseContentEncoding("gzip, gzip, gzip, gzip").too_many);
}

TEST(ParseContentEncodingTest, SameCodingsComparesWhatIsUndone) {
  const auto same = [](std::string_view a, std::string_view b) {
    return SameCodings(ParseContentEncoding(a), ParseContentEncoding(b));
  };
  EXPECT_TRUE(same("gzip", "identity, gzip"));
  EXPECT_TRUE(same("x-gzip", "GZIP"));
  EXPECT_TRUE(same("", "identity"));
  EXPECT_TRUE(same("zstd", "ZSTD"));
  EXPECT_TRUE(same("compress", "COMPRESS"));
  EXPECT_FALSE(same("gzip", "identity"));
  EXPECT_FALSE(same("gzip, br", "br, gzip"));
  EXPECT_FALSE(same("gzip", "gzip, gzip"));
  EXPECT_FALSE(same("gzip", "gzip, zstd"));
  EXPECT_FALSE(same("gzip", "gzip, compress"));
  EXPECT_FALSE(same("gzip, gzip, gzip, gzip", "gzip, gzip, gzip, gzip, gzip"));
}

TEST(InflateTest, GzipZlibAndRawDeflate) {
  const std::string text = R"({"q":"1' UNION SELECT password FROM users--"})";
  std::string out;
  EXPECT_EQ(Inflate(report::GzipCompress(text), Coding::kGzip, 1 << 20, &out), InflateStatus::kOk);
  EXPECT_EQ(out, text);
  // Labelled gzip but written as a zlib stream, as some log writers do.
  EXPECT_EQ(Inflate(Deflate(text, 15), Coding::kGzip, 1 << 20, &out), InflateStatus::kOk);
  EXPECT_EQ(out, text);
  EXPECT_EQ(Inflate(Deflate(text, 15), Coding::kDeflate, 1 << 20, &out), InflateStatus::kOk);
  EXPECT_EQ(out, text);
  EXPECT_EQ(Inflate(Deflate(text, -15), Coding::kDeflate, 1 << 20, &out), InflateStatus::kOk);
  EXPECT_EQ(out, text);
}

TEST(InflateTest, GzipMembersOneAfterAnotherAreOneBody) {
  std::string out;
  const std::string two = report::GzipCompress("first half, ") + report::GzipCompress("second");
  EXPECT_EQ(Inflate(two, Coding::kGzip, 1 << 20, &out), InflateStatus::kOk);
  EXPECT_EQ(out, "first half, second");
  EXPECT_EQ(Inflate(report::GzipCompress("padded") + std::string(8, '\0'), Coding::kGzip, 1 << 20,
                    &out),
            InflateStatus::kOk);
  EXPECT_EQ(out, "padded");
}

TEST(InflateTest, CorruptCutOrTrailingDataIsCorrupt) {
  std::string out;
  const std::string gz = report::GzipCompress("some body text that compresses");
  EXPECT_EQ(Inflate("", Coding::kGzip, 1 << 20, &out), InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate("plain text", Coding::kGzip, 1 << 20, &out), InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate("plain text", Coding::kDeflate, 1 << 20, &out), InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate(gz.substr(0, gz.size() / 2), Coding::kGzip, 1 << 20, &out),
            InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate(gz + "junk", Coding::kGzip, 1 << 20, &out), InflateStatus::kCorrupt);
  std::string flipped = gz;
  flipped[flipped.size() - 6] ^= 0x55;  // the CRC no longer matches
  EXPECT_EQ(Inflate(flipped, Coding::kGzip, 1 << 20, &out), InflateStatus::kCorrupt);
}

TEST(InflateTest, Brotli) {
  using test_support::BrotliCompress;
  const std::string text = R"({"q":"<svg onload=alert(1)>"})";
  std::string out;
  for (int quality : {0, 5, 11}) {
    for (int window : {10, 22, 24}) {
      const std::string br = BrotliCompress(text, quality, window);
      ASSERT_FALSE(br.empty());
      EXPECT_EQ(Inflate(br, Coding::kBrotli, 1 << 20, &out), InflateStatus::kOk)
          << quality << " " << window;
      EXPECT_EQ(out, text);
    }
  }
  // An empty body compresses to one byte.
  EXPECT_EQ(Inflate(BrotliCompress(""), Coding::kBrotli, 1 << 20, &out), InflateStatus::kOk);
  EXPECT_EQ(out, "");

  const std::string br = BrotliCompress("some body text that compresses, some body text");
  EXPECT_EQ(Inflate("", Coding::kBrotli, 1 << 20, &out), InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate(br.substr(0, br.size() / 2), Coding::kBrotli, 1 << 20, &out),
            InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate(br + "junk", Coding::kBrotli, 1 << 20, &out), InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate(report::GzipCompress("gzip, not br"), Coding::kBrotli, 1 << 20, &out),
            InflateStatus::kCorrupt);
}

TEST(InflateTest, BrotliOutputAndMemoryStopAtTheLimit) {
  using test_support::BrotliCompress;
  // 64 MiB of zeros compress to a few bytes. With a 4 MiB window (most
  // encoders' default) the first 1 MiB comes out; with a 16 MiB one the
  // decoder would need a 16 MiB window for it, which it is not given, and
  // nothing comes out. Either way the body is over the limit.
  std::string out;
  const std::string zeros(64 << 20, '\0');
  const std::string bomb = BrotliCompress(zeros, 5, 22);
  ASSERT_LT(bomb.size(), 1024u);
  EXPECT_EQ(Inflate(bomb, Coding::kBrotli, 1 << 20, &out), InflateStatus::kTruncated);
  EXPECT_EQ(out.size(), size_t{1} << 20);
  EXPECT_EQ(Inflate(BrotliCompress(zeros, 5, 24), Coding::kBrotli, 1 << 20, &out),
            InflateStatus::kTruncated);
  EXPECT_LE(out.size(), size_t{1} << 20);
  EXPECT_EQ(Inflate(BrotliCompress("12345"), Coding::kBrotli, 5, &out), InflateStatus::kOk);
  EXPECT_EQ(out, "12345");
  EXPECT_EQ(Inflate(BrotliCompress("123456"), Coding::kBrotli, 5, &out),
            InflateStatus::kTruncated);
  EXPECT_EQ(out, "12345");

  // A 16 MiB window over data that does not compress: the stream's first
  // meta-block announces more output than a 64 KiB limit, and the decoder is
  // not let to allocate the window it would need for it.
  std::string noise(12 << 20, '\0');
  uint64_t state = 0x9E3779B97F4A7C15u;
  for (char& c : noise) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    c = static_cast<char>(state >> 56);
  }
  const std::string wide = BrotliCompress(noise, 5, 24);
  ASSERT_FALSE(wide.empty());
  EXPECT_EQ(Inflate(wide, Coding::kBrotli, 64 << 10, &out), InflateStatus::kTruncated);
  EXPECT_LE(out.size(), size_t{64} << 10);
  EXPECT_EQ(Inflate(wide, Coding::kBrotli, 16 << 20, &out), InflateStatus::kOk);
  EXPECT_EQ(out, noise);
  EXPECT_LT(MaxBrotliMemory(64 << 10), size_t{5} << 20);
}

TEST(InflateTest, Zstd) {
  using test_support::ZstdCompress;
  const std::string text = R"({"q":"<svg onload=alert(1)>"})";
  std::string out;
  for (int level : {-5, 1, 3, 19}) {
    for (int window_log : {0, 10, 20}) {
      const std::string zst = ZstdCompress(text, level, window_log);
      ASSERT_FALSE(zst.empty());
      EXPECT_EQ(Inflate(zst, Coding::kZstd, 1 << 20, &out), InflateStatus::kOk)
          << level << " " << window_log;
      EXPECT_EQ(out, text);
    }
  }
  EXPECT_EQ(Inflate(ZstdCompress(""), Coding::kZstd, 1 << 20, &out), InflateStatus::kOk);
  EXPECT_EQ(out, "");
  // Frames one after another are one body, and a skippable frame (magic
  // 0x184D2A50, a length, that many bytes) adds nothing.
  const std::string skippable(
      "\x50\x2a\x4d\x18\x03\x00\x00\x00"
      "abc",
      11);
  EXPECT_EQ(Inflate(ZstdCompress("first, ") + skippable + ZstdCompress("second", 1, 12),
                    Coding::kZstd, 1 << 20, &out),
            InflateStatus::kOk);
  EXPECT_EQ(out, "first, second");

  const std::string zst = ZstdCompress("some body text that compresses, some body text");
  EXPECT_EQ(Inflate("", Coding::kZstd, 1 << 20, &out), InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate(zst.substr(0, zst.size() / 2), Coding::kZstd, 1 << 20, &out),
            InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate(zst.substr(0, zst.size() - 1), Coding::kZstd, 1 << 20, &out),
            InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate(zst + "junk", Coding::kZstd, 1 << 20, &out), InflateStatus::kCorrupt);
  EXPECT_EQ(Inflate(report::GzipCompress("gzip, not zstd"), Coding::kZstd, 1 << 20, &out),
            InflateStatus::kCorrupt);
  std::string bad_magic = zst;
  bad_magic[0] ^= 0x01;
  EXPECT_EQ(Inflate(bad_magic, Coding::kZstd, 1 << 20, &out), InflateStatus::kCorrupt);
}

TEST(InflateTest, ZstdOutputAndWindowStopAtTheLimit) {
  using test_support::ZstdCompress;
  // 64 MiB of zeros compress to a few KiB: the first 1 MiB comes out.
  std::string out;
  const std::string zeros(64 << 20, '\0');
  const std::string bomb = ZstdCompress(zeros, 3);
  ASSERT_LT(bomb.size(), 8u * 1024);
  EXPECT_EQ(Inflate(bomb, Coding::kZstd, 1 << 20, &out), InflateStatus::kTruncated);
  EXPECT_EQ(out.size(), size_t{1} << 20);
  EXPECT_EQ(Inflate(ZstdCompress("12345"), Coding::kZstd, 5, &out), InflateStatus::kOk);
  EXPECT_EQ(out, "12345");
  EXPECT_EQ(Inflate(ZstdCompress("123456"), Coding::kZstd, 5, &out), InflateStatus::kTruncated);
  EXPECT_EQ(out, "12345");

  // A streamed frame with a 32 MiB window: a decoder must allocate all of it
  // whatever the output. For a 1 MiB limit it is not let to; for a 64 MiB
  // one it is.
  const std::string wide = ZstdCompress("a small body, a wide window", 3, 25);
  ASSERT_FALSE(wide.empty());
  EXPECT_EQ(Inflate(wide, Coding::kZstd, 1 << 20, &out), InflateStatus::kTruncated);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(Inflate(wide, Coding::kZstd, 64 << 20, &out), InflateStatus::kOk);
  EXPECT_EQ(out, "a small body, a wide window");
  // The default window of every level up to 19 (8 MiB) is always allowed.
  const std::string level19 = ZstdCompress("level 19, streamed", 19, 23);
  EXPECT_EQ(Inflate(level19, Coding::kZstd, 1024, &out), InflateStatus::kOk);
  EXPECT_EQ(out, "level 19, streamed");
  EXPECT_EQ(MaxZstdWindowLog(0), 23);
  EXPECT_EQ(MaxZstdWindowLog(8 << 20), 23);
  EXPECT_EQ(MaxZstdWindowLog((8 << 20) + 1), 24);
  EXPECT_EQ(MaxZstdWindowLog(size_t{1} << 40), 27);
}

TEST(InflateTest, OutputStopsAtTheLimit) {
  // 64 MiB of zeros compress to about 64 KiB: a decompression bomb.
  const std::string bomb = report::GzipCompress(std::string(64 << 20, '\0'), 9);
  ASSERT_LT(bomb.size(), 100u * 1024);
  std::string out;
  EXPECT_EQ(Inflate(bomb, Coding::kGzip, 1 << 20, &out), InflateStatus::kTruncated);
  EXPECT_EQ(out.size(), size_t{1} << 20);
  // Exactly at the limit is whole.
  EXPECT_EQ(Inflate(report::GzipCompress("12345"), Coding::kGzip, 5, &out), InflateStatus::kOk);
  EXPECT_EQ(out, "12345");
  EXPECT_EQ(Inflate(report::GzipCompress("123456"), Coding::kGzip, 5, &out),
            InflateStatus::kTruncated);
  EXPECT_EQ(out, "12345");
}

}  // namespace
}  // namespace fnguard::event
