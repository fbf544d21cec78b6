#!/usr/bin/env bash
# The upload zip made by scripts/package-lambda.sh is self-contained: unpacked
# into an empty directory and started with an empty environment through its
# own `bootstrap`, the hello function answers and fnguard still blocks; the
# libcurl it loads at first use is the bundled one.
set -uo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
bash "$SRC/scripts/package-lambda.sh" "$BUILD/examples/hello/bootstrap" "$SRC/examples/hello/policy.yaml" "$TMP/hello.zip" >/dev/null || { echo "packaging failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir "$TMP/task"
python3 - "$TMP/hello.zip" "$TMP/task" <<'PY'
import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for i in z.infolist():
    p = z.extract(i, sys.argv[2])
    os.chmod(p, (i.external_attr >> 16) & 0o777)
PY
out=$(env -i PATH=/usr/bin:/bin "$BUILD/fnguard" local --function "$TMP/task/bootstrap" \
  "$SRC/examples/hello/events/benign-get.json" "$SRC/examples/hello/events/attack-sqli.json" 2>"$TMP/err")
pass=0; fail=0
if echo "$out" | head -1 | grep -q '"statusCode":200'; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: benign event not answered"; fi
if echo "$out" | sed -n 2p | grep -q '"statusCode":403'; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: attack not blocked"; fi
for f in bootstrap bin/function policy.yaml; do
  if [ -e "$TMP/task/$f" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $f missing from the zip"; fi
done
# libfnguard loads libcurl at first use: it is bundled, and the packaged
# function's Runtime API loop loads that copy (the bootstrap's
# --library-path is searched by dlopen), not the build machine's.
if [ -f "$TMP/task/lib/libcurl.so.4" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: lib/libcurl.so.4 missing from the zip"; fi
env -i PATH=/usr/bin:/bin LD_DEBUG=libs AWS_LAMBDA_RUNTIME_API=127.0.0.1:1 \
  "$TMP/task/bootstrap" >/dev/null 2>"$TMP/loader" </dev/null
inits=$(grep -o 'calling init: [^ ]*libcurl[^ ]*' "$TMP/loader" | sort -u)
if [ "$inits" = "calling init: $TMP/task/lib/libcurl.so.4" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: the packaged function did not load the bundled libcurl: ${inits:-no libcurl loaded}"; fi
if grep -q 'fnguard: Runtime API unavailable, stopping' "$TMP/loader"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: the packaged Runtime API loop did not run"; grep -v '^ *[0-9]*:' "$TMP/loader" | head -5; fi
[ "$fail" -ne 0 ] && { echo "$out"; head -20 "$TMP/err"; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
