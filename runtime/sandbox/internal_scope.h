// fnguard's own work inside a guarded process: the internal scope.
//
// The socket guard and the process controls (this directory) decide every
// connect(), sendto(), sendmsg(), open() for writing and exec in the process,
// except what a thread does while it is inside an InternalScope. fnguard
// enters one around its own I/O only:
//   - the Runtime API loop (wrappers/lambda) around each request;
//   - the event sender's thread (runtime/report/sender.cc), for its life;
//   - the sandbox itself while it reports a denial, so that reporting never
//     recurses into the hooks.
// Handler code runs outside any scope, so when it reaches the same addresses
// (the Runtime API, the collector) the policy decides, and those two are
// denied to it.
//
//   {
//     sandbox::InternalScope internal;
//     curl_easy_perform(curl);  // connects to the Runtime API: passes
//   }
//
// Thread-local and nestable. InInternalScope() is async-signal-safe (one
// initial-exec TLS read).
#ifndef FNGUARD_RUNTIME_SANDBOX_INTERNAL_SCOPE_H_
#define FNGUARD_RUNTIME_SANDBOX_INTERNAL_SCOPE_H_

namespace fnguard::sandbox {

class InternalScope {
 public:
  InternalScope();
  ~InternalScope();
  InternalScope(const InternalScope&) = delete;
  InternalScope& operator=(const InternalScope&) = delete;
};

// True while the calling thread is inside at least one InternalScope.
bool InInternalScope();

}  // namespace fnguard::sandbox

#endif  // FNGUARD_RUNTIME_SANDBOX_INTERNAL_SCOPE_H_
