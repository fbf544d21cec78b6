// PLACEHOLDER: replaced by the Runtime API loop.
#include "fnguard/lambda.h"

namespace fnguard::lambda {
std::chrono::milliseconds Request::get_time_remaining() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::system_clock::now());
}
int Run(const Guard&, const RequestHandler&) { return 1; }
int ReportInitError(const Status&) { return 1; }
}  // namespace fnguard::lambda
