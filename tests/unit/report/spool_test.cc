#include "runtime/report/spool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace fnguard::report {
namespace {

namespace fs = std::filesystem;

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fnguard-spool-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Spool> OpenSpool(uint64_t max_bytes = 64ull << 20, uint64_t segment_bytes = 4ull << 20) {
    Spool::Options o;
    o.dir = dir_;
    o.max_bytes = max_bytes;
    o.segment_bytes = segment_bytes;
    auto s = Spool::Open(o);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }

  std::vector<fs::path> Segments() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().extension() == ".seg") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir_;
};

std::string Payload(int i) { return "batch-" + std::to_string(i) + std::string(static_cast<size_t>(i % 50), 'x'); }

TEST_F(SpoolTest, ReplaysInAppendOrderAcrossSegmentsAndReopen) {
  {
    auto spool = OpenSpool(64ull << 20, /*segment_bytes=*/256);
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(spool->Append(static_cast<uint32_t>(i + 1), Payload(i)).ok());
    EXPECT_EQ(spool->pending_records(), 40u);
    EXPECT_GT(Segments().size(), 3u);
    // Consume the first 5 now.
    for (int i = 0; i < 5; ++i) {
      auto f = spool->Front();
      ASSERT_TRUE(f.ok() && f->has_value());
      EXPECT_EQ((*f)->payload, Payload(i));
      ASSERT_TRUE(spool->PopFront().ok());
    }
  }
  auto spool = OpenSpool(64ull << 20, 256);
  // The read position is persisted: the reopened spool resumes right after
  // the fifth record, in order, nothing lost and nothing sent twice.
  EXPECT_EQ(spool->pending_records(), 35u);
  uint64_t events = 0;
  for (int i = 5; i < 40; ++i) events += static_cast<uint64_t>(i + 1);
  EXPECT_EQ(spool->pending_events(), events);
  std::vector<std::string> seen;
  while (true) {
    auto f = spool->Front();
    ASSERT_TRUE(f.ok());
    if (!f->has_value()) break;
    seen.push_back((*f)->payload);
    ASSERT_TRUE(spool->PopFront().ok());
  }
  ASSERT_EQ(seen.size(), 35u);
  for (size_t k = 0; k < seen.size(); ++k) EXPECT_EQ(seen[k], Payload(5 + static_cast<int>(k)));
  EXPECT_TRUE(spool->empty());
  EXPECT_TRUE(Segments().empty());
}

// Drains the spool, returning the payloads in order.
std::vector<std::string> Drain(Spool* spool) {
  std::vector<std::string> seen;
  while (true) {
    auto f = spool->Front();
    if (!f.ok() || !f->has_value()) break;
    seen.push_back((*f)->payload);
    if (!spool->PopFront().ok()) break;
  }
  return seen;
}

TEST_F(SpoolTest, CursorResumesMidSegmentAcrossRestartsAndAppends) {
  {
    auto spool = OpenSpool();
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(spool->Append(1, Payload(i)).ok());
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(spool->Front().ok());
      ASSERT_TRUE(spool->PopFront().ok());
    }
  }
  {
    // Second process: consumes one more and appends two.
    auto spool = OpenSpool();
    EXPECT_EQ(spool->pending_records(), 4u);
    auto f = spool->Front();
    ASSERT_TRUE(f.ok() && f->has_value());
    EXPECT_EQ((*f)->payload, Payload(2));
    ASSERT_TRUE(spool->PopFront().ok());
    ASSERT_TRUE(spool->Append(1, Payload(6)).ok());
    ASSERT_TRUE(spool->Append(1, Payload(7)).ok());
  }
  auto spool = OpenSpool();
  EXPECT_EQ(spool->pending_records(), 5u);
  EXPECT_EQ(Drain(spool.get()), (std::vector<std::string>{Payload(3), Payload(4), Payload(5), Payload(6), Payload(7)}));
  EXPECT_TRUE(Segments().empty());
  // Everything consumed: a restart finds nothing to send, and new segments
  // sort after the cursor's.
  spool.reset();
  spool = OpenSpool();
  EXPECT_TRUE(spool->empty());
  ASSERT_TRUE(spool->Append(1, Payload(8)).ok());
  spool.reset();
  spool = OpenSpool();
  EXPECT_EQ(Drain(spool.get()), std::vector<std::string>{Payload(8)});
}

