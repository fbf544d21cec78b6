#include "runtime/egress/egress_event.h"

#include <cstdlib>

#include "runtime/report/redact.h"

namespace fnguard::egress {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

}  // namespace

std::string UrlExcerpt(std::string_view url) {
  std::string_view rest = url;
  std::string out;
  if (size_t scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    out.append(rest.substr(0, scheme_end + 3));
    rest.remove_prefix(scheme_end + 3);
    // Userinfo ("user:secret@host") never reaches a report.
    const size_t authority_end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, authority_end);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      out.append("[REDACTED]@");
      rest.remove_prefix(at + 1);
    }
  }
  rest = rest.substr(0, rest.find_first_of("?#"));
  out.append(rest);
  out = report::Redact(out);
  if (out.size() > kMaxUrlExcerptBytes) {
    size_t cut = kMaxUrlExcerptBytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;
    out.resize(cut);
    out.append("...");
  }
  return out;
}

report::SecurityEvent ToSecurityEvent(const EgressNotice& notice) {
  report::SecurityEvent e;
  e.event_id = report::NewEventId();
  const bool tls = notice.type == EgressNotice::Type::kTls;
  e.kind = tls ? "tls" : "egress";
  e.detector = tls ? "tls" : "egress";
  e.action = notice.type == EgressNotice::Type::kWouldDeny ? Action::kMonitor : Action::kBlock;
  e.rule_id = notice.decision.rule;
  e.host = notice.host;
  e.excerpt = UrlExcerpt(notice.url);
  if (tls) {
    e.reason = "TLS verification failed for " + (notice.host.empty() ? e.excerpt : notice.host) +
               ": " + notice.decision.reason;
  } else if (notice.type == EgressNotice::Type::kWouldDeny) {
    e.reason = "egress report mode: would deny " + e.excerpt + ": " + notice.decision.reason;
  } else {
    e.reason = "egress denied " + e.excerpt + ": " + notice.decision.reason;
  }
  e.function_name = Env("AWS_LAMBDA_FUNCTION_NAME");
  e.function_version = Env("AWS_LAMBDA_FUNCTION_VERSION");
  e.region = Env("AWS_REGION");
  e.time_unix_ns = report::NowUnixNanos();
  return e;
}

void EgressReporter::Report(const EgressNotice& notice, std::string_view request_id,
                            std::string_view trace_id) {
  try {
    report::SecurityEvent e = ToSecurityEvent(notice);
    e.request_id = std::string(request_id);
    e.trace_id = std::string(trace_id);
    if (reporter_ != nullptr && reporter_->enabled()) {
      reporter_->Report(std::move(e));
      return;
    }
    if (fallback_ == nullptr) return;
    std::string line = report::ToJson(e);
    line.push_back('\n');
    std::lock_guard<std::mutex> lock(mu_);
    std::fwrite(line.data(), 1, line.size(), fallback_);
    std::fflush(fallback_);
  } catch (...) {
    // Reporting never breaks a request.
  }
}

}  // namespace fnguard::egress
