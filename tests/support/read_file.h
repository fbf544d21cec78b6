// Test support: a whole file's bytes, "" when it cannot be read (a test
// then fails on what it expected to find there).
#ifndef FNGUARD_TESTS_SUPPORT_READ_FILE_H_
#define FNGUARD_TESTS_SUPPORT_READ_FILE_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fnguard::test_support {

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace fnguard::test_support

#endif  // FNGUARD_TESTS_SUPPORT_READ_FILE_H_
