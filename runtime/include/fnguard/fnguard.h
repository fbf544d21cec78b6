// fnguard/fnguard.h: the one header users include.
//
//   #include <fnguard/fnguard.h>
//
//   int main() {
//     auto guard = fnguard::Guard::FromEnv();
//     if (!guard.ok()) return 1;
//     const fnguard::Guard& g = **guard;
//     return fnguard::lambda::Run(g, [&g](const fnguard::lambda::Request& req) {
//       auto items = g.http().Get("https://api.example.com/v1/items");  // egress-guarded
//       return fnguard::lambda::Response::Success(R"({"statusCode":200,"body":"hi"})");
//     });
//   }
#ifndef FNGUARD_FNGUARD_H_
#define FNGUARD_FNGUARD_H_

#include "fnguard/client.h"
#include "fnguard/guard.h"
#include "fnguard/http.h"
#include "fnguard/lambda.h"
#include "fnguard/status.h"
#include "fnguard/verdict.h"

#endif  // FNGUARD_FNGUARD_H_
