#include "runtime/core/libcurl.h"

#include <dlfcn.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "runtime/core/load_once.h"

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

// The process-wide table: the library $FNGUARD_LIBCURL names, else the
// default one, initialised.
absl::StatusOr<Api> Load() {
  const char* from_env = std::getenv("FNGUARD_LIBCURL");
  const std::string file = from_env != nullptr && from_env[0] != '\0' ? from_env : kDefaultSoname;
  absl::StatusOr<Api> api = Open(file);
  if (!api.ok()) return api.status();
  if (CURLcode rc = api->global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    const char* why = api->easy_strerror(rc);
    return absl::FailedPreconditionError(
        absl::StrCat("libcurl could not be loaded: curl_global_init failed (",
                     why != nullptr ? why : "unknown error", ")"));
  }
  return api;
}

using Loaded = LoadedOnce<Api, Load>;

}  // namespace

absl::StatusOr<Api> Open(const std::string& file) {
  // RTLD_LAZY as for a library linked at build time (libfnguard.so is not
  // bound at load either); RTLD_LOCAL keeps curl's symbols out of the
  // process's global scope.
  absl::StatusOr<void*> opened =
      DlOpen(file, RTLD_LAZY | RTLD_LOCAL, "libcurl could not be loaded: ");
  if (!opened.ok()) return opened.status();
  void* library = *opened;
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

const Api* Get() { return Loaded::Get(); }

std::string LoadError() { return Loaded::Error(); }

}  // namespace fnguard::libcurl
