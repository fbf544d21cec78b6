// Driving a Lambda function binary from C++ tests:
//
//   #include "wrappers/local/testing.h"
//
//   TEST(MyFunction, Greets) {
//     fnguard::testing::LocalRuntimeOptions opts;
//     opts.command = "./bootstrap";
//     auto rt = fnguard::testing::LocalRuntime::Start(opts);
//     ASSERT_TRUE(rt.ok());
//     auto r = (*rt)->Invoke(R"({"queryStringParameters":{"name":"Ada"}})");
//     EXPECT_EQ(r.status, fnguard::testing::InvocationStatus::kSuccess);
//   }
//
// The names are those of wrappers/local/emulator.h, gathered under one
// namespace for test code.
#ifndef FNGUARD_WRAPPERS_LOCAL_TESTING_H_
#define FNGUARD_WRAPPERS_LOCAL_TESTING_H_

#include "wrappers/local/emulator.h"
#include "wrappers/local/json_text.h"

namespace fnguard::testing {

using ::fnguard::local::InvocationResult;
using ::fnguard::local::InvocationStatus;
using ::fnguard::local::InvocationStatusName;
using ::fnguard::local::LocalRuntime;
using ::fnguard::local::LocalRuntimeOptions;
using ::fnguard::local::ProcessRecord;

}  // namespace fnguard::testing

#endif  // FNGUARD_WRAPPERS_LOCAL_TESTING_H_
