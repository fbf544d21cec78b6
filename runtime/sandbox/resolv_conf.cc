#include "runtime/sandbox/resolv_conf.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/sandbox/name_map.h"

namespace fnguard::sandbox {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view NextField(std::string_view* line) {
  size_t i = 0;
  while (i < line->size() && IsBlank((*line)[i])) ++i;
  size_t start = i;
  while (i < line->size() && !IsBlank((*line)[i])) ++i;
  std::string_view field = line->substr(start, i - start);
  line->remove_prefix(i);
  return field;
}

}  // namespace

std::vector<policy::IpAddress> ParseResolvConf(std::string_view text) {
  std::vector<policy::IpAddress> out;
  if (text.size() > kMaxResolvConfBytes) text = text.substr(0, kMaxResolvConfBytes);
  while (!text.empty() && out.size() < kMaxNameservers) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    // Like glibc: the keyword starts the line and a blank follows it.
    constexpr std::string_view kKeyword = "nameserver";
    if (!line.starts_with(kKeyword) || line.size() == kKeyword.size() ||
        !IsBlank(line[kKeyword.size()])) {
      continue;
    }
    line.remove_prefix(kKeyword.size());
    std::string_view address = NextField(&line);
    size_t zone = address.find('%');
    if (zone != std::string_view::npos) address = address.substr(0, zone);
    std::optional<policy::IpAddress> ip = policy::ParseIpAddress(address);
    if (!ip.has_value()) continue;
    policy::IpAddress canonical = CanonicalAddress(*ip);
    bool seen = false;
    for (const policy::IpAddress& a : out) {
      seen = seen || (a.family == canonical.family && a.bytes == canonical.bytes);
    }
    if (!seen) out.push_back(canonical);
  }
  return out;
}

std::vector<policy::IpAddress> ReadResolvConf(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string text;
  char buf[4096];
  while (text.size() < kMaxResolvConfBytes) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return ParseResolvConf(text);
}

}  // namespace fnguard::sandbox
