#include "runtime/egress/host_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "policy/policy.h"
#include "runtime/egress/url.h"
#include "tests/unit/core/missing_libcurl.h"

namespace fnguard::egress {
namespace {

// The policy the table below is written against.
constexpr const char* kPolicy = R"(version: 1
egress:
  mode: enforce
  allow:
    - {host: api.example.com}
    - {host: "*.example.com", ports: [443, 8443]}
    - {host: plain.example.org, ports: [80, 443], schemes: [http, https]}
    - {cidr: 203.0.113.0/24, ports: [8443]}
    - {cidr: 10.1.0.0/16}
    - {host: xn--bcher-kva.example.net}
    - {cidr: "2001:db8:1::/48"}
    - {cidr: 169.254.0.0/16}
  deny:
    - blocked.example.com
    - "*.internal.example.com"
    - 10.1.99.0/24
)";

HostPolicy CompileText(const std::string& text) {
  auto pol = policy::LoadPolicyText(text, "egress.yaml");
  EXPECT_TRUE(pol.ok()) << pol.status();
  if (!pol.ok()) return *HostPolicy::Compile(policy::Egress{});
  absl::StatusOr<HostPolicy> hp = HostPolicy::Compile((*pol)->egress);
  EXPECT_TRUE(hp.ok()) << hp.status();
  return *std::move(hp);
}

const HostPolicy& TablePolicy() {
  static const HostPolicy* const hp = new HostPolicy(CompileText(kPolicy));
  return *hp;
}

struct Case {
  const char* url;
  bool allow;
  const char* rule;  // the exact rule expected
};

// "url" = rejected by the URL rules; "default-deny" = not on the allowlist.
const Case kCases[] = {
    // Legitimate URLs.
    {"https://api.example.com/", true, "egress.allow[0]"},
    {"https://api.example.com:443/v1", true, "egress.allow[0]"},
    {"HTTPS://API.EXAMPLE.COM/", true, "egress.allow[0]"},
    {"https://Api.Example.Com./path", true, "egress.allow[0]"},
    {"https://api.example.com./", true, "egress.allow[0]"},
    {"https://api.example.com/?q=a@b", true, "egress.allow[0]"},
    {"https://api.example.com#@evil.net", true, "egress.allow[0]"},
    {"https://api.example.com?@evil.net", true, "egress.allow[0]"},
    {"https://api.example.com/a/../b", true, "egress.allow[0]"},
    {"https://www.example.com/", true, "egress.allow[1]"},
    {"https://a.b.example.com/", true, "egress.allow[1]"},
    {"https://a.b.c.d.example.com/", true, "egress.allow[1]"},
    {"https://www.example.com:8443/", true, "egress.allow[1]"},
    {"https://api.example.com:8443/", true, "egress.allow[1]"},
    {"https://www.example.com/path?x=1", true, "egress.allow[1]"},
    {"https://exa_mple.example.com/", true, "egress.allow[1]"},
    {"https://internal.example.com/", true, "egress.allow[1]"},  // deny glob: never the apex
    {"http://plain.example.org/", true, "egress.allow[2]"},
    {"http://plain.example.org:80/", true, "egress.allow[2]"},
    {"https://plain.example.org/", true, "egress.allow[2]"},
    {"https://203.0.113.7:8443/", true, "egress.allow[3]"},
    {"https://[::ffff:203.0.113.7]:8443/", true, "egress.allow[3]"},
    {"https://10.1.2.3/", true, "egress.allow[4]"},
    {"https://[::ffff:10.1.2.3]/", true, "egress.allow[4]"},
    {"https://xn--bcher-kva.example.net/", true, "egress.allow[5]"},
    {"https://xn--bcher-kva.example.net./", true, "egress.allow[5]"},
    {"https://[2001:db8:1::5]/", true, "egress.allow[6]"},
    {"https://169.254.1.1/", true, "egress.allow[7]"},
    // Userinfo and backslashes.
    {"https://user@api.example.com/", false, "url"},
    {"https://user:pass@api.example.com/", false, "url"},
    {"https://api.example.com@evil.net/", false, "url"},
    {"https://api.example.com:443@evil.net/", false, "url"},
    {"https://evil.net\\@api.example.com/", false, "url"},
    {"https://api.example.com\\.evil.net/", false, "url"},
    {"https://evil.net\\api.example.com", false, "url"},
    {"https://api.example.com\\", false, "url"},
    // Percent-encoding in the host.
    {"https://api%2eexample.com/", false, "url"},
    {"https://%61pi.example.com/", false, "url"},
    {"https://api.example.com%2f@evil.net/", false, "url"},
    {"https://api.example.com%00.evil.net/", false, "url"},
    // Non-canonical IPv4.
    {"https://0177.0.0.1/", false, "url"},
    {"https://0x7f.0.0.1/", false, "url"},
    {"https://0x7f000001/", false, "url"},
    {"https://0x7f.1/", false, "url"},
    {"https://127.1/", false, "url"},
    {"https://2130706433/", false, "url"},
    {"https://127.000.000.001/", false, "url"},
    {"https://010.1.2.3/", false, "url"},
    {"https://2852039166/", false, "url"},
    {"https://0xa9.0xfe.0xa9.0xfe/", false, "url"},
    {"https://0251.0376.0251.0376/", false, "url"},
    {"https://1.2.3.4.5/", false, "url"},
    {"https://256.1.1.1/", false, "url"},
    {"https://example.0x10/", false, "url"},
    // Addresses.
    {"https://127.0.0.1/", false, "default-deny"},
    {"https://10.2.0.1/", false, "default-deny"},
    {"https://192.168.1.1/", false, "default-deny"},
    {"https://100.100.100.200/", false, "default-deny"},
    {"https://169.254.169.254/", false, "metadata-endpoint"},
    {"https://169.254.170.2/", false, "metadata-endpoint"},
    {"https://[::1]/", false, "default-deny"},
    {"https://[::]/", false, "default-deny"},
    {"https://[::ffff:169.254.169.254]/", false, "metadata-endpoint"},
    {"https://[::ffff:a9fe:a9fe]/", false, "metadata-endpoint"},
    {"https://[::ffff:7f00:1]/", false, "default-deny"},
    {"https://[0:0:0:0:0:ffff:127.0.0.1]/", false, "default-deny"},
    {"https://[64:ff9b::a9fe:a9fe]/", false, "default-deny"},
    {"https://[2002:a9fe:a9fe::]/", false, "default-deny"},
    {"https://[fd00:ec2::254]/", false, "default-deny"},
    {"https://[::203.0.113.7]:8443/", false, "default-deny"},  // only IPv4-mapped lifts
    {"https://[64:ff9b::a01:203]/", false, "default-deny"},
    {"https://[fe80::1%25eth0]/", false, "url"},
    {"https://[v1.fe80]/", false, "url"},
    {"https://[::1/", false, "url"},
    // Host names: trailing dots, wildcards, look-alikes.
    {"https://api.example.com../", false, "url"},
    {"https://.api.example.com/", false, "url"},
    {"https://example.com/", false, "default-deny"},
    {"https://example.com./", false, "default-deny"},
    {"https://evil-example.com/", false, "default-deny"},
    {"https://example.com.evil.net/", false, "default-deny"},
    {"https://api.example.com.evil.net/", false, "default-deny"},
    {"https://notexample.com/", false, "default-deny"},
    {"https://apiexample.com/", false, "default-deny"},
    {"https://api.example.co/", false, "default-deny"},
    {"https://xexample.com/", false, "default-deny"},
    {"https://*.example.com/", false, "url"},
    // Ports.
    {"https://api.example.com:8080/", false, "egress.allow[0]"},
    {"https://www.example.com:8080/", false, "egress.allow[1]"},
    {"https://203.0.113.7/", false, "egress.allow[3]"},
    {"https://10.1.2.3:8443/", false, "egress.allow[4]"},
    {"https://api.example.com:0/", false, "url"},
    {"https://api.example.com:99999/", false, "url"},
    {"https://api.example.com:+443/", false, "url"},
    {"https://api.example.com:0443/", false, "url"},
    {"https://api.example.com:/", false, "url"},
    {"https://api.example.com:443:443/", false, "url"},
    // Schemes.
    {"http://api.example.com/", false, "egress.allow[0]"},
    {"http://www.example.com/", false, "egress.allow[1]"},
    {"ftp://api.example.com/", false, "url"},
    {"file:///etc/passwd", false, "url"},
    {"gopher://api.example.com/", false, "url"},
    {"javascript:alert(1)", false, "url"},
    {"//api.example.com/", false, "url"},
    {"api.example.com", false, "url"},
    {"https:api.example.com", false, "url"},
    {"https:///", false, "url"},
    {"https://:443/", false, "url"},
    // IDN must be punycode.
    {"https://b\xc3\xbc" "cher.example.net/", false, "url"},
    {"https://\xd0\xb0pi.example.com/", false, "url"},
    // Deny list precedence.
    {"https://blocked.example.com/", false, "egress.deny[0]"},
    {"https://BLOCKED.example.com./", false, "egress.deny[0]"},
    {"https://a.internal.example.com/", false, "egress.deny[1]"},
    {"https://x.y.internal.example.com/", false, "egress.deny[1]"},
    {"https://10.1.99.5/", false, "egress.deny[2]"},
    {"https://[::ffff:10.1.99.5]/", false, "egress.deny[2]"},
    {"https://[2002:a01:6305::1]/", false, "egress.deny[2]"},
    // Whitespace and control characters.
    {"https://api.example.com /", false, "url"},
    {"https://api.example.com\t/", false, "url"},
    {"https://api.exa\nmple.com/", false, "url"},
    {" https://api.example.com/", false, "url"},
    {"https://api.example.com/\r\nHost: evil.net", false, "url"},
    {"", false, "url"},
};

TEST(HostPolicyTable, EveryCase) {
  const HostPolicy& hp = TablePolicy();
  size_t n = 0;
  for (const Case& c : kCases) {
    Decision d = hp.Decide(c.url);
    EXPECT_EQ(d.allow, c.allow) << c.url << ": " << d.reason;
    EXPECT_EQ(d.rule, c.rule) << c.url << ": " << d.reason;
    EXPECT_FALSE(d.would_deny) << c.url;
    EXPECT_FALSE(d.reason.empty()) << c.url;
    ++n;
  }
  EXPECT_GE(n, 80u);
}

TEST(HostPolicy, ReasonsAreSentences) {
  const HostPolicy& hp = TablePolicy();
  EXPECT_EQ(hp.Decide("https://evil.net/").reason, "host 'evil.net' is not on the allowlist");
  EXPECT_NE(hp.Decide("https://api.example.com:8080/").reason.find("port 8080"),
            std::string::npos);
  EXPECT_NE(hp.Decide("http://api.example.com/").reason.find("scheme 'http'"), std::string::npos);
  EXPECT_NE(hp.Decide("https://user@api.example.com/").reason.find("userinfo"),
            std::string::npos);
  EXPECT_NE(hp.Decide("https://[::ffff:169.254.169.254]/").reason.find("IPv4-mapped"),
            std::string::npos);
}

// The reasons are built only for the decision that is returned; their exact
// text is part of the events and of `fnguard egress check`.
TEST(HostPolicy, ReasonTextsAreExact) {
  const HostPolicy& hp = TablePolicy();
  struct Expected {
    const char* url;
    const char* rule;
    const char* reason;
  };
  const Expected cases[] = {
      {"https://api.example.com/", "egress.allow[0]",
       "host 'api.example.com' is allowed by egress.allow[0] ('api.example.com')"},
      {"https://a.b.example.com:8443/", "egress.allow[1]",
       "host 'a.b.example.com' is allowed by egress.allow[1] ('*.example.com')"},
      {"https://a.internal.example.com/", "egress.deny[1]",
       "host 'a.internal.example.com' is on the deny list ('*.internal.example.com')"},
      {"http://www.example.com/", "egress.allow[1]",
       "scheme 'http' is not allowed for host 'www.example.com' by egress.allow[1] "
       "(schemes: https)"},
      {"https://plain.example.org:8080/", "egress.allow[2]",
       "port 8080 is not allowed for host 'plain.example.org' by egress.allow[2] (ports: 80, 443)"},
      {"https://203.0.113.7:8443/", "egress.allow[3]",
       "address 203.0.113.7 is allowed by egress.allow[3] (cidr 203.0.113.0/24)"},
      {"https://[::ffff:203.0.113.7]:8443/", "egress.allow[3]",
       "address ::ffff:203.0.113.7 (IPv4-mapped form of 203.0.113.7) is allowed by "
       "egress.allow[3] (cidr 203.0.113.0/24)"},
      {"https://203.0.113.7/", "egress.allow[3]",
       "port 443 is not allowed for address 203.0.113.7 by egress.allow[3] (ports: 8443)"},
      {"https://10.1.2.3/", "egress.allow[4]",
       "address 10.1.2.3 is allowed by egress.allow[4] (cidr 10.1.0.0/16)"},
      {"https://[2002:a01:6305::1]/", "egress.deny[2]",
       "address 2002:a01:6305::1 (6to4 form of 10.1.99.5) is on the deny list (10.1.99.0/24)"},
      {"https://8.8.8.8/", "default-deny",
       "address 8.8.8.8 is not on the allowlist (allow it with a cidr entry)"},
      {"https://[64:ff9b::a9fe:a9fe]/", "default-deny",
       "address 64:ff9b::a9fe:a9fe (NAT64 form of 169.254.169.254) is not on the allowlist "
       "(allow it with a cidr entry)"},
      {"https://169.254.169.254/", "metadata-endpoint",
       "address 169.254.169.254 which is a cloud metadata endpoint (allow only with a cidr "
       "entry naming exactly that address)"},
  };
  for (const Expected& c : cases) {
    Decision d = hp.Decide(c.url);
    EXPECT_EQ(d.rule, c.rule) << c.url;
    EXPECT_EQ(d.reason, c.reason) << c.url;
    // The same decision on a URL parsed beforehand (ParseUrl reads the path
    // too; Decide does not need it).
    absl::StatusOr<ParsedUrl> parsed = ParseUrl(c.url);
    ASSERT_TRUE(parsed.ok()) << c.url;
    Decision same = hp.DecideParsed(*parsed);
    EXPECT_EQ(same.reason, d.reason) << c.url;
    EXPECT_EQ(same.rule, d.rule) << c.url;
  }

  const auto check = [&](const char* ip, std::string_view host) {
    return hp.CheckAddress(*policy::ParseIpAddress(ip), host, 443);
  };
  EXPECT_EQ(check("8.8.8.8", "svc.example.com").reason,
            "host 'svc.example.com' resolved to address 8.8.8.8, which is a public address");
  EXPECT_EQ(check("8.8.8.8", "8.8.8.8").reason, "address 8.8.8.8 which is a public address");
  EXPECT_EQ(check("10.1.2.3", "svc.example.com").reason,
            "host 'svc.example.com' resolved to address 10.1.2.3, which is private, allowed by "
            "egress.allow[4] (cidr 10.1.0.0/16)");
  EXPECT_EQ(check("10.1.99.5", "").reason,
            "address 10.1.99.5 which is on the deny list (10.1.99.0/24)");
  EXPECT_EQ(check("::ffff:127.0.0.1", "").reason,
            "address ::ffff:127.0.0.1 (IPv4-mapped form of 127.0.0.1) which is loopback (denied "
            "by deny_private_addresses; lift it with an allow cidr entry)");

  const std::string_view names[] = {"blocked.example.com"};
  Decision socket = hp.DecideSocket(*policy::ParseIpAddress("10.1.2.3"), 443, names);
  EXPECT_EQ(socket.rule, "egress.deny[0]");
  EXPECT_EQ(socket.reason,
            "host 'blocked.example.com' (address 10.1.2.3 port 443) is on the deny list "
            "('blocked.example.com')");
  Decision near = hp.DecideSocket(*policy::ParseIpAddress("10.1.2.3"), 8443, {});
  EXPECT_EQ(near.reason,
            "port 8443 is not allowed for address 10.1.2.3 port 8443 by egress.allow[4] "
            "(ports: 443)");
}

TEST(HostPolicy, EmptyAllowlistDeniesEverything) {
  absl::StatusOr<HostPolicy> hp = HostPolicy::Compile(policy::Egress{});
  ASSERT_TRUE(hp.ok());
  EXPECT_FALSE(hp->Decide("https://api.example.com/").allow);
  EXPECT_FALSE(hp->Decide("https://8.8.8.8/").allow);
  EXPECT_EQ(hp->Decide("https://8.8.8.8/").rule, "default-deny");
}

TEST(HostPolicy, ReportModeAllowsButFlags) {
  HostPolicy hp = CompileText(R"(version: 1
egress:
  mode: report
  allow: [{host: api.example.com}]
)");
  Decision denied = hp.Decide("https://evil.net/");
  EXPECT_TRUE(denied.allow);
  EXPECT_TRUE(denied.would_deny);
  EXPECT_EQ(denied.rule, "default-deny");
  EXPECT_EQ(denied.reason, "host 'evil.net' is not on the allowlist");
  Decision allowed = hp.Decide("https://api.example.com/");
  EXPECT_TRUE(allowed.allow);
  EXPECT_FALSE(allowed.would_deny);
  Decision bad_url = hp.Decide("https://user@api.example.com/");
  EXPECT_TRUE(bad_url.allow);
  EXPECT_TRUE(bad_url.would_deny);
  EXPECT_EQ(bad_url.rule, "url");
}

TEST(HostPolicy, ModeOffAllowsEverything) {
  HostPolicy hp = CompileText(R"(version: 1
egress:
  mode: off
)");
  for (const char* url : {"https://evil.net/", "https://169.254.169.254/", "not a url"}) {
    Decision d = hp.Decide(url);
    EXPECT_TRUE(d.allow) << url;
    EXPECT_FALSE(d.would_deny) << url;
    EXPECT_EQ(d.reason, "egress mode off");
  }
  policy::IpAddress lo = *policy::ParseIpAddress("127.0.0.1");
  EXPECT_TRUE(hp.CheckAddress(lo, "x.example.com", 443).allow);
}

TEST(HostPolicy, MetadataNeedsAnExactCidr) {
  HostPolicy exact = CompileText(R"(version: 1
egress:
  allow: [{cidr: 169.254.169.254/32, ports: [80], schemes: [http]}]
)");
  EXPECT_TRUE(exact.Decide("http://169.254.169.254/latest/meta-data/").allow);
  EXPECT_TRUE(exact.Decide("http://[::ffff:169.254.169.254]/").allow);
  EXPECT_FALSE(exact.Decide("http://169.254.169.253/").allow);

  HostPolicy broad = CompileText(R"(version: 1
egress:
  deny_private_addresses: false
  allow: [{cidr: 169.254.0.0/16}, {cidr: 127.0.0.0/8}]
)");
  EXPECT_EQ(broad.Decide("https://169.254.169.254/").rule, "metadata-endpoint");
  EXPECT_TRUE(broad.Decide("https://169.254.10.10/").allow);
  EXPECT_TRUE(broad.Decide("https://127.0.0.1/").allow);
}

TEST(HostPolicy, CheckAddressAfterResolution) {
  const HostPolicy& hp = TablePolicy();
  auto check = [&](const char* ip, uint16_t port) {
    return hp.CheckAddress(*policy::ParseIpAddress(ip), "svc.example.com", port);
  };
  EXPECT_TRUE(check("93.184.216.34", 443).allow);
  EXPECT_TRUE(check("2606:4700::1111", 443).allow);
  Decision lo = check("127.0.0.1", 443);
  EXPECT_FALSE(lo.allow);
  EXPECT_EQ(lo.rule, "egress.deny_private_addresses");
  EXPECT_NE(lo.reason.find("svc.example.com"), std::string::npos);
  EXPECT_NE(lo.reason.find("127.0.0.1"), std::string::npos);
  EXPECT_NE(lo.reason.find("loopback"), std::string::npos);
  EXPECT_FALSE(check("::1", 443).allow);
  EXPECT_FALSE(check("192.168.0.10", 443).allow);
  EXPECT_FALSE(check("100.64.1.1", 443).allow);
  EXPECT_FALSE(check("fd12:3456::1", 443).allow);
  EXPECT_FALSE(check("224.0.0.1", 443).allow);
  EXPECT_EQ(check("169.254.169.254", 443).rule, "metadata-endpoint");
  EXPECT_EQ(check("fd00:ec2::254", 443).rule, "metadata-endpoint");
  EXPECT_EQ(check("::ffff:169.254.169.254", 443).rule, "metadata-endpoint");
  EXPECT_EQ(check("64:ff9b::a9fe:a9fe", 443).rule, "metadata-endpoint");
  EXPECT_EQ(check("2002:7f00:1::", 443).rule, "egress.deny_private_addresses");
  // A cidr entry lifts the private-range deny for its ports only.
  EXPECT_TRUE(check("10.1.2.3", 443).allow);
  EXPECT_EQ(check("10.1.2.3", 443).rule, "egress.allow[4]");
  EXPECT_FALSE(check("10.1.2.3", 8443).allow);
  EXPECT_TRUE(check("169.254.3.3", 443).allow);
  // The deny list's cidrs apply to resolved addresses too.
  EXPECT_EQ(check("10.1.99.1", 443).rule, "egress.deny[2]");

  HostPolicy lenient = CompileText(R"(version: 1
egress:
  deny_private_addresses: false
  allow: [{host: svc.example.com}]
)");
  EXPECT_TRUE(lenient.CheckAddress(*policy::ParseIpAddress("10.9.9.9"), "svc.example.com", 443)
                  .allow);
  EXPECT_FALSE(
      lenient.CheckAddress(*policy::ParseIpAddress("169.254.169.254"), "svc.example.com", 443)
          .allow);
}

TEST(HostPolicy, CheckSocketAddress) {
  const HostPolicy& hp = TablePolicy();
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(0x7f000001);
  EXPECT_FALSE(hp.CheckAddress(reinterpret_cast<const sockaddr*>(&sin), "x", 443).allow);
  sin.sin_addr.s_addr = htonl(0x5db8d822);  // 93.184.216.34
  EXPECT_TRUE(hp.CheckAddress(reinterpret_cast<const sockaddr*>(&sin), "x", 443).allow);
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_addr.s6_addr[15] = 1;  // ::1
  EXPECT_FALSE(hp.CheckAddress(reinterpret_cast<const sockaddr*>(&sin6), "x", 443).allow);
  sockaddr other{};
  other.sa_family = AF_UNIX;
  EXPECT_FALSE(hp.CheckAddress(&other, "x", 443).allow);
  EXPECT_FALSE(hp.CheckAddress(static_cast<const sockaddr*>(nullptr), "x", 443).allow);
}

TEST(HostPolicy, ResolveChecksEveryAddress) {
  HostPolicy hp = CompileText(R"(version: 1
egress:
  allow: [{host: localhost}, {cidr: 203.0.113.0/24}]
)");
  // Allowed by name, denied by what it resolves to.
  Decision by_name = hp.Decide("https://localhost/");
  EXPECT_TRUE(by_name.allow) << by_name.reason;
  Decision d = hp.ResolveAndDecide("https://localhost/");
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.rule, "egress.deny_private_addresses");
  EXPECT_NE(d.reason.find("loopback"), std::string::npos) << d.reason;
  EXPECT_FALSE(d.addresses.empty());
  // Not on the allowlist: denied before any lookup.
  Decision unlisted = hp.ResolveAndDecide("https://evil.invalid/");
  EXPECT_EQ(unlisted.rule, "default-deny");
  EXPECT_TRUE(unlisted.addresses.empty());
  // An IP literal is its own address.
  Decision literal = hp.ResolveAndDecide("https://203.0.113.9/");
  EXPECT_TRUE(literal.allow) << literal.reason;
  ASSERT_EQ(literal.addresses.size(), 1u);
  EXPECT_EQ(literal.addresses[0], "203.0.113.9");
}

