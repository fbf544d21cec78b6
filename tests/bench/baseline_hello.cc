// The hello function without fnguard: the same handler (examples/hello/
// greeting.h) behind a plain libcurl Lambda Runtime API loop, the smallest
// custom runtime that does the job. It is the baseline the cold start, memory
// and per-invocation cost of examples/hello are compared with
// (docs/PERFORMANCE.md, tests/bench/local_overhead.sh): both run under
// `fnguard local` in the same run.
//
// Per invocation: GET /runtime/invocation/next, call the handler, POST the
// response; no inspection, no retries, no event flushing. Exits 1 when the
// Runtime API fails.
#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "greeting.h"

namespace {

struct Exchange {
  std::string body;
  std::string request_id;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<Exchange*>(user)->body.append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  std::string_view line(data, size * n);
  constexpr std::string_view kName = "lambda-runtime-aws-request-id:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (size_t i = 0; i < kName.size() && match; ++i) {
      char c = line[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      match = c == kName[i];
    }
    if (match) {
      std::string_view v = line.substr(kName.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) {
        v.remove_suffix(1);
      }
      static_cast<Exchange*>(user)->request_id.assign(v);
    }
  }
  return size * n;
}

}  // namespace

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr || *api == '\0') {
    std::fprintf(stderr, "baseline: AWS_LAMBDA_RUNTIME_API is not set\n");
    return 1;
  }
  const std::string base = std::string("http://") + api + "/2018-06-01/runtime/invocation/";
  const std::string next_url = base + "next";
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return 1;
  curl_slist* json = curl_slist_append(nullptr, "Content-Type: application/json");
  json = curl_slist_append(json, "Expect:");
  Exchange ex;
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);
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
      std::fprintf(stderr, "baseline: the Runtime API failed (HTTP %ld)\n", status);
      return 1;
    }
    const std::string response = hello::GreetingResponse(ex.body);
    const std::string post_url = base + ex.request_id + "/response";
    ex.body.clear();
    curl_easy_setopt(curl, CURLOPT_URL, post_url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, response.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(response.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, json);
    if (curl_easy_perform(curl) != CURLE_OK) {
      std::fprintf(stderr, "baseline: could not post the response\n");
      return 1;
    }
  }
}
