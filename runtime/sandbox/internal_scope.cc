#include "runtime/sandbox/internal_scope.h"

namespace fnguard::sandbox {
namespace {

// initial-exec: no lazy TLS allocation on first use, so the hooks can read it
// from any context (a signal handler, a vfork child).
__attribute__((tls_model("initial-exec"))) thread_local int internal_depth = 0;

}  // namespace

InternalScope::InternalScope() { ++internal_depth; }
InternalScope::~InternalScope() { --internal_depth; }

bool InInternalScope() { return internal_depth > 0; }

}  // namespace fnguard::sandbox
