// process.file_writes.allow paths (policy/write_paths.h) and the audit
// warnings of the sandbox settings.
#include "policy/write_paths.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"

namespace fnguard::policy {
namespace {

using ::testing::HasSubstr;

std::string Normalized(std::string_view path) { return NormalizeAbsolutePath(path).value_or("<none>"); }

TEST(WritePathsTest, Normalization) {
  EXPECT_EQ(Normalized("/"), "/");
  EXPECT_EQ(Normalized("//"), "/");
  EXPECT_EQ(Normalized("/tmp"), "/tmp");
  EXPECT_EQ(Normalized("/tmp/"), "/tmp/");
  EXPECT_EQ(Normalized("/tmp//a///b"), "/tmp/a/b");
  EXPECT_EQ(Normalized("/tmp/./a/."), "/tmp/a/");
  EXPECT_EQ(Normalized("/tmp/a/../b"), "/tmp/b");
  EXPECT_EQ(Normalized("/tmp/a/.."), "/tmp/");
  EXPECT_EQ(Normalized("/../../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(Normalized("/tmp/../.."), "/");
  EXPECT_EQ(Normalized("/a/..b/c"), "/a/..b/c");
  EXPECT_EQ(Normalized("/a/.b/..."), "/a/.b/...");
  EXPECT_EQ(Normalized("tmp/a"), "<none>");
  EXPECT_EQ(Normalized(""), "<none>");
}

TEST(WritePathsTest, NormalizationIsIdempotent) {
  for (const char* p : {"/a/./b//c/../d/", "/x/../../y/.", "/", "/.../..", "/a//./../b/c/.."}) {
    std::string once = Normalized(p);
    EXPECT_EQ(Normalized(once), once) << p;
  }
}

TEST(WritePathsTest, Validation) {
  EXPECT_TRUE(ValidateWritePath("/tmp/").ok());
  EXPECT_TRUE(ValidateWritePath("/var/log/app.log").ok());
  EXPECT_TRUE(ValidateWritePath("/").ok());
  EXPECT_THAT(std::string(ValidateWritePath("tmp").message()),
              HasSubstr("must be an absolute path (did you mean '/tmp'?)"));
  EXPECT_THAT(std::string(ValidateWritePath("/tmp/./x/").message()),
              HasSubstr("is not normalized (did you mean '/tmp/x/'?)"));
  EXPECT_THAT(std::string(ValidateWritePath("/tmp//").message()),
              HasSubstr("did you mean '/tmp/'?"));
  EXPECT_THAT(std::string(ValidateWritePath("").message()), HasSubstr("must not be empty"));
  EXPECT_THAT(std::string(ValidateWritePath(std::string("/tmp/\n")).message()),
              HasSubstr("control characters"));
  EXPECT_THAT(std::string(ValidateWritePath("/" + std::string(5000, 'a')).message()),
              HasSubstr("longer than 4096"));
}

TEST(WritePathsTest, Matching) {
  EXPECT_TRUE(WritePathAllowed("/tmp/", "/tmp/a"));
  EXPECT_TRUE(WritePathAllowed("/tmp/", "/tmp/a/b/c"));
  EXPECT_TRUE(WritePathAllowed("/tmp/", "/tmp"));
  EXPECT_TRUE(WritePathAllowed("/tmp/", "/tmp/"));
  EXPECT_FALSE(WritePathAllowed("/tmp/", "/tmpfoo"));
  EXPECT_FALSE(WritePathAllowed("/tmp/", "/tm"));
  EXPECT_FALSE(WritePathAllowed("/tmp/", "/var/tmp/a"));
  EXPECT_TRUE(WritePathAllowed("/var/app.log", "/var/app.log"));
  EXPECT_FALSE(WritePathAllowed("/var/app.log", "/var/app.log.1"));
  EXPECT_FALSE(WritePathAllowed("/var/app.log", "/var/app.log/x"));
  EXPECT_TRUE(WritePathAllowed("/", "/etc/passwd"));
  EXPECT_FALSE(WritePathAllowed("", "/x"));
}

std::vector<std::string> AuditCodes(std::string_view text) {
  auto policy = LoadPolicyText(text, "a.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status();
  std::vector<std::string> codes;
  if (!policy.ok()) return codes;
  for (const AuditWarning& w : Audit(**policy)) codes.push_back(w.code);
  return codes;
}

bool Has(const std::vector<std::string>& codes, const char* code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

TEST(SandboxAuditTest, MonitorAndReportModesAndWritesAnywhereAreWarned) {
  EXPECT_TRUE(AuditCodes("version: 1\negress: {sockets: enforce}\nprocess: {exec: enforce}\n").empty());
  EXPECT_TRUE(Has(AuditCodes("version: 1\negress: {sockets: report}\n"), "sockets_not_enforced"));
  EXPECT_TRUE(Has(AuditCodes("version: 1\nprocess: {exec: monitor}\n"), "exec_not_enforced"));
  EXPECT_TRUE(Has(AuditCodes("version: 1\nprocess: {file_writes: {mode: monitor}}\n"),
                  "file_writes_not_enforced"));
  EXPECT_TRUE(Has(AuditCodes("version: 1\nprocess: {file_writes: {mode: enforce, allow: [/]}}\n"),
                  "file_writes_anywhere"));
  EXPECT_FALSE(Has(AuditCodes("version: 1\nprocess: {file_writes: {mode: off, allow: [/]}}\n"),
                   "file_writes_anywhere"));
}

TEST(SandboxPolicyTest, DefaultsAreOff) {
  const Policy& p = *DefaultPolicy();
  EXPECT_EQ(p.egress.sockets, EgressMode::kOff);
  EXPECT_EQ(p.process.exec, ProcessMode::kOff);
  EXPECT_EQ(p.process.file_writes.mode, ProcessMode::kOff);
  EXPECT_EQ(p.process.file_writes.allow, std::vector<std::string>{"/tmp/"});
  auto loaded = LoadPolicyText("version: 1\nprocess: {file_writes: {mode: enforce}}\n", "d.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->process.file_writes.allow, std::vector<std::string>{"/tmp/"});
}

}  // namespace
}  // namespace fnguard::policy