TEST_F(SpoolTest, ATornOrForeignCursorMeansReplayFromTheStart) {
  {
    auto spool = OpenSpool();
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(spool->Append(1, Payload(i)).ok());
    ASSERT_TRUE(spool->Front().ok());
    ASSERT_TRUE(spool->PopFront().ok());
  }
  {
    // Flip a byte of the cursor's offset: its CRC no longer matches.
    std::fstream f(dir_ + "/cursor", std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(16);
    f.put('\x7f');
  }
  auto spool = OpenSpool();
  EXPECT_EQ(Drain(spool.get()), (std::vector<std::string>{Payload(0), Payload(1), Payload(2), Payload(3)}));
}

TEST_F(SpoolTest, SegmentsBeforeTheCursorAreConsumedOnes) {
  // Two records per segment: {0, 1} {2, 3} {4, 5}.
  const uint64_t segment_bytes = 2 * (Spool::kHeaderBytes + Payload(0).size()) - 1;
  {
    auto spool = OpenSpool(64ull << 20, segment_bytes);
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(spool->Append(1, Payload(0)).ok());
  }
  auto segs = Segments();
  ASSERT_EQ(segs.size(), 3u);
  std::string first;
  {
    std::ifstream in(segs[0], std::ios::binary);
    first.assign(std::istreambuf_iterator<char>(in), {});
  }
  {
    // Consume the first segment and one record of the second.
    auto spool = OpenSpool(64ull << 20, segment_bytes);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(spool->Front().ok());
      ASSERT_TRUE(spool->PopFront().ok());
    }
    EXPECT_FALSE(fs::exists(segs[0]));
  }
  // As if the process had died before deleting the first segment.
  {
    std::ofstream out(segs[0], std::ios::binary);
    out.write(first.data(), static_cast<std::streamsize>(first.size()));
  }
  auto spool = OpenSpool(64ull << 20, segment_bytes);
  EXPECT_FALSE(fs::exists(segs[0]));  // recognized as consumed and deleted
  EXPECT_EQ(spool->pending_records(), 3u);
  EXPECT_EQ(Drain(spool.get()).size(), 3u);
}

TEST_F(SpoolTest, TornTailIsIgnoredAndEarlierRecordsSurvive) {
  {
    auto spool = OpenSpool();
    ASSERT_TRUE(spool->Append(1, "first").ok());
    ASSERT_TRUE(spool->Append(2, "second").ok());
  }
  auto segs = Segments();
  ASSERT_EQ(segs.size(), 1u);
  // A crash mid-write: half of a third record.
  std::string third = EncodeSpoolRecord(3, "third-record-payload");
  {
    std::ofstream out(segs[0], std::ios::binary | std::ios::app);
    out.write(third.data(), static_cast<std::streamsize>(third.size() / 2));
  }
  auto size_with_tail = fs::file_size(segs[0]);
  auto spool = OpenSpool();
  EXPECT_EQ(spool->pending_records(), 2u);
  EXPECT_EQ(spool->pending_events(), 3u);
  EXPECT_LT(fs::file_size(segs[0]), size_with_tail);  // tail truncated
  // Appending after recovery stays readable.
  ASSERT_TRUE(spool->Append(4, "fourth").ok());
  std::vector<std::string> seen;
  while (true) {
    auto f = spool->Front();
    ASSERT_TRUE(f.ok());
    if (!f->has_value()) break;
    seen.push_back((*f)->payload);
    ASSERT_TRUE(spool->PopFront().ok());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"first", "second", "fourth"}));
}

TEST_F(SpoolTest, CorruptRecordEndsItsSegmentOnly) {
  {
    auto spool = OpenSpool();
    ASSERT_TRUE(spool->Append(1, "aaaa").ok());
    ASSERT_TRUE(spool->Append(1, "bbbb").ok());
  }
  auto seg = Segments()[0];
  {
    // Flip one payload byte of the second record: its CRC no longer matches.
    std::fstream f(seg, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(2 * Spool::kHeaderBytes + 4 + 1));
    f.put('X');
  }
  auto spool = OpenSpool();
  EXPECT_EQ(spool->pending_records(), 1u);
  auto f = spool->Front();
  ASSERT_TRUE(f.ok() && f->has_value());
  EXPECT_EQ((*f)->payload, "aaaa");
}

TEST_F(SpoolTest, CapRefusesAppendsWithResourceExhausted) {
  auto spool = OpenSpool(/*max_bytes=*/1000);
  int accepted = 0;
  absl::Status last;
  for (int i = 0; i < 20; ++i) {
    last = spool->Append(1, std::string(100, 'p'));
    if (last.ok()) ++accepted;
  }
  EXPECT_EQ(accepted, 1000 / static_cast<int>(100 + Spool::kHeaderBytes));
  EXPECT_TRUE(absl::IsResourceExhausted(last));
  EXPECT_LE(spool->disk_bytes(), 1000u);
  // Consuming frees room once the segment is gone.
  while (true) {
    auto f = spool->Front();
    ASSERT_TRUE(f.ok());
    if (!f->has_value()) break;
    ASSERT_TRUE(spool->PopFront().ok());
  }
  EXPECT_TRUE(spool->Append(1, std::string(100, 'p')).ok());
}

TEST_F(SpoolTest, OneProcessAtATime) {
  auto first = OpenSpool();
  Spool::Options o;
  o.dir = dir_;
  auto second = Spool::Open(o);
  EXPECT_FALSE(second.ok());
}

TEST(SpoolRecordTest, ParseRejectsTruncationAndBadMagic) {
  std::string rec = EncodeSpoolRecord(7, "payload");
  Spool::Record r;
  EXPECT_EQ(ParseSpoolRecord(rec, &r), rec.size());
  EXPECT_EQ(r.events, 7u);
  EXPECT_EQ(r.payload, "payload");
  for (size_t n = 0; n < rec.size(); ++n) EXPECT_EQ(ParseSpoolRecord(rec.substr(0, n), &r), 0u) << n;
  std::string bad = rec;
  bad[0] = 'X';
  EXPECT_EQ(ParseSpoolRecord(bad, &r), 0u);
}

}  // namespace
}  // namespace fnguard::report
