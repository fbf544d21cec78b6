// ParseResolvConf: the nameservers DNS may always reach under the socket
// guard.
#include "runtime/sandbox/resolv_conf.h"

#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/egress/url.h"

namespace fnguard::sandbox {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Servers(std::string_view text) {
  std::vector<std::string> out;
  for (const policy::IpAddress& ip : ParseResolvConf(text)) {
    out.push_back(egress::FormatIpAddress(ip));
  }
  return out;
}

TEST(ResolvConfTest, ReadsNameserverLines) {
  EXPECT_THAT(Servers("# generated\nsearch example.com\nnameserver 10.0.0.2\n"
                      "nameserver\t2001:db8::53\noptions ndots:5\n"),
              ElementsAre("10.0.0.2", "2001:db8::53"));
}

TEST(ResolvConfTest, LambdaStyleLinkLocalResolver) {
  EXPECT_THAT(Servers("nameserver 169.254.78.1\n"), ElementsAre("169.254.78.1"));
}

TEST(ResolvConfTest, DropsZonesAndTrailingTextAndMappedForms) {
  EXPECT_THAT(Servers("nameserver fe80::1%eth0\nnameserver 10.0.0.3 # comment\r\n"
                      "nameserver ::ffff:10.0.0.4\n"),
              ElementsAre("fe80::1", "10.0.0.3", "10.0.0.4"));
}

TEST(ResolvConfTest, SkipsCommentsMalformedLinesAndDuplicates) {
  EXPECT_THAT(Servers("#nameserver 10.9.9.9\n;nameserver 10.9.9.8\n nameserver 10.9.9.7\n"
                      "nameservers 10.9.9.6\nnameserver\nnameserver example.com\n"
                      "nameserver 010.1.1.1\nnameserver 10.0.0.5\nnameserver 10.0.0.5\n"),
              ElementsAre("10.0.0.5"));
  EXPECT_THAT(Servers(""), IsEmpty());
  EXPECT_THAT(Servers(std::string("nameserver 10.0.0.6\0nameserver 10.0.0.7", 38)),
              ElementsAre("10.0.0.6"));
}

TEST(ResolvConfTest, KeepsAtMostTheLimit) {
  std::string text;
  for (int i = 1; i <= 20; ++i) text += "nameserver 10.0.1." + std::to_string(i) + "\n";
  EXPECT_EQ(ParseResolvConf(text).size(), kMaxNameservers);
}

TEST(ResolvConfTest, ReadsAFileAndToleratesAMissingOne) {
  std::string path = ::testing::TempDir() + "/resolv.conf";
  std::ofstream(path) << "nameserver 192.0.2.53\n";
  EXPECT_EQ(ReadResolvConf(path).size(), 1u);
  EXPECT_THAT(ReadResolvConf(path + ".missing"), IsEmpty());
}

}  // namespace
}  // namespace fnguard::sandbox
