// The synthetic events `fnguard bench` and the benchmark suite
// (tests/bench) time: a typical HTTP API request and one with a large benign
// JSON body. Both are HTTP API (payload 2.0) events as API Gateway delivers
// them.
#ifndef FNGUARD_WRAPPERS_CLI_BENCH_EVENTS_H_
#define FNGUARD_WRAPPERS_CLI_BENCH_EVENTS_H_

#include <cstddef>
#include <string>
#include <vector>

namespace fnguard::cli {

// A POST with a query string, twelve browser-like headers (cookies among
// them) and a ~330-byte JSON order body: benign, with the punctuation real
// traffic has (apostrophes, '%', '+', '/').
std::string TypicalHttpApiEvent();

// Which values differ between TypicalHttpApiEventVariants().
enum class Variation {
  // What differs from one user to the next: the body, the query, the bearer
  // token, the session cookie and the client address; what a client
  // population shares stays (accept, user-agent, origin, host, ...).
  kUsers,
  // Every value the client sends: header values, query, cookies, body.
  kAllValues,
};

// `n` copies of TypicalHttpApiEvent(), copy i with its own values (as
// `variation` says): benign, the same shape and about the same size.
std::vector<std::string> TypicalHttpApiEventVariants(size_t n, Variation variation);

// The benign JSON document used as the large body: a product catalog whose
// records (~1.6 KB, ten fields, a prose description with ordinary
// punctuation) keep a 1 MB body under the decoder's 10,000-field limit.
// `approx_bytes` long within one record.
std::string LargeBenignJson(size_t approx_bytes);

// The other large body: an export of order records (~330 bytes each: ids,
// timestamps, e-mail addresses, SKUs, prices, status words, no prose), each
// value its own. Short values and numbers, so decoding and the per-field
// work weigh more than in the catalog, and a 1 MB body holds 20,000 to
// 30,000 fields (more than the decoder's default limit of 10,000).
std::string LargeRecordsJson(size_t approx_bytes);

// The shapes of large body that `fnguard bench --body-bytes` builds.
enum class BodyShape {
  kCatalog,  // LargeBenignJson()
  kRecords,  // LargeRecordsJson()
};

// A POST whose body is LargeBenignJson(approx_bytes) or LargeRecordsJson().
std::string LargeJsonBodyEvent(size_t approx_bytes, BodyShape shape = BodyShape::kCatalog);

}  // namespace fnguard::cli

#endif  // FNGUARD_WRAPPERS_CLI_BENCH_EVENTS_H_
