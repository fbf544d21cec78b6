#!/usr/bin/env bash
# README.md's walkthrough works as written: the ```sh blocks between
# <!-- walkthrough:begin --> and <!-- walkthrough:end --> run in order in one
# shell from the source root, with `build/` pointing at this build, the
# scratch directory and the two ports replaced by fresh ones (chosen again,
# up to three times, when another process took one before the walkthrough
# could listen on it). Then the
# functions must have answered and blocked, and the local collector must hold
# one injection event from each function.
set -uo pipefail
BUILD=$(cd "${1:?build dir}" && pwd)
SRC=$(cd "${2:?source dir}" && pwd)
for f in fnguard examples/hello/bootstrap examples/container-http/container_http_example; do
  [ -x "$BUILD/$f" ] || { echo "SKIP: $BUILD/$f is not built"; echo "0 passed, 0 failed"; exit 0; }
done
command -v curl >/dev/null || { echo "SKIP: curl(1) is not installed"; echo "0 passed, 0 failed"; exit 0; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

write_walkthrough() {
python3 - "$SRC/README.md" "$BUILD" "$TMP" >"$TMP/walkthrough.sh" <<'PY'
import re, socket, sys
readme, build, tmp = sys.argv[1:4]
text = open(readme).read()
m = re.search(r"<!-- walkthrough:begin -->(.*?)<!-- walkthrough:end -->", text, re.S)
if not m:
    sys.exit("README.md has no walkthrough markers")
blocks = re.findall(r"```sh\n(.*?)```", m.group(1), re.S)
# Both sockets stay open until both ports are known, so the two differ.
socks = [socket.socket(), socket.socket()]
for s in socks:
    s.bind(("127.0.0.1", 0))
collector_port, http_port = (str(s.getsockname()[1]) for s in socks)
for s in socks:
    s.close()
script = "\n".join(blocks)
script = re.sub(r"(^|(?<=[\s=]))build/", build + "/", script, flags=re.M)
script = script.replace("/tmp/fnguard-walkthrough", tmp + "/w")
script = script.replace("14318", collector_port).replace("18080", http_port)
print("set -e")
# The last block stops the collector itself; when it has exited by the time
# this trap runs, kill fails, and under set -e that would turn the
# walkthrough's exit status into 1.
print("trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true' EXIT")
print(script)
print(f"echo {len(blocks)} blocks ran")
PY
}
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
write_walkthrough
grep -q "blocks ran" "$TMP/walkthrough.sh" && ok || bad "no walkthrough in README.md"

for attempt in 1 2 3; do
  rm -rf "$TMP/w"
  (cd "$SRC" && timeout 120 bash "$TMP/walkthrough.sh") >"$TMP/out" 2>"$TMP/err"
  rc=$?
  [ "$rc" -ne 0 ] && grep -Eq "cannot listen on|could not listen on" "$TMP/err" "$TMP/out" || break
  echo "a port was taken before the walkthrough listened on it (attempt $attempt); choosing others"
  write_walkthrough
done
[ "$rc" -eq 0 ] && ok || bad "the walkthrough exited $rc"
grep -q '"statusCode":200' "$TMP/out" && grep -q 'hello, Ada' "$TMP/out" && ok || bad "hello did not answer"
grep -q '"statusCode":403' "$TMP/out" && ok || bad "hello did not block the attack"
grep -q '{"message":"hello, Ada"}' "$TMP/out" && ok || bad "the container function did not answer"
grep -q '{"message":"Forbidden"}' "$TMP/out" && ok || bad "the container function did not block"
grep -q "blocks ran" "$TMP/out" && ok || bad "the walkthrough did not run to its end"
n=$("$BUILD/fnguard" events --store "$TMP/w/events.db" --format json --kind injection 2>/dev/null | grep -c '"action":"block"')
[ "$n" -eq 2 ] && ok || bad "want 2 injection blocks at the collector (one per function), got $n"

if [ "$fail" -ne 0 ]; then
  echo "== stdout"; tail -20 "$TMP/out"; echo "== stderr"; tail -20 "$TMP/err"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
