// Fuzzes the resolv.conf reader of the socket guard (runtime/sandbox): never
// crash, keep at most kMaxNameservers, return only canonical addresses
// (IPv4-mapped forms turned into IPv4), each once, each written in the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/sandbox/name_map.h"
#include "runtime/sandbox/resolv_conf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto servers = fnguard::sandbox::ParseResolvConf(text);
  if (servers.size() > fnguard::sandbox::kMaxNameservers) std::abort();
  for (size_t i = 0; i < servers.size(); ++i) {
    const fnguard::policy::IpAddress& a = servers[i];
    if (a.family != 4 && a.family != 6) std::abort();
    fnguard::policy::IpAddress canonical = fnguard::sandbox::CanonicalAddress(a);
    if (canonical.family != a.family || canonical.bytes != a.bytes) std::abort();
    for (size_t j = i + 1; j < servers.size(); ++j) {
      if (servers[j].family == a.family && servers[j].bytes == a.bytes) std::abort();
    }
    if (text.find("nameserver") == std::string_view::npos) std::abort();
  }
  return 0;
}
