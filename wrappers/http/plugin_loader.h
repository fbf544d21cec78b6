// libfnguard_http.so, loaded at the first fnguard::http::Serve().
//
// The first caller of plugin::Get() dlopen()s the HTTP server plugin
// (wrappers/http/plugin_api.h) and resolves its entry point; later calls
// return the same table. Where it looks, first match wins:
//   1. $FNGUARD_HTTP_PLUGIN (a path or a soname), when set and not empty:
//      only there;
//   2. the directory of the library or program holding this code (dladdr:
//      libfnguard.so's own directory, or the program's for a static link);
//   3. the install libdir fnguard was configured with;
//   4. plain "libfnguard_http.so" through the loader's search path.
// Candidates 2 and 3 are only tried when the file exists.
//
//   const plugin::Api* api = plugin::Get();
//   if (api == nullptr) return Fail(plugin::LoadError());  // names the plugin
//
// Thread-safe: the load runs once (std::call_once); the result, success or
// failure, is kept for the life of the process and never unloaded.
#ifndef FNGUARD_WRAPPERS_HTTP_PLUGIN_LOADER_H_
#define FNGUARD_WRAPPERS_HTTP_PLUGIN_LOADER_H_

#include <string>

#include "wrappers/http/plugin_api.h"

namespace fnguard::http::plugin {

// The process-wide table: loads on the first call. nullptr when no plugin
// could be loaded (LoadError() says why; later calls do not retry).
const Api* Get();

// Why Get() returned nullptr ("could not load the HTTP server plugin ...:
// <dlerror text>"); empty when the load succeeded. Loads first if nothing
// was tried.
std::string LoadError();

}  // namespace fnguard::http::plugin

#endif  // FNGUARD_WRAPPERS_HTTP_PLUGIN_LOADER_H_
