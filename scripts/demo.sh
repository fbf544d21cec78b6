#!/usr/bin/env bash
# The main job end to end on one machine: the example function (a real
# custom-runtime binary) runs under fnguard's local Lambda Runtime API
# emulator, fed benign and attack events; fnguard inspects every invocation
# before the handler runs and blocks the attacks.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FN="$BUILD/fnguard"
EX="$ROOT/examples/hello"
BOOT="$BUILD/examples/hello/bootstrap"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "== 1. The policy"
"$FN" policy check "$EX/policy.yaml"
echo

echo "== 2. fnguard scan: what the inspector sees in each event"
"$FN" scan "$EX"/events/*.json || true
echo

echo "== 3. The hello function under fnguard local (the Lambda Runtime API emulator)"
# A local collector receives the function's security events over OTLP/HTTP.
"$FN" collector --listen 127.0.0.1:0 --store "$TMP/events.db" >"$TMP/collector.out" 2>"$TMP/collector.err" &
collector=$!
trap 'kill $collector 2>/dev/null; wait $collector 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$TMP/collector.out" && break; sleep 0.05; done
addr=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$TMP/collector.out" | head -1)
sed "s|^  stdout: json|  stdout: json\n  otlp_endpoint: http://$addr/v1/logs|" "$EX/policy.yaml" >"$TMP/policy.yaml"
echo "(collector listening on $addr, events stored in $TMP/events.db)"
events=()
for f in "$EX"/events/benign-*.json "$EX"/events/attack-*.json; do events+=(--event "$f"); done
set +e
"$FN" local --function "$BOOT" --policy "$TMP/policy.yaml" "${events[@]}" >"$TMP/results.jsonl" 2>"$TMP/function.log"
status=$?
set -e
python3 - "$TMP/results.jsonl" "$TMP/function.log" <<'PY'
import json, os, sys
results = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
reports = []
for line in open(sys.argv[2], errors="replace"):
    line = line.strip()
    if line.startswith("{"):
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if d.get("source") == "fnguard":
            reports.append(d)
by_request = {r.get("request_id"): r for r in reports}
blocked = 0
for r in results:
    resp = r.get("response")
    status = resp.get("statusCode") if isinstance(resp, dict) else None
    name = os.path.basename(r.get("event", "?"))
    rep = by_request.get(r.get("request_id"))
    if status == 403 or (rep and rep.get("action") == "block"):
        blocked += 1
        why = f"{rep['detector']}/{rep['rule_id']} in {rep['field_path']}: {rep['reason']}" if rep else ""
        print(f"  BLOCKED  {name:<28} 403  {why}")
    else:
        body = resp.get("body") if isinstance(resp, dict) else resp
        print(f"  allowed  {name:<28} {status if status is not None else r.get('status')}  {body}")
print(f"\n{len(results)} invocations, {blocked} blocked, {len(reports)} security events reported")
PY
echo
echo "== 4. Security events stored by the local collector (fnguard events)"
"$FN" events --store "$TMP/events.db"
echo
echo "fnguard local exited $status; the function was $BOOT"
