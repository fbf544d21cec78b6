#include "runtime/report/redact.h"

#include <gtest/gtest.h>

namespace fnguard::report {
namespace {

TEST(RedactTest, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(Redact("hello world, 1' OR '1'='1"), "hello world, 1' OR '1'='1");
  EXPECT_EQ(Redact(""), "");
}

TEST(RedactTest, AwsAccessKeyIds) {
  EXPECT_EQ(Redact("id AKIAIOSFODNN7EXAMPLE end"), "id [REDACTED] end");
  EXPECT_EQ(Redact("ASIAY34FZKBOKMUTVV7A"), "[REDACTED]");
  EXPECT_EQ(Redact("AKIA-short"), "AKIA-short");
}

TEST(RedactTest, BearerTokensAndJwts) {
  EXPECT_EQ(Redact("Authorization: Bearer abcdef0123456789"), "Authorization: [REDACTED]");
  EXPECT_EQ(Redact("sent Bearer abcdef0123456789 twice"), "sent Bearer [REDACTED] twice");
  EXPECT_EQ(Redact("t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"), "t=[REDACTED]");
}

TEST(RedactTest, PasswordAssignments) {
  EXPECT_EQ(Redact("user=bob&password=hunter2&x=1"), "user=bob&password=[REDACTED]&x=1");
  EXPECT_EQ(Redact(R"({"password": "s3cr3t!", "a": 1})"), R"({"password": "[REDACTED]", "a": 1})");
  EXPECT_EQ(Redact("api_key:abc123"), "api_key:[REDACTED]");
}

}  // namespace
}  // namespace fnguard::report
