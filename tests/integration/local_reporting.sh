#!/usr/bin/env bash
# `fnguard local --policy P` hands P to the function (FNGUARD_POLICY) and
# reports what only the harness observes (a timeout, a crash, an init error)
# where P's reporting section says: here a real `fnguard collector` process.
# The function's own Guard reports its blocks to the same collector. Every
# event is then read back from the collector's store with `fnguard events`.
set -uo pipefail
BUILD=$(cd "${1:?build dir}" && pwd)
SRC=$(cd "${2:?source dir}" && pwd)
FN="$BUILD/fnguard"
HELLO="$BUILD/examples/hello/bootstrap"
FIXTURE="$BUILD/examples/misbehaving/bootstrap"
for f in "$FN" "$HELLO" "$FIXTURE"; do
  [ -x "$f" ] || { echo "SKIP: $f is not built"; echo "0 passed, 0 failed"; exit 0; }
done
TMP=$(mktemp -d)
collector=""
cleanup() {
  if [ -n "$collector" ]; then kill "$collector" 2>/dev/null; wait "$collector" 2>/dev/null; fi
  [ -n "${KEEP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
pass=0; fail=0
. "$SRC/tests/integration/lib/checks.sh"
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }

start_collector "$TMP/events.db"
collector=$COLLECTOR_PID
addr=$COLLECTOR_ADDR
[ -n "$addr" ] || { echo "FAIL: the collector did not start"; cat "$TMP/collector.err"; echo "0 passed, 1 failed"; exit 1; }

cat >"$TMP/policy.yaml" <<YAML
version: 1
mode: block
reporting:
  otlp_endpoint: http://$addr/v1/logs
  spool_dir: $TMP/spool
YAML
cd "$TMP"
ev() { printf '%s' "$2" >"$TMP/$1.json"; echo "$TMP/$1.json"; }

# 1. The misbehaving function: it sees the policy; then a timeout and a crash.
"$FN" local --function "$FIXTURE" --policy "$TMP/policy.yaml" --timeout 0.5 --name orders \
  "$(ev env '{"action":"env"}')" "$(ev sleep '{"action":"sleep","ms":20000}')" \
  "$(ev crash '{"action":"crash"}')" "$(ev echo '{"action":"echo"}')" >"$TMP/run1.jsonl" 2>"$TMP/run1.err"
rc=$?
[ "$rc" -eq 1 ] && ok || bad "exit $rc for a run with a timeout and a crash (want 1)"
python3 - "$TMP/run1.jsonl" "$TMP/policy.yaml" >"$TMP/run1.ids" <<'PY' || bad "run 1 results: $(cat "$TMP/run1.ids")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["status"] for r in rows] == ["success", "timeout", "crash", "success"], [r["status"] for r in rows]
env = rows[0]["response"]
assert env.get("FNGUARD_POLICY") == sys.argv[2], env.get("FNGUARD_POLICY")
print(rows[1]["request_id"], rows[2]["request_id"])
PY
[ -s "$TMP/run1.ids" ] && ok
read -r timeout_id crash_id <"$TMP/run1.ids"

# 2. A function that cannot initialize.
FIXTURE_INIT=error "$FN" local --function "$FIXTURE" --policy "$TMP/policy.yaml" --name orders \
  "$TMP/echo.json" >"$TMP/run2.jsonl" 2>"$TMP/run2.err"
rc=$?
[ "$rc" -eq 1 ] && ok || bad "exit $rc for an init error (want 1)"
init_id=$(python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); print(r["request_id"] if r["status"]=="error" else "")' "$TMP/run2.jsonl")
[ -n "$init_id" ] && ok || bad "init error not reported as an error line: $(cat "$TMP/run2.jsonl")"

# 3. The hello function blocks an attack: its own Guard reports it.
"$FN" local --function "$HELLO" --policy "$TMP/policy.yaml" --name hello \
  "$SRC/examples/hello/events/attack-sqli.json" >"$TMP/run3.jsonl" 2>"$TMP/run3.err"
rc=$?
[ "$rc" -eq 0 ] && ok || bad "hello run exited $rc"
attack_id=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["request_id"])' "$TMP/run3.jsonl")

# 4. Everything arrived at the collector (each sender flushed before its
# process ended; allow the store a moment).
expect() {  # rule_id request_id kind
  for _ in $(seq 50); do
    if "$FN" events --store "$TMP/events.db" --format json 2>/dev/null | python3 -c '
import json, sys
rule, rid, kind = sys.argv[1:4]
for line in sys.stdin:
    e = json.loads(line)
    if e.get("request_id") == rid and e.get("kind") == kind and (rule == "*" or e.get("rule_id") == rule):
        sys.exit(0)
sys.exit(1)' "$1" "$2" "$3"; then return 0; fi
    sleep 0.1
  done
  return 1
}
expect runtime.timeout "$timeout_id" internal && ok || bad "no runtime.timeout event for $timeout_id"
expect runtime.exit "$crash_id" internal && ok || bad "no runtime.exit event for $crash_id"
expect runtime.init_error "$init_id" internal && ok || bad "no runtime.init_error event for $init_id"
expect '*' "$attack_id" injection && ok || bad "no injection event from hello's Guard for $attack_id"
n_internal=$("$FN" events --store "$TMP/events.db" --format json --kind internal | grep -c '"function_name":"orders"')
[ "$n_internal" -eq 3 ] && ok || bad "want exactly 3 internal events from the harness, got $n_internal"

# 5. Without a reporting section the harness reports nothing (and says nothing).
printf 'version: 1\n' >"$TMP/quiet.yaml"
"$FN" local --function "$FIXTURE" --policy "$TMP/quiet.yaml" "$TMP/crash.json" >/dev/null 2>"$TMP/run5.err"
if grep -q '"source":"fnguard"' "$TMP/run5.err"; then bad "a policy without reporting still produced events"; else ok; fi

if [ "$fail" -ne 0 ]; then
  for f in run1.err run2.err run3.err collector.err; do echo "== $f"; tail -5 "$TMP/$f"; done
  "$FN" events --store "$TMP/events.db" 2>&1 | tail -10
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
