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
echo "== 4. Outbound calls through guard.http() (examples/outbound)"
# The function's API is a local TLS server with a certificate from a CA made
# here; the policy allows that server (loopback is denied by default, so by
# an explicit cidr entry) and trusts the CA. The handler also tries the cloud
# metadata credentials endpoint, which is denied before any connection.
OUT_BOOT="$BUILD/examples/outbound/bootstrap"
(
  cd "$TMP"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj "/CN=demo CA"
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >san.ext
  openssl req -newkey rsa:2048 -nodes -keyout api.key -out api.csr -subj "/CN=127.0.0.1"
  openssl x509 -req -in api.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext -out api.pem
) >/dev/null 2>&1
api_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
openssl s_server -accept "127.0.0.1:$api_port" -cert "$TMP/api.pem" -key "$TMP/api.key" -www -quiet \
  >/dev/null 2>&1 </dev/null &
api=$!
trap 'kill $collector $api 2>/dev/null; wait $collector $api 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1',$api_port),0.2).close()" 2>/dev/null && break
  sleep 0.05
done
cat >"$TMP/outbound.yaml" <<YAML
version: 1
mode: block
egress:
  mode: enforce
  allow:
    - {cidr: 127.0.0.1/32, ports: [$api_port]}
  tls: {min_version: "1.2", ca_file: $TMP/ca.pem}
reporting:
  otlp_endpoint: http://$addr/v1/logs
YAML
set +e
"$FN" local --function "$OUT_BOOT" --policy "$TMP/outbound.yaml" \
  --env "OUTBOUND_API_URL=https://127.0.0.1:$api_port/" \
  "$ROOT/examples/outbound/events/invoke.json" >"$TMP/outbound.jsonl" 2>"$TMP/outbound.log"
set -e
python3 - "$TMP/outbound.jsonl" "$api_port" <<'PY'
import json, sys
line = json.loads(open(sys.argv[1]).readline())
body = json.loads(line["response"]["body"])
a, d = body["allowed"], body["denied"]
print(f"  https://127.0.0.1:{sys.argv[2]}/  " + (f"allowed, HTTP {a['status']} over verified TLS" if a.get("ok") else f"failed: {a}"))
print("  http://169.254.169.254/latest/meta-data/...  " + ("denied (" + d.get("rule", "") + ")" if not d.get("ok") else "REACHED"))
PY
echo
echo "== 5. Security events stored by the local collector (fnguard events)"
"$FN" events --store "$TMP/events.db"
echo
echo "fnguard local exited $status; the function was $BOOT"
