// The internal scope: a thread-local, nestable mark that fnguard's own I/O
// passes the sandbox checks. The hooks read it from signal handlers and
// vfork/fork children, so those are covered too.
#include "runtime/sandbox/internal_scope.h"

#include <csignal>
#include <thread>

#include "gtest/gtest.h"
#include "tests/unit/sandbox/child_process.h"

namespace fnguard::sandbox {
namespace {

using testing::RunInChild;

TEST(InternalScopeTest, MarksTheThreadForItsLifetime) {
  EXPECT_FALSE(InInternalScope());
  {
    InternalScope internal;
    EXPECT_TRUE(InInternalScope());
  }
  EXPECT_FALSE(InInternalScope());
}

TEST(InternalScopeTest, Nests) {
  // The sender's thread holds a scope for its life and reporting opens
  // another inside it: leaving the inner one must not end the outer one.
  InternalScope outer;
  {
    InternalScope inner;
    EXPECT_TRUE(InInternalScope());
  }
  EXPECT_TRUE(InInternalScope());
}

TEST(InternalScopeTest, IsPerThread) {
  bool other_saw_scope = true;
  {
    InternalScope internal;
    std::thread([&] { other_saw_scope = InInternalScope(); }).join();
  }
  EXPECT_FALSE(other_saw_scope) << "handler threads must not inherit fnguard's scope";

  bool other_in_own_scope = false;
  std::thread([&] {
    InternalScope internal;
    other_in_own_scope = InInternalScope();
  }).join();
  EXPECT_TRUE(other_in_own_scope);
  EXPECT_FALSE(InInternalScope());
}

volatile sig_atomic_t seen_in_handler = -1;

void RecordScope(int) { seen_in_handler = InInternalScope() ? 1 : 0; }

TEST(InternalScopeTest, ReadableFromASignalHandler) {
  struct sigaction action {};
  struct sigaction previous {};
  action.sa_handler = RecordScope;
  sigemptyset(&action.sa_mask);
  ASSERT_EQ(sigaction(SIGUSR1, &action, &previous), 0);
  {
    InternalScope internal;
    raise(SIGUSR1);  // delivered to this thread before raise() returns
    EXPECT_EQ(seen_in_handler, 1);
  }
  raise(SIGUSR1);
  EXPECT_EQ(seen_in_handler, 0);
  sigaction(SIGUSR1, &previous, nullptr);
}

TEST(InternalScopeTest, AForkedChildKeepsTheForkingThreadsScope) {
  // A child forked inside fnguard's own code (inside a scope) is fnguard's
  // too until it leaves the scope; one forked outside is not.
  {
    InternalScope internal;
    EXPECT_EQ(RunInChild([] { return InInternalScope() ? 0 : 1; }).exit_code, 0);
  }
  EXPECT_EQ(RunInChild([] { return InInternalScope() ? 1 : 0; }).exit_code, 0);
}

}  // namespace
}  // namespace fnguard::sandbox
