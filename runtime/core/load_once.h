// What the process dlopen()s at its first use and keeps until it exits:
// libcurl (runtime/core/libcurl.cc) and the HTTP server plugin
// (wrappers/http/plugin_loader.cc). Internal; not part of the public API.
//
//   absl::StatusOr<Api> Load();  // dlopen()s, resolves, checks
//   using Loaded = LoadedOnce<Api, Load>;
//   const Api* Get() { return Loaded::Get(); }
//   std::string LoadError() { return Loaded::Error(); }
#ifndef FNGUARD_RUNTIME_CORE_LOAD_ONCE_H_
#define FNGUARD_RUNTIME_CORE_LOAD_ONCE_H_

#include <dlfcn.h>

#include <mutex>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace fnguard {

// The outcome of `Load`, run once per process by the first call of Get() or
// Error(); later calls, concurrent ones included, wait for it and return the
// same (a failed load is not retried). Thread-safe.
template <typename T, absl::StatusOr<T> (*Load)()>
class LoadedOnce {
 public:
  // What Load returned, or nullptr when it failed.
  static const T* Get() {
    State& state = Loaded();
    std::call_once(state.once, [&state] {
      absl::StatusOr<T> value = Load();
      if (!value.ok()) {
        state.error = std::string(value.status().message());
        return;
      }
      state.value = *std::move(value);
      state.ok = true;
    });
    return state.ok ? &state.value : nullptr;
  }

  // Why Load failed; empty when it succeeded. Loads first, like Get().
  static std::string Error() {
    if (Get() != nullptr) return std::string();
    return Loaded().error;
  }

 private:
  struct State {
    std::once_flag once;
    T value{};
    std::string error;  // set when the load failed
    bool ok = false;
  };

  static State& Loaded() {
    static State* const state = new State();  // never destroyed: callers may run at exit
    return *state;
  }
};

// dlopen(file, flags): the handle, or a FailedPrecondition error of
// `error_prefix` followed by what dlerror() says (`file` when it says nothing).
inline absl::StatusOr<void*> DlOpen(const std::string& file, int flags,
                                    const std::string& error_prefix) {
  dlerror();  // clears an earlier message
  void* library = dlopen(file.c_str(), flags);
  if (library == nullptr) {
    const char* why = dlerror();
    return absl::FailedPreconditionError(
        absl::StrCat(error_prefix, why != nullptr ? why : file));
  }
  return library;
}

}  // namespace fnguard

#endif  // FNGUARD_RUNTIME_CORE_LOAD_ONCE_H_
