// HostPolicy::DecideSocket: the egress rules applied to a bare socket
// address and the names the process resolved to it (the socket guard's
// decision).
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"
#include "runtime/egress/host_policy.h"

namespace fnguard::egress {
namespace {

using ::testing::HasSubstr;

constexpr char kPolicy[] = R"(version: 1
egress:
  mode: enforce
  allow:
    - {host: api.example.com}
    - {host: "*.example.org", ports: [443, 8443]}
    - {cidr: 203.0.113.0/24, ports: [8443]}
    - {cidr: 10.20.0.0/16, ports: [5432]}
    - {cidr: 169.254.169.254/32, ports: [80]}
  deny: [blocked.example.org, 198.51.100.0/24]
)";

HostPolicy Compile(const std::string& text) {
  auto pol = policy::LoadPolicyText(text, "test.yaml");
  EXPECT_TRUE(pol.ok()) << pol.status();
  absl::StatusOr<HostPolicy> hp = HostPolicy::Compile((*pol)->egress);
  EXPECT_TRUE(hp.ok()) << hp.status();
  return *std::move(hp);
}

policy::IpAddress Ip(const char* text) { return *policy::ParseIpAddress(text); }

struct Case {
  const char* address;
  uint16_t port;
  std::vector<std::string_view> names;
  bool allow;
  const char* rule;
};

TEST(DecideSocketTest, Table) {
  HostPolicy hp = Compile(kPolicy);
  const Case cases[] = {
      // Bare addresses: only allow cidrs listing the port.
      {"203.0.113.9", 8443, {}, true, "egress.allow[2]"},
      {"203.0.113.9", 443, {}, false, "egress.allow[2]"},  // port not listed
      {"::ffff:203.0.113.9", 8443, {}, true, "egress.allow[2]"},
      {"93.184.216.34", 443, {}, false, "default-deny"},
      // Private ranges lifted by a cidr.
      {"10.20.3.4", 5432, {}, true, "egress.allow[3]"},
      {"10.21.3.4", 5432, {}, false, "default-deny"},
      // Names the process resolved to the address.
      {"93.184.216.34", 443, {"api.example.com"}, true, "egress.allow[0]"},
      {"93.184.216.34", 80, {"api.example.com"}, false, "egress.allow[0]"},
      {"93.184.216.34", 8443, {"a.b.example.org"}, true, "egress.allow[1]"},
      {"93.184.216.34", 443, {"example.org"}, false, "default-deny"},  // apex
      {"93.184.216.34", 443, {"evil.net", "api.example.com"}, true, "egress.allow[0]"},
      // An allowed name that resolved to a private address stays denied.
      {"10.1.2.3", 443, {"api.example.com"}, false, "egress.deny_private_addresses"},
      {"127.0.0.1", 443, {"api.example.com"}, false, "egress.deny_private_addresses"},
      // The deny list wins: by cidr, by a name resolved to the address.
      {"198.51.100.7", 443, {"api.example.com"}, false, "egress.deny[1]"},
      {"93.184.216.34", 443, {"api.example.com", "blocked.example.org"}, false, "egress.deny[0]"},
      // Metadata endpoints: denied, named as such; an exact cidr lifts them.
      {"169.254.170.2", 80, {}, false, "metadata-endpoint"},
      {"fd00:ec2::254", 80, {}, false, "metadata-endpoint"},
      {"169.254.169.254", 80, {}, true, "egress.allow[4]"},
      {"::ffff:169.254.169.254", 80, {}, true, "egress.allow[4]"},
      {"64:ff9b::a9fe:a9fe", 80, {}, false, "metadata-endpoint"},
  };
  for (const Case& c : cases) {
    Decision d = hp.DecideSocket(Ip(c.address), c.port, c.names);
    EXPECT_EQ(d.allow, c.allow) << c.address << ":" << c.port << " " << d.reason;
    EXPECT_EQ(d.rule, c.rule) << c.address << ":" << c.port << " " << d.reason;
    EXPECT_FALSE(d.reason.empty());
  }
}

TEST(DecideSocketTest, ReasonsNameTheAddressAndTheNames) {
  HostPolicy hp = Compile(kPolicy);
  std::vector<std::string_view> names = {"evil.net"};
  Decision d = hp.DecideSocket(Ip("93.184.216.34"), 443, names);
  EXPECT_THAT(d.reason, HasSubstr("93.184.216.34 port 443"));
  EXPECT_THAT(d.reason, HasSubstr("evil.net"));
  Decision ok = hp.DecideSocket(Ip("93.184.216.34"), 443, std::vector<std::string_view>{"api.example.com"});
  EXPECT_THAT(ok.reason, HasSubstr("host 'api.example.com'"));
}

TEST(DecideSocketTest, NameRulesWithPrivateAddressesAllowed) {
  HostPolicy hp = Compile(R"(version: 1
egress:
  allow: [{host: localhost, ports: [8080]}]
  deny_private_addresses: false
)");
  std::vector<std::string_view> localhost = {"localhost"};
  EXPECT_TRUE(hp.DecideSocket(Ip("127.0.0.1"), 8080, localhost).allow);
  EXPECT_FALSE(hp.DecideSocket(Ip("127.0.0.1"), 8080, {}).allow);
  EXPECT_FALSE(hp.DecideSocket(Ip("127.0.0.1"), 8081, localhost).allow);
  // Metadata endpoints stay denied even then.
  EXPECT_FALSE(
      hp.DecideSocket(Ip("169.254.169.254"), 8080, std::vector<std::string_view>{"localhost"})
          .allow);
}

TEST(DecideSocketTest, ReportModeAndOff) {
  HostPolicy report = Compile("version: 1\negress: {mode: report}\n");
  Decision d = report.DecideSocket(Ip("10.0.0.1"), 443, {});
  EXPECT_TRUE(d.allow);
  EXPECT_TRUE(d.would_deny);
  HostPolicy off = Compile("version: 1\negress: {mode: off}\n");
  Decision o = off.DecideSocket(Ip("169.254.169.254"), 80, {});
  EXPECT_TRUE(o.allow);
  EXPECT_FALSE(o.would_deny);
}

}  // namespace
}  // namespace fnguard::egress

