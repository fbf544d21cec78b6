#!/usr/bin/env bash
# The sandbox end to end through `fnguard local`: the compromised example
# (examples/compromised) runs as a Lambda custom runtime under its policy
# (egress.sockets, process.exec, process.file_writes on). fnguard's own loop
# keeps serving events while every attempt of the handler fails and is
# reported; then the same function with LD_PRELOAD instead of linking.
set -uo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
FN="$BUILD/fnguard"
BOOT="$BUILD/examples/compromised/bootstrap"
EX="$SRC/examples/compromised"
TMP=$(mktemp -d)
# Outside /tmp/, which the example's policy allows writing to.
OUTSIDE=$(mktemp -d /var/tmp/fnguard-sandbox-test.XXXXXX)
trap 'rm -rf "$TMP" "$OUTSIDE"' EXIT
fail=0
pass=0

check() {  # check DESCRIPTION PATTERN FILE
  if grep -q -- "$2" "$3"; then pass=$((pass + 1)); else
    echo "FAIL: $1: '$2' not in $3"; head -c 2000 "$3"; echo; fail=$((fail + 1)); fi
}

if [ ! -x "$BOOT" ]; then
  echo "FAIL: $BOOT is not built (cmake --build $BUILD --target compromised_bootstrap)"
  exit 1
fi

# One line per event, in file order.
"$FN" local --function "$BOOT" --policy "$EX/policy.yaml" \
  "$EX/events/metadata.json" "$EX/events/runtime-api.json" "$EX/events/system.json" \
  "$EX/events/overwrite-code.json" "$EX/events/dns-tunnel.json" "$EX/events/tmp-write.json" \
  >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -ne 0 ]; then echo "FAIL: fnguard local exit $rc (every invocation should succeed)"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
sed -n 1p "$TMP/out" >"$TMP/1"; sed -n 2p "$TMP/out" >"$TMP/2"; sed -n 3p "$TMP/out" >"$TMP/3"
sed -n 4p "$TMP/out" >"$TMP/4"; sed -n 5p "$TMP/out" >"$TMP/5"; sed -n 6p "$TMP/out" >"$TMP/6"
check "metadata endpoint refused" '"action":"connect","ok":false,"errno":13' "$TMP/1"
check "runtime API refused to the handler" '"action":"runtime-api","ok":false,"errno":13' "$TMP/2"
check "shell refused" '"action":"system","ok":false,"errno":1' "$TMP/3"
check "code overwrite refused" '"action":"write","ok":false,"errno":13' "$TMP/4"
check "UDP to a foreign resolver refused" '"action":"udp","ok":false,"errno":13' "$TMP/5"
check "writing beneath /tmp/ allowed" '"action":"write","ok":true' "$TMP/6"
for n in 1 2 3 4 5 6; do check "event $n answered" '"status":"success"' "$TMP/$n"; done
check "metadata event" '"rule_id":"metadata-endpoint"' "$TMP/err"
check "runtime API event" '"rule_id":"fnguard.runtime-api"' "$TMP/err"
check "exec event" '"rule_id":"process.exec"' "$TMP/err"
check "file write event" '"excerpt":"/var/task/handler.py"' "$TMP/err"
check "sendto event" '"field_path":"sendto"' "$TMP/err"

# The same function preloaded rather than linked: libfnguard.so in LD_PRELOAD
# comes first anyway; the outcome is the same.
"$FN" local --function "$BOOT" --policy "$EX/policy.yaml" \
  --env "LD_PRELOAD=$BUILD/runtime/libfnguard.so" "$EX/events/metadata.json" \
  >"$TMP/pre" 2>"$TMP/pre.err"
check "preloaded: metadata endpoint refused" '"errno":13' "$TMP/pre"

# Without the sandbox sections the same kind of write goes through.
printf 'version: 1\nmode: block\n' >"$TMP/plain.yaml"
printf '{"action":"write","path":"%s"}\n' "$OUTSIDE/x" >"$TMP/write-outside.json"
"$FN" local --function "$BOOT" --policy "$TMP/plain.yaml" "$TMP/write-outside.json" \
  >"$TMP/plain" 2>"$TMP/plain.err"
check "no sandbox: the write happens" '"action":"write","ok":true' "$TMP/plain"
if [ -f "$OUTSIDE/x" ]; then rm -f "$OUTSIDE/x"; pass=$((pass + 1)); else echo "FAIL: no sandbox: file not written"; fail=$((fail + 1)); fi
"$FN" local --function "$BOOT" --policy "$EX/policy.yaml" "$TMP/write-outside.json" \
  >"$TMP/guarded" 2>"$TMP/guarded.err"
check "sandbox: the same write is refused" '"action":"write","ok":false,"errno":13' "$TMP/guarded"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
