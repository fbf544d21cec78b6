// Differential fuzzer for remembered clean fields (runtime/engine/clean_cache.h):
// the input, cut at 0xff bytes into up to four values, is placed in an API
// Gateway v2 event (headers, query, path parameter, JSON body), and the event
// is inspected three times by an Inspector that remembers clean fields and
// once by one that does not. Both live across inputs, so earlier inputs'
// fields are remembered too. Every inspection must report the same findings
// (detector, rule, field path, score); any difference traps.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fnguard/verdict.h"
#include "policy/policy.h"
#include "runtime/engine/engine.h"
#include "tests/fuzz/json_escape.h"

namespace {

using fnguard::Verdict;
using fnguard::engine::Inspector;
using fnguard::fuzz::AppendJsonEscaped;

std::shared_ptr<const fnguard::policy::Policy> UnlimitedPolicy() {
  // A budget that never runs out: a timed-out inspection would differ for
  // reasons other than the field memory.
  auto p = std::make_shared<fnguard::policy::Policy>(*fnguard::policy::DefaultPolicy());
  p->limits.time_budget_us = 600'000'000;
  return p;
}

Inspector& Remembering() {
  static Inspector* ins = new Inspector(UnlimitedPolicy());
  return *ins;
}

Inspector& Forgetting() {
  static Inspector* ins = [] {
    auto* i = new Inspector(UnlimitedPolicy());
    i->set_remember_clean_fields(false);
    return i;
  }();
  return *ins;
}

bool SameFindings(const Verdict& a, const Verdict& b) {
  if (a.findings.size() != b.findings.size() || a.action != b.action) return false;
  for (size_t i = 0; i < a.findings.size(); ++i) {
    const auto& x = a.findings[i];
    const auto& y = b.findings[i];
    if (x.detector != y.detector || x.rule_id != y.rule_id || x.field_path != y.field_path ||
        x.score != y.score) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> v;
  while (v.size() < 3) {
    const size_t cut = input.find('\xff');
    if (cut == std::string_view::npos) break;
    v.push_back(input.substr(0, cut));
    input.remove_prefix(cut + 1);
  }
  v.push_back(input);
  while (v.size() < 4) v.push_back(v.back());

  std::string event =
      R"({"version":"2.0","rawPath":"/p","headers":{"content-type":"application/json","user-agent":")";
  AppendJsonEscaped(v[0], &event);
  event += R"(","x-note":")";
  AppendJsonEscaped(v[1], &event);
  event += R"("},"queryStringParameters":{"q":")";
  AppendJsonEscaped(v[1], &event);
  event += R"(","url":")";
  AppendJsonEscaped(v[2], &event);
  event += R"("},"pathParameters":{"id":")";
  AppendJsonEscaped(v[3], &event);
  // The body is a JSON document inside a JSON string: escaped twice.
  std::string body = R"({"name":")";
  AppendJsonEscaped(v[2], &body);
  body += R"(","items":[")";
  AppendJsonEscaped(v[3], &body);
  body += R"("]})";
  event += R"("},"requestContext":{"http":{"method":"POST"}},"isBase64Encoded":false,"body":")";
  AppendJsonEscaped(body, &event);
  event += "\"}";

  const Verdict reference = Forgetting().Inspect(event);
  for (int round = 0; round < 3; ++round) {
    if (!SameFindings(Remembering().Inspect(event), reference)) __builtin_trap();
  }
  return 0;
}