namespace fnguard::egress {
namespace {

// SocketAllowed() is the text-free fast path of DecideSocket(): over many
// addresses, ports and names, under several policies, they must agree.
TEST(DecideSocketTest, FastPathAgreesWithTheFullDecision) {
  const char* policies[] = {
      kPolicy,
      "version: 1\negress:\n  deny_private_addresses: false\n  allow:\n"
      "    - {host: localhost, ports: [80, 443]}\n    - {cidr: 0.0.0.0/0, ports: [8080]}\n"
      "    - {cidr: 'fd00:ec2::254/128', ports: [80]}\n  deny: ['*.bad.example', 10.66.0.0/16]\n",
      "version: 1\negress: {mode: report, allow: [{host: api.example.com}]}\n",
      "version: 1\negress: {mode: off}\n",
  };
  const char* addresses[] = {"203.0.113.9",   "::ffff:203.0.113.9", "93.184.216.34", "10.20.1.1",
                             "10.66.1.1",     "127.0.0.1",          "::1",           "169.254.169.254",
                             "169.254.170.2", "fd00:ec2::254",      "64:ff9b::a9fe:a9fe",
                             "2002:a9fe:a9fe::", "198.51.100.7",    "0.0.0.0",       "224.0.0.1",
                             "2001:db8::5",   "2606:4700::1111",    "100.64.1.1"};
  const uint16_t ports[] = {53, 80, 443, 5432, 8080, 8443};
  const std::vector<std::vector<std::string_view>> name_sets = {
      {}, {"api.example.com"}, {"localhost"}, {"x.bad.example"}, {"a.b.example.org"},
      {"evil.net", "api.example.com"}, {"blocked.example.org", "api.example.com"}};
  int checked = 0;
  for (const char* text : policies) {
    HostPolicy hp = Compile(text);
    for (const char* a : addresses) {
      for (uint16_t port : ports) {
        for (const auto& names : name_sets) {
          Decision d = hp.DecideSocket(Ip(a), port, names);
          EXPECT_EQ(hp.SocketAllowed(Ip(a), port, names), d.allow && !d.would_deny)
              << text << "\n" << a << ":" << port << " " << d.reason;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 2000);
}

}  // namespace
}  // namespace fnguard::egress
