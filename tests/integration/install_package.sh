#!/usr/bin/env bash
# Installs fnguard to a scratch prefix, then builds a consumer the two ways
# users will: CMake find_package(fnguard) and pkg-config. Also checks that the
# shared library exports only fnguard's public API.
set -euo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/tests/integration/lib/checks.sh"
PREFIX="$TMP/prefix"
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null

LIB=$(find "$PREFIX" -name "libfnguard.so*" -type f | head -1)
test -n "$LIB"
LIBDIR=$(dirname "$LIB")
# fnguard::http::Serve's server plugin is installed next to the library, and
# the library itself links neither cpp-httplib nor OpenSSL (the plugin does).
test -f "$LIBDIR/libfnguard_http.so" || { echo "FAIL: libfnguard_http.so is not installed next to $LIB"; exit 1; }
if readelf -d "$LIB" | grep -E 'NEEDED.*(libcpp-httplib|libssl|libcrypto)'; then
  echo "FAIL: libfnguard.so links cpp-httplib or OpenSSL"; exit 1
fi
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

# Builds $TMP/NAME/main.cc as a CMake project that finds the installed
# package: $TMP/NAME/build/NAME.
build_with_find_package() {  # build_with_find_package NAME
  cat >"$TMP/$1/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.24)
project($1 CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(fnguard REQUIRED)
add_executable($1 main.cc)
target_link_libraries($1 PRIVATE fnguard::fnguard)
CM
  cmake -S "$TMP/$1" -B "$TMP/$1/build" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
  cmake --build "$TMP/$1/build" >/dev/null
}

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
build_with_find_package consumer
out=$(LD_LIBRARY_PATH=$(dirname "$LIB") "$TMP/consumer/build/consumer")
test "$out" = "allow"

# pkg-config
PKG_CONFIG_PATH=$(dirname "$LIB")/pkgconfig
export PKG_CONFIG_PATH
g++ -o "$TMP/consumer/pc" "$TMP/consumer/main.cc" $(pkg-config --cflags --libs fnguard)
out=$(LD_LIBRARY_PATH=$(dirname "$LIB") "$TMP/consumer/pc")
test "$out" = "allow"

# A container HTTP function built against the installed package: Serve()
# finds the installed plugin next to libfnguard.so, answers, blocks, and stops
# on SIGTERM with exit code 0. With FNGUARD_HTTP_PLUGIN naming a missing file
# it fails with one line naming the plugin, and exit code 1.
mkdir -p "$TMP/server"
cat >"$TMP/server/main.cc" <<'CC'
#include <fnguard/fnguard.h>
int main() {
  auto guard = fnguard::Guard::WithDefaults();  // block mode
  fnguard::http::ServeOptions options;
  options.host = "127.0.0.1";
  return fnguard::http::Serve(*guard, [](const fnguard::http::Request& req) {
    return fnguard::http::Response{200, {{"content-type", "text/plain"}}, "served " + req.path};
  }, options);
}
CC
build_with_find_package server
PORT=0 LD_LIBRARY_PATH="$LIBDIR" "$TMP/server/build/server" 2>"$TMP/server.err" &
server_pid=$!
addr=$(wait_listening "$TMP/server.err" "$server_pid") || addr=""
port=${addr##*:}
if [ -z "$port" ]; then
  kill "$server_pid" 2>/dev/null; echo "FAIL: the installed Serve() user did not listen"; cat "$TMP/server.err"; exit 1
fi
benign=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$port/hello")
attack=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/q?id=1%27%20UNION%20SELECT%20password%20FROM%20users--")
kill -TERM "$server_pid"
rc=0; wait "$server_pid" || rc=$?
test "$benign" = "served /hello 200" || { echo "FAIL: benign request: $benign"; exit 1; }
test "$attack" = "403" || { echo "FAIL: attack not blocked: $attack"; exit 1; }
test "$rc" = 0 || { echo "FAIL: the server exited with $rc after SIGTERM"; cat "$TMP/server.err"; exit 1; }
rc=0
FNGUARD_HTTP_PLUGIN=/nonexistent/libfnguard_http.so PORT=0 LD_LIBRARY_PATH="$LIBDIR" \
  "$TMP/server/build/server" 2>"$TMP/missing.err" || rc=$?
test "$rc" = 1 || { echo "FAIL: a missing plugin gave exit code $rc"; exit 1; }
grep -q "^fnguard: could not load the HTTP server plugin libfnguard_http.so: /nonexistent/libfnguard_http.so: cannot open" \
  "$TMP/missing.err" || { echo "FAIL: unclear error for a missing plugin:"; cat "$TMP/missing.err"; exit 1; }

echo "install: find_package and pkg-config consumers built and ran; exports clean; Serve() runs from the installed plugin"
echo "1 passed, 0 failed"
