// libcurl, loaded at first use.
//
// libfnguard.so does not link libcurl: a process that never sends a request
// (no guard.http(), no OTLP reporting, no Lambda Runtime API loop, no egress
// decision on a URL) never loads libcurl, its two dozen dependencies or its
// TLS library. The first caller of libcurl::Get() dlopen()s "libcurl.so.4"
// (or the file FNGUARD_LIBCURL names), looks up every curl function fnguard
// calls and runs curl_global_init; later calls return the same table.
//
//   const libcurl::Api* curl = libcurl::Get();
//   if (curl == nullptr) return Fail(libcurl::LoadError());  // names libcurl
//   CURL* h = curl->easy_init();
//   curl->easy_setopt(h, CURLOPT_URL, "https://example.com/");
//
// The setopt/getinfo entries are variadic, as in curl.h: pass the same
// argument types curl.h documents (long, curl_off_t, pointers).
//
// Thread-safe: the load runs once (std::call_once); the table is immutable
// afterwards and never unloaded. Internal: this header includes curl.h and
// stays out of the public headers.
#ifndef FNGUARD_RUNTIME_CORE_LIBCURL_H_
#define FNGUARD_RUNTIME_CORE_LIBCURL_H_

#include <curl/curl.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace fnguard::libcurl {

// The library loaded when FNGUARD_LIBCURL is unset or empty.
inline constexpr const char* kDefaultSoname = "libcurl.so.4";

// The curl functions fnguard calls, resolved from one loaded library.
struct Api {
  CURLcode (*global_init)(long flags) = nullptr;
  curl_version_info_data* (*version_info)(CURLversion stamp) = nullptr;
  void (*free)(void* p) = nullptr;

  CURL* (*easy_init)() = nullptr;
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...) = nullptr;
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...) = nullptr;
  CURLcode (*easy_perform)(CURL* handle) = nullptr;
  void (*easy_reset)(CURL* handle) = nullptr;
  void (*easy_cleanup)(CURL* handle) = nullptr;
  const char* (*easy_strerror)(CURLcode code) = nullptr;
  char* (*easy_escape)(CURL* handle, const char* text, int length) = nullptr;

  curl_slist* (*slist_append)(curl_slist* list, const char* text) = nullptr;
  void (*slist_free_all)(curl_slist* list) = nullptr;

  CURLSH* (*share_init)() = nullptr;
  CURLSHcode (*share_setopt)(CURLSH* share, CURLSHoption option, ...) = nullptr;
  CURLSHcode (*share_cleanup)(CURLSH* share) = nullptr;

  CURLM* (*multi_init)() = nullptr;
  CURLMcode (*multi_add_handle)(CURLM* multi, CURL* easy) = nullptr;
  CURLMcode (*multi_remove_handle)(CURLM* multi, CURL* easy) = nullptr;
  CURLMcode (*multi_perform)(CURLM* multi, int* running) = nullptr;
  CURLMcode (*multi_poll)(CURLM* multi, curl_waitfd* extra, unsigned int extra_count,
                          int timeout_ms, int* ret) = nullptr;
  CURLMsg* (*multi_info_read)(CURLM* multi, int* left) = nullptr;
  CURLMcode (*multi_cleanup)(CURLM* multi) = nullptr;

  CURLU* (*url)() = nullptr;
  CURLUcode (*url_set)(CURLU* handle, CURLUPart part, const char* text,
                       unsigned int flags) = nullptr;
  CURLUcode (*url_get)(const CURLU* handle, CURLUPart part, char** text,
                       unsigned int flags) = nullptr;
  void (*url_cleanup)(CURLU* handle) = nullptr;
  const char* (*url_strerror)(CURLUcode code) = nullptr;

  // The dlopen() handle the entries come from.
  void* library = nullptr;
};

// The process-wide table: loads on the first call, then returns the same
// pointer. nullptr when libcurl could not be loaded (LoadError() says why;
// every later call gives the same answer without retrying).
const Api* Get();

// Why Get() returned nullptr ("libcurl could not be loaded: ..."); empty
// when the load succeeded. Loads first, like Get(), if nothing was tried.
std::string LoadError();

// Loads `file` (a soname or a path) into a new table, without touching the
// process-wide one and without curl_global_init. FailedPrecondition, naming
// libcurl and `file`, when the library cannot be opened or lacks a function.
// The library stays loaded (dlopen reference) for the life of the process.
absl::StatusOr<Api> Open(const std::string& file);

}  // namespace fnguard::libcurl

#endif  // FNGUARD_RUNTIME_CORE_LIBCURL_H_
