#include "runtime/event/multipart.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fnguard::event {
namespace {

struct Part {
  std::string name, filename, content_type, content;
  bool has_filename;
  std::vector<std::string> dispositions;  // each Content-Disposition's parameters
};

std::vector<Part> Parts(std::string_view body, std::string_view boundary, MultipartResult* result) {
  std::vector<Part> parts;
  *result = ForEachMultipartPart(body, boundary, [&](const MultipartPart& p) {
    parts.push_back(Part{std::string(p.name), std::string(p.filename), std::string(p.content_type),
                         std::string(p.content), p.has_filename,
                         std::vector<std::string>(p.dispositions.begin(),
                                                  p.dispositions.begin() + p.disposition_count)});
    return true;
  });
  return parts;
}

TEST(MultipartTest, FieldsAndFiles) {
  std::string body =
      "preamble\r\n--XyZ\r\nContent-Disposition: form-data; "
      "name=\"title\"\r\n\r\nHello\r\nworld\r\n"
      "--XyZ\r\ncontent-disposition: form-data; name=\"doc\"; filename=\"a b.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\nfile text\r\n--XyZ--\r\nepilogue";
  MultipartResult result;
  std::vector<Part> parts = Parts(body, "XyZ", &result);
  EXPECT_EQ(result, MultipartResult::kComplete);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "title");
  EXPECT_EQ(parts[0].content, "Hello\r\nworld");
  EXPECT_FALSE(parts[0].has_filename);
  EXPECT_EQ(parts[1].name, "doc");
  EXPECT_TRUE(parts[1].has_filename);
  EXPECT_EQ(parts[1].filename, "a b.txt");
  EXPECT_EQ(parts[1].content_type, "text/plain");
  EXPECT_EQ(parts[1].content, "file text");
}

TEST(MultipartTest, FileNameGivenOnlyInItsExtendedForm) {
  const std::string body =
      "--B\r\nContent-Disposition: form-data; name=\"f\"; filename*=utf-8''a%2Etxt\r\n\r\n"
      "x\r\n--B--\r\n";
  MultipartResult result;
  const std::vector<Part> parts = Parts(body, "B", &result);
  EXPECT_EQ(result, MultipartResult::kComplete);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_TRUE(parts[0].has_filename);
  EXPECT_EQ(parts[0].filename, "");
  ASSERT_EQ(parts[0].dispositions.size(), 1u);
  EXPECT_THAT(parts[0].dispositions[0], ::testing::EndsWith("name=\"f\"; filename*=utf-8''a%2Etxt"));
}

// Headers folded over several lines, and Content-Disposition given twice:
// each header is kept whole, continuation lines included.
TEST(MultipartTest, FoldedAndRepeatedDispositions) {
  const std::string body =
      "--B\r\nContent-Disposition: form-data; name=\"f\";\r\n\tfilename=\"a.txt\"\r\n"
      "Content-Disposition: form-data; name=\"g\"\r\n\r\nx\r\n--B--\r\n";
  MultipartResult result;
  const std::vector<Part> parts = Parts(body, "B", &result);
  EXPECT_EQ(result, MultipartResult::kComplete);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].name, "f");
  EXPECT_EQ(parts[0].filename, "a.txt");
  EXPECT_TRUE(parts[0].has_filename);
  ASSERT_EQ(parts[0].dispositions.size(), 2u);
  EXPECT_THAT(parts[0].dispositions[0], ::testing::EndsWith("\r\n\tfilename=\"a.txt\""));
  EXPECT_THAT(parts[0].dispositions[1], ::testing::EndsWith("name=\"g\""));
  EXPECT_EQ(parts[0].content, "x");
}

TEST(MultipartTest, BareLineFeedsAndMissingClose) {
  std::string body =
      "--b\nContent-Disposition: form-data; name=x\n\n1 OR 1=1\n--b\n"
      "Content-Disposition: form-data; name=y\n\ntail";
  MultipartResult result;
  std::vector<Part> parts = Parts(body, "b", &result);
  EXPECT_EQ(result, MultipartResult::kTruncated);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "x");
  EXPECT_EQ(parts[0].content, "1 OR 1=1");
  EXPECT_EQ(parts[1].content, "tail");
}

TEST(MultipartTest, Malformed) {
  MultipartResult result;
  EXPECT_TRUE(Parts("no delimiter here", "b", &result).empty());
  EXPECT_EQ(result, MultipartResult::kMalformed);
  Parts("--b\r\n", "", &result);
  EXPECT_EQ(result, MultipartResult::kMalformed);
  Parts(std::string(100, '-'), std::string(71, 'x'), &result);
  EXPECT_EQ(result, MultipartResult::kMalformed);
  // A delimiter must start a line.
  EXPECT_TRUE(Parts("x--b\r\n\r\nv", "b", &result).empty());
}

TEST(MultipartTest, StopsWhenAsked) {
  std::string body = "--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b--";
  int n = 0;
  MultipartResult result = ForEachMultipartPart(body, "b", [&](const MultipartPart&) {
    ++n;
    return false;
  });
  EXPECT_EQ(result, MultipartResult::kStopped);
  EXPECT_EQ(n, 1);
}

}  // namespace
}  // namespace fnguard::event
