// The hello function's handler (examples/hello/greeting.h) behind a plain
// libcurl Lambda Runtime API loop: the smallest custom runtime that does the
// job, and the baseline fnguard's own loop is measured against
// (baseline_hello.cc as a process, runtime_loop_bench.cc in a benchmark).
//
// Per invocation: GET /runtime/invocation/next, call the handler, POST the
// response; no inspection, no retries. Returns when the Runtime API fails,
// with a one-line reason. The caller runs curl_global_init().
#ifndef FNGUARD_TESTS_BENCH_PLAIN_RUNTIME_LOOP_H_
#define FNGUARD_TESTS_BENCH_PLAIN_RUNTIME_LOOP_H_

#include <curl/curl.h>

#include <string>
#include <string_view>

#include "examples/hello/greeting.h"

namespace fnguard::bench {

inline std::string PlainRuntimeLoop(const std::string& api_endpoint) {
  struct Exchange {
    std::string body, request_id;
  } ex;
  auto on_body = +[](char* data, size_t size, size_t n, void* user) {
    static_cast<Exchange*>(user)->body.append(data, size * n);
    return size * n;
  };
  auto on_header = +[](char* data, size_t size, size_t n, void* user) {
    std::string_view line(data, size * n);
    constexpr std::string_view kName = "lambda-runtime-aws-request-id:";
    if (line.size() <= kName.size()) return size * n;
    for (size_t i = 0; i < kName.size(); ++i) {
      char c = line[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != kName[i]) return size * n;
    }
    std::string_view v = line.substr(kName.size());
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
    static_cast<Exchange*>(user)->request_id.assign(v);
    return size * n;
  };

  const std::string base = "http://" + api_endpoint + "/2018-06-01/runtime/invocation/";
  const std::string next_url = base + "next";
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return "curl_easy_init failed";
  curl_slist* json = curl_slist_append(nullptr, "Content-Type: application/json");
  json = curl_slist_append(json, "Expect:");
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);
  std::string reason;
  for (;;) {
    ex.body.clear();
    ex.request_id.clear();
    curl_easy_setopt(curl, CURLOPT_URL, next_url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    long status = 0;
    if (curl_easy_perform(curl) != CURLE_OK ||
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200 ||
        ex.request_id.empty()) {
      reason = "the Runtime API failed (HTTP " + std::to_string(status) + ")";
      break;
    }
    const std::string response = hello::GreetingResponse(ex.body);
    const std::string post_url = base + ex.request_id + "/response";
    curl_easy_setopt(curl, CURLOPT_URL, post_url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, response.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(response.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, json);
    if (curl_easy_perform(curl) != CURLE_OK) {
      reason = "could not post the response";
      break;
    }
  }
  curl_slist_free_all(json);
  curl_easy_cleanup(curl);
  return reason;
}

}  // namespace fnguard::bench

#endif  // FNGUARD_TESTS_BENCH_PLAIN_RUNTIME_LOOP_H_
