// Secret redaction for excerpts and reports: AWS access key ids and secret
// keys, bearer tokens, JWTs, and password-like assignments are replaced by
// "[REDACTED]" so security events never leak credentials.
#ifndef FNGUARD_RUNTIME_REPORT_REDACT_H_
#define FNGUARD_RUNTIME_REPORT_REDACT_H_

#include <string>
#include <string_view>

namespace fnguard::report {

// Returns `text` with secrets replaced. Linear time.
std::string Redact(std::string_view text);

}  // namespace fnguard::report

#endif  // FNGUARD_RUNTIME_REPORT_REDACT_H_
