// core::Utf8SequenceLength (runtime/core/utf8.h), against protobuf's UTF-8
// check as the reference: a well-formed sequence is the shortest prefix
// that the reference accepts.
#include "runtime/core/utf8.h"

#include <google/protobuf/stubs/common.h>

#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace fnguard::core {
namespace {

size_t ReferenceLength(std::string_view s) {
  for (size_t k = 1; k <= 4 && k <= s.size(); ++k) {
    if (google::protobuf::internal::IsStructurallyValidUTF8(s.data(), static_cast<int>(k))) {
      return k;
    }
  }
  return 0;
}

// Every first and second byte, with each continuation byte either the
// lowest, the highest or just outside the continuation range.
TEST(Utf8Test, EveryLeadAndSecondByteAgreesWithTheReference) {
  for (int tail : {0x80, 0xBF, 0x7F, 0xC0}) {
    for (int b0 = 0; b0 < 256; ++b0) {
      for (int b1 = 0; b1 < 256; ++b1) {
        const std::string s = {static_cast<char>(b0), static_cast<char>(b1),
                               static_cast<char>(tail), static_cast<char>(tail)};
        ASSERT_EQ(Utf8SequenceLength(s, 0), ReferenceLength(s)) << b0 << " " << b1 << " " << tail;
      }
    }
  }
}

TEST(Utf8Test, SequencesCutOffByTheEndAreNotWellFormed) {
  EXPECT_EQ(Utf8SequenceLength("\xc3", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x93", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("x\xe2\x82\xac", 1), 3u);
  EXPECT_EQ(Utf8SequenceLength("x\xf0\x9f\x93\x84", 1), 4u);
  EXPECT_EQ(Utf8SequenceLength("x", 0), 1u);
}

}  // namespace
}  // namespace fnguard::core
