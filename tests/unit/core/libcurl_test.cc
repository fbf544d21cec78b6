#include "runtime/core/libcurl.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/unit/core/missing_libcurl.h"

namespace fnguard::libcurl {
namespace {

TEST(LibcurlTest, LoadsAndResolvesEveryFunction) {
  const Api* curl = Get();
  ASSERT_NE(curl, nullptr) << LoadError();
  EXPECT_EQ(LoadError(), "");
  EXPECT_NE(curl->library, nullptr);
  // The table works: a version, a URL parse and an easy handle with options.
  const curl_version_info_data* info = curl->version_info(CURLVERSION_NOW);
  ASSERT_NE(info, nullptr);
  EXPECT_GE(info->version_num, 0x075000u);  // 7.80: curl_url_strerror
  CURLU* url = curl->url();
  ASSERT_NE(url, nullptr);
  ASSERT_EQ(curl->url_set(url, CURLUPART_URL, "https://Example.com:8443/a?b=c", 0), CURLUE_OK);
  char* host = nullptr;
  ASSERT_EQ(curl->url_get(url, CURLUPART_HOST, &host, 0), CURLUE_OK);
  EXPECT_STREQ(host, "Example.com");
  curl->free(host);
  EXPECT_STREQ(curl->url_strerror(CURLUE_BAD_PORT_NUMBER),
               "Port number was not a decimal number between 0 and 65535");
  curl->url_cleanup(url);
  CURL* easy = curl->easy_init();
  ASSERT_NE(easy, nullptr);
  // Variadic: a long, a pointer, a curl_off_t, as curl.h documents them.
  EXPECT_EQ(curl->easy_setopt(easy, CURLOPT_NOSIGNAL, 1L), CURLE_OK);
  EXPECT_EQ(curl->easy_setopt(easy, CURLOPT_URL, "http://127.0.0.1:1/"), CURLE_OK);
  EXPECT_EQ(curl->easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(1) << 40),
            CURLE_OK);
  EXPECT_EQ(curl->easy_setopt(easy, CURLOPT_SSLVERSION, 12345678L), CURLE_BAD_FUNCTION_ARGUMENT);
  long status = -1;
  EXPECT_EQ(curl->easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status), CURLE_OK);
  EXPECT_EQ(status, 0);
  curl_slist* list = curl->slist_append(nullptr, "Expect:");
  ASSERT_NE(list, nullptr);
  curl->slist_free_all(list);
  curl->easy_cleanup(easy);
  EXPECT_STREQ(curl->easy_strerror(CURLE_OK), "No error");
}

TEST(LibcurlTest, SecondCallReusesTheSameTable) {
  const Api* first = Get();
  ASSERT_NE(first, nullptr) << LoadError();
  const Api* second = Get();
  EXPECT_EQ(first, second);
  EXPECT_EQ(first->easy_init, second->easy_init);
}

TEST(LibcurlTest, OpenOfAMissingLibraryNamesLibcurlAndTheFile) {
  absl::StatusOr<Api> api = Open("libcurl-fnguard-missing.so.4");
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string message(api.status().message());
  EXPECT_NE(message.find("libcurl could not be loaded"), std::string::npos) << message;
  EXPECT_NE(message.find("libcurl-fnguard-missing.so.4"), std::string::npos) << message;
}

TEST(LibcurlTest, OpenOfALibraryWithoutCurlNamesTheMissingFunction) {
  // zlib is a real library, present wherever libcurl is, and has no curl_*.
  absl::StatusOr<Api> api = Open("libz.so.1");
  ASSERT_FALSE(api.ok());
  const std::string message(api.status().message());
  EXPECT_NE(message.find("libcurl could not be loaded: libz.so.1 has no curl_global_init"),
            std::string::npos)
      << message;
}

TEST(LibcurlTest, OpenReturnsAWorkingTableBesideTheProcessWideOne) {
  absl::StatusOr<Api> api = Open(kDefaultSoname);
  ASSERT_TRUE(api.ok()) << api.status();
  const Api* shared = Get();
  ASSERT_NE(shared, nullptr);
  // The same library (dlopen counts references), so the same functions.
  EXPECT_EQ(api->easy_perform, shared->easy_perform);
}

// The process-wide load fails for good when FNGUARD_LIBCURL names a file
// that is not there: Get() says nullptr every time and LoadError() says why.
// Runs in a fresh process (the load happens once per process).
std::string ProblemsWithAMissingLibcurl() {
  if (Get() != nullptr) return "Get() loaded a library that does not exist";
  if (Get() != nullptr) return "a second Get() loaded it";
  const std::string error = LoadError();
  if (!testing::NamesMissingLibcurl(error)) {
    return "unclear error: " + error;
  }
  return "";
}

TEST(LibcurlDeathTest, MissingLibraryIsAnErrorEveryTime) {
  testing::ExpectNoProblemsWithoutLibcurl(ProblemsWithAMissingLibcurl);
}

}  // namespace
}  // namespace fnguard::libcurl
