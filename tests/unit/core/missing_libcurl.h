// Checks of what happens without libcurl. libcurl is loaded once per process,
// so each check runs in a fresh one (a death test) whose FNGUARD_LIBCURL names
// a file that is not there.
#ifndef FNGUARD_TESTS_UNIT_CORE_MISSING_LIBCURL_H_
#define FNGUARD_TESTS_UNIT_CORE_MISSING_LIBCURL_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace fnguard::testing {

// What FNGUARD_LIBCURL names in the fresh process.
inline constexpr char kMissingLibcurl[] = "/nonexistent/fnguard/libcurl.so.4";

// Ends the process: status 0 when `problem` is empty, else 1 after printing it.
[[noreturn]] inline void ExitWith(const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "%s\n", problem.c_str());
  std::fflush(stderr);
  std::_Exit(problem.empty() ? 0 : 1);
}

// Whether an error message says libcurl could not be loaded and names the
// missing file.
inline bool NamesMissingLibcurl(std::string_view message) {
  return message.find("libcurl could not be loaded") != std::string_view::npos &&
         message.find(kMissingLibcurl) != std::string_view::npos;
}

// Runs `problems` (returning what is wrong, "" for nothing) in a fresh
// process without libcurl and expects it to find nothing, and its stderr to
// match `stderr_regex`. The process runs the calling test up to here first,
// so the caller must not load libcurl before this.
template <typename Problems>
void ExpectNoProblemsWithoutLibcurl(Problems problems, const std::string& stderr_regex = "") {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("FNGUARD_LIBCURL", kMissingLibcurl, 1);
        ExitWith(problems());
      },
      ::testing::ExitedWithCode(0), stderr_regex);
}

}  // namespace fnguard::testing

#endif  // FNGUARD_TESTS_UNIT_CORE_MISSING_LIBCURL_H_
