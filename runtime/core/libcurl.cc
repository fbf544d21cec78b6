#include "runtime/core/libcurl.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace fnguard::libcurl {
namespace {

// Reads one entry of the table; false (with `missing` set) when the
// library lacks it.
template <typename Fn>
bool Resolve(void* library, const char* name, Fn* out, std::string* missing) {
  void* symbol = dlsym(library, name);
  if (symbol == nullptr) {
    if (missing->empty()) *missing = name;
    return false;
  }
  *out = reinterpret_cast<Fn>(symbol);
  return true;
}

struct Loaded {
  Api api;
  std::string error;  // set when the load failed
  bool ok = false;
};

Loaded& State() {
  static Loaded* const state = new Loaded();  // never destroyed: callers may run at exit
  return *state;
}

void LoadOnce() {
  Loaded& state = State();
  const char* from_env = std::getenv("FNGUARD_LIBCURL");
  const std::string file = from_env != nullptr && from_env[0] != '\0' ? from_env : kDefaultSoname;
  absl::StatusOr<Api> api = Open(file);
  if (!api.ok()) {
    state.error = std::string(api.status().message());
    return;
  }
  if (CURLcode rc = api->global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    const char* why = api->easy_strerror(rc);
    state.error = absl::StrCat("libcurl could not be loaded: curl_global_init failed (",
                               why != nullptr ? why : "unknown error", ")");
    return;
  }
  state.api = *api;
  state.ok = true;
}

std::once_flag load_once;

}  // namespace

absl::StatusOr<Api> Open(const std::string& file) {
  dlerror();  // clears an earlier message
  // RTLD_LAZY as for a library linked at build time (libfnguard.so is not
  // bound at load either); RTLD_LOCAL keeps curl's symbols out of the
  // process's global scope.
  void* library = dlopen(file.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    return absl::FailedPreconditionError(
        absl::StrCat("libcurl could not be loaded: ", why != nullptr ? why : file));
  }
  Api api;
  api.library = library;
  std::string missing;
  bool ok = Resolve(library, "curl_global_init", &api.global_init, &missing);
  ok &= Resolve(library, "curl_version_info", &api.version_info, &missing);
  ok &= Resolve(library, "curl_free", &api.free, &missing);
  ok &= Resolve(library, "curl_easy_init", &api.easy_init, &missing);
  ok &= Resolve(library, "curl_easy_setopt", &api.easy_setopt, &missing);
  ok &= Resolve(library, "curl_easy_getinfo", &api.easy_getinfo, &missing);
  ok &= Resolve(library, "curl_easy_perform", &api.easy_perform, &missing);
  ok &= Resolve(library, "curl_easy_reset", &api.easy_reset, &missing);
  ok &= Resolve(library, "curl_easy_cleanup", &api.easy_cleanup, &missing);
  ok &= Resolve(library, "curl_easy_strerror", &api.easy_strerror, &missing);
  ok &= Resolve(library, "curl_easy_escape", &api.easy_escape, &missing);
  ok &= Resolve(library, "curl_slist_append", &api.slist_append, &missing);
  ok &= Resolve(library, "curl_slist_free_all", &api.slist_free_all, &missing);
  ok &= Resolve(library, "curl_share_init", &api.share_init, &missing);
  ok &= Resolve(library, "curl_share_setopt", &api.share_setopt, &missing);
  ok &= Resolve(library, "curl_share_cleanup", &api.share_cleanup, &missing);
  ok &= Resolve(library, "curl_multi_init", &api.multi_init, &missing);
  ok &= Resolve(library, "curl_multi_add_handle", &api.multi_add_handle, &missing);
  ok &= Resolve(library, "curl_multi_remove_handle", &api.multi_remove_handle, &missing);
  ok &= Resolve(library, "curl_multi_perform", &api.multi_perform, &missing);
  ok &= Resolve(library, "curl_multi_poll", &api.multi_poll, &missing);
  ok &= Resolve(library, "curl_multi_info_read", &api.multi_info_read, &missing);
  ok &= Resolve(library, "curl_multi_cleanup", &api.multi_cleanup, &missing);
  ok &= Resolve(library, "curl_url", &api.url, &missing);
  ok &= Resolve(library, "curl_url_set", &api.url_set, &missing);
  ok &= Resolve(library, "curl_url_get", &api.url_get, &missing);
  ok &= Resolve(library, "curl_url_cleanup", &api.url_cleanup, &missing);
  ok &= Resolve(library, "curl_url_strerror", &api.url_strerror, &missing);
  if (!ok) {
    dlclose(library);
    return absl::FailedPreconditionError(absl::StrCat(
        "libcurl could not be loaded: ", file, " has no ", missing,
        " (libcurl 7.80 or later is needed)"));
  }
  return api;
}

const Api* Get() {
  std::call_once(load_once, LoadOnce);
  const Loaded& state = State();
  return state.ok ? &state.api : nullptr;
}

std::string LoadError() {
  if (Get() != nullptr) return std::string();
  return State().error;
}

}  // namespace fnguard::libcurl
