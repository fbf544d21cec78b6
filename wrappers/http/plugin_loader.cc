#include "wrappers/http/plugin_loader.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "runtime/core/load_once.h"

namespace fnguard::http::plugin {
namespace {

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The directory of the object (libfnguard.so, or the program that links
// fnguard statically) this function is part of; "" when unknown.
std::string OwnDirectory() {
  Dl_info info;
  link_map* map = nullptr;
  if (dladdr1(reinterpret_cast<void*>(&OwnDirectory), &info, reinterpret_cast<void**>(&map),
              RTLD_DL_LINKMAP) == 0) {
    return "";
  }
  bool in_program = map != nullptr && (map->l_name == nullptr || map->l_name[0] == '\0');
  if (!in_program && info.dli_fname != nullptr && info.dli_fname[0] != '\0') {
    if (info.dli_fname[0] == '/') return DirectoryOf(info.dli_fname);
    // Opened by a relative path: relative to the working directory.
    char* full = realpath(info.dli_fname, nullptr);
    if (full == nullptr) return "";
    std::string dir = DirectoryOf(full);
    std::free(full);
    return dir;
  }
  // The program itself (its link map has no name): where it really is.
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) return "";
  return DirectoryOf(std::string(exe, static_cast<size_t>(n)));
}

// The files Get() tries, in order, for the given $FNGUARD_HTTP_PLUGIN value
// (nullptr: unset).
std::vector<std::string> Candidates(const char* from_env) {
  if (from_env != nullptr && from_env[0] != '\0') return {from_env};
  std::vector<std::string> files;
  auto add = [&files](const std::string& file) {
    for (const std::string& f : files) {
      if (f == file) return;
    }
    files.push_back(file);
  };
  // A directory without the file is no candidate: the error worth reporting
  // is that of a file that exists but fails to load, or else the loader's.
  const auto add_if_there = [&add](const std::string& file) {
    if (access(file.c_str(), F_OK) == 0) add(file);
  };
  std::string own = OwnDirectory();
  if (!own.empty()) add_if_there(absl::StrCat(own, "/", kFileName));
#ifdef FNGUARD_INSTALL_LIBDIR
  add_if_there(absl::StrCat(FNGUARD_INSTALL_LIBDIR, "/", kFileName));
#endif
  add(kFileName);
  return files;
}

// Loads the plugin from `file` (a path or a soname) and checks its version.
// FailedPrecondition naming the plugin and the loader's message otherwise.
absl::StatusOr<const Api*> Open(const std::string& file) {
  // RTLD_NOW: a missing dependency or symbol is reported here, not as a
  // crash at the first request. RTLD_LOCAL keeps cpp-httplib's symbols out
  // of the process's global scope.
  absl::StatusOr<void*> opened =
      DlOpen(file, RTLD_NOW | RTLD_LOCAL,
             absl::StrCat("could not load the HTTP server plugin ", kFileName, ": "));
  if (!opened.ok()) return opened.status();
  void* library = *opened;
  auto entry = reinterpret_cast<EntryPointFn>(dlsym(library, kEntryPoint));
  if (entry == nullptr) {
    dlclose(library);
    return absl::FailedPreconditionError(absl::StrCat("could not load the HTTP server plugin ",
                                                      kFileName, ": ", file, " has no ",
                                                      kEntryPoint));
  }
  const Api* api = entry(kVersion);
  if (api == nullptr || api->version != kVersion || api->create_server == nullptr) {
    dlclose(library);
    return absl::FailedPreconditionError(absl::StrCat(
        "could not load the HTTP server plugin ", kFileName, ": ", file,
        " is from another fnguard build (interface version ", kVersion, " is needed)"));
  }
  return api;
}

// The plugin from the first candidate file that loads; else the error of
// the first one tried.
absl::StatusOr<const Api*> Load() {
  absl::Status first_error;
  for (const std::string& file : Candidates(std::getenv("FNGUARD_HTTP_PLUGIN"))) {
    absl::StatusOr<const Api*> api = Open(file);
    if (api.ok()) return api;
    if (first_error.ok()) first_error = api.status();
  }
  return first_error;
}

using Loaded = LoadedOnce<const Api*, Load>;

}  // namespace

const Api* Get() {
  const Api* const* api = Loaded::Get();
  return api != nullptr ? *api : nullptr;
}

std::string LoadError() { return Loaded::Error(); }

}  // namespace fnguard::http::plugin
