// Security events for what the egress guard saw: a denied request, a request
// report mode let through that enforcement would deny, a failed TLS
// verification.
//
//   report::SecurityEvent e = ToSecurityEvent(notice);
//   // kind "egress" (action block, or monitor for report mode) or "tls"
//   // (action block); detector "egress"/"tls"; rule_id the deciding rule
//   // ("default-deny", "egress.deny[0]", "metadata-endpoint", "tls.pin", ...);
//   // host; reason; excerpt the URL without userinfo, query and fragment,
//   // redacted and clipped.
//
// EgressReporter sends those events where the policy says: through the
// Reporter when the policy has a reporting section (stdout JSON and/or
// OTLP), else as one JSON line on stderr.
//
// Pure functions and a thread-safe class.
#ifndef FNGUARD_RUNTIME_EGRESS_EGRESS_EVENT_H_
#define FNGUARD_RUNTIME_EGRESS_EGRESS_EVENT_H_

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "runtime/egress/http_client.h"
#include "runtime/report/reporter.h"

namespace fnguard::egress {

inline constexpr size_t kMaxUrlExcerptBytes = 256;

// `url` as it may appear in an event: userinfo, query and fragment removed,
// secrets redacted, at most kMaxUrlExcerptBytes.
std::string UrlExcerpt(std::string_view url);

report::SecurityEvent ToSecurityEvent(const EgressNotice& notice);

class EgressReporter {
 public:
  // `reporter` may be null or disabled: events then go to `fallback` as JSON
  // lines (nullptr: dropped). Neither is owned; both must outlive this.
  EgressReporter(report::Reporter* reporter, FILE* fallback)
      : reporter_(reporter), fallback_(fallback) {}

  // Builds and sends the event for `notice`; `request_id` and `trace_id`
  // name the invocation when known. Never throws.
  void Report(const EgressNotice& notice, std::string_view request_id = {},
              std::string_view trace_id = {});

 private:
  report::Reporter* reporter_;
  FILE* fallback_;
  std::mutex mu_;  // one fallback line at a time
};

}  // namespace fnguard::egress

#endif  // FNGUARD_RUNTIME_EGRESS_EGRESS_EVENT_H_
