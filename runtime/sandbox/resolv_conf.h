// The resolvers a function may always reach: the nameservers of
// /etc/resolv.conf. The socket guard lets DNS (port 53, UDP and TCP) through
// to exactly these addresses, whatever the egress rules say (in Lambda the
// resolver is a link-local address the private-range rule would deny).
//
//   ParseResolvConf("nameserver 10.0.0.2\nnameserver fd00::2%eth0\n")
//     -> {10.0.0.2, fd00::2}
//
// Parsing follows glibc's reading of the file: lines starting with
// "nameserver", a blank, then the address (text after it is ignored); other
// lines, comments ('#', ';') included, are skipped; an IPv6 zone ("%eth0")
// is dropped. Malformed lines are skipped, and
// at most kMaxNameservers are kept. Pure; never fails.
#ifndef FNGUARD_RUNTIME_SANDBOX_RESOLV_CONF_H_
#define FNGUARD_RUNTIME_SANDBOX_RESOLV_CONF_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "policy/hosts.h"

namespace fnguard::sandbox {

inline constexpr size_t kMaxNameservers = 8;
// Bytes of the file read at most.
inline constexpr size_t kMaxResolvConfBytes = 64 * 1024;

std::vector<policy::IpAddress> ParseResolvConf(std::string_view text);

// Reads and parses `path`; empty when it cannot be read.
std::vector<policy::IpAddress> ReadResolvConf(const std::string& path = "/etc/resolv.conf");

}  // namespace fnguard::sandbox

#endif  // FNGUARD_RUNTIME_SANDBOX_RESOLV_CONF_H_
