#!/usr/bin/env bash
# Installs fnguard to a scratch prefix, then builds a consumer the two ways
# users will: CMake find_package(fnguard) and pkg-config. Also checks that the
# shared library exports only fnguard's public API.
set -euo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PREFIX="$TMP/prefix"
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null

LIB=$(find "$PREFIX" -name "libfnguard.so*" -type f | head -1)
test -n "$LIB"
# Every exported symbol is fnguard's API (or a standard-library template
# instance, which libstdc++ marks visible), or one of the libc functions the
# sandbox interposes (runtime/sandbox/hooks.cc, autoload.cc): nothing from
# simdjson, abseil, protobuf, RE2, curl or yaml-cpp.
HOOKS='connect|sendto|sendmsg|sendmmsg|getaddrinfo|gethostbyname2?(_r)?|execve|execv|execvp|execvpe|execl|execlp|execle|fexecve|execveat|posix_spawnp?|system|popen|open(64)?|openat(64)?|__open(64)?_2|__openat(64)?_2|creat(64)?|fopen(64)?|freopen(64)?|__libc_start_main'
leaked=$(nm -D --defined-only -C "$LIB" | awk '$2 ~ /[TWVBDRui]/ {sub(/^[^ ]+ [^ ]+ /, ""); print}' \
  | grep -v -E 'fnguard::|std::|__gnu_cxx::|^_init$|^_fini$|^_edata$|^_end$|^__bss_start$' \
  | grep -v -x -E "$HOOKS" || true)
if [ -n "$leaked" ]; then
  echo "FAIL: non-fnguard symbols exported:"; echo "$leaked" | head -20; exit 1
fi
# Public headers include no third-party headers.
if grep -R -n -E '#include <(curl|simdjson|google/protobuf|absl|re2|yaml-cpp|httplib)' "$PREFIX/include/fnguard"; then
  echo "FAIL: public headers leak a dependency"; exit 1
fi

mkdir -p "$TMP/consumer"
cat >"$TMP/consumer/main.cc" <<'CC'
#include <fnguard/fnguard.h>
#include <cstdio>
int main() {
  auto guard = fnguard::Guard::WithDefaults();
  fnguard::Verdict v = guard->Inspect(R"({"version":"2.0","rawPath":"/","rawQueryString":"","headers":{},"requestContext":{"http":{"method":"GET"}},"body":"hi"})");
  std::printf("%s\n", std::string(fnguard::ActionName(v.action)).c_str());
  auto bad = fnguard::Guard::FromString("version: 2\n");
  return bad.ok() ? 1 : 0;
}
CC
cat >"$TMP/consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.24)
project(consumer CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(fnguard REQUIRED)
add_executable(consumer main.cc)
target_link_libraries(consumer PRIVATE fnguard::fnguard)
CM
cmake -S "$TMP/consumer" -B "$TMP/consumer/build" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$TMP/consumer/build" >/dev/null
out=$(LD_LIBRARY_PATH=$(dirname "$LIB") "$TMP/consumer/build/consumer")
test "$out" = "allow"

# pkg-config
PKG_CONFIG_PATH=$(dirname "$LIB")/pkgconfig
export PKG_CONFIG_PATH
g++ -o "$TMP/consumer/pc" "$TMP/consumer/main.cc" $(pkg-config --cflags --libs fnguard)
out=$(LD_LIBRARY_PATH=$(dirname "$LIB") "$TMP/consumer/pc")
test "$out" = "allow"
echo "install: find_package and pkg-config consumers built and ran; exports clean"
echo "1 passed, 0 failed"