TEST(HostPolicy, CompileRejectsUnvalidatedEntries) {
  policy::Egress eg;
  eg.allow.push_back({"", "10.0.0.1/8", {}, {}});
  EXPECT_FALSE(HostPolicy::Compile(eg).ok());
  policy::Egress eg2;
  eg2.deny.push_back("Evil.Example.com");
  EXPECT_FALSE(HostPolicy::Compile(eg2).ok());
}

// Without libcurl (FNGUARD_LIBCURL names a file that is not there) no URL
// parses, so a URL the policy allows is denied like any unparsable URL,
// naming libcurl. Runs in a fresh process: libcurl is loaded once.
std::string ProblemsWithoutLibcurl() {
  const HostPolicy& hp = TablePolicy();
  for (const std::string url : {"https://api.example.com/", "https://10.1.2.3/"}) {
    for (const Decision& d : {hp.Decide(url), hp.ResolveAndDecide(url)}) {
      if (d.allow || d.would_deny) return url + " was allowed without libcurl";
      if (d.rule != "url") return url + " denied by rule " + d.rule;
      if (d.reason.find("libcurl could not be loaded") == std::string::npos) {
        return url + ": unclear reason: " + d.reason;
      }
    }
  }
  absl::StatusOr<ParsedUrl> parsed = ParseUrl("https://api.example.com/");
  if (parsed.ok()) return "ParseUrl accepted a URL without libcurl";
  if (parsed.status().code() != absl::StatusCode::kFailedPrecondition) {
    return "ParseUrl: " + parsed.status().ToString();
  }
  return "";
}

TEST(HostPolicyDeathTest, WithoutLibcurlEveryUrlIsDenied) {
  testing::ExpectNoProblemsWithoutLibcurl(ProblemsWithoutLibcurl);
  // The control, after the child ran (it runs this body up to the check,
  // and must not load libcurl first): with libcurl both are allowed.
  EXPECT_TRUE(TablePolicy().Decide("https://api.example.com/").allow);
  EXPECT_TRUE(TablePolicy().Decide("https://10.1.2.3/").allow);
}

}  // namespace
}  // namespace fnguard::egress
