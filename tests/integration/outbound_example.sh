#!/usr/bin/env bash
# examples/outbound under `fnguard local`: its handler calls an allowed host
# (a real TLS server on 127.0.0.1 with a CA made here) and the metadata
# credentials endpoint through guard.http(). The allowed call must succeed
# over verified TLS, the metadata call must be denied without a connection,
# and the denial must reach a real `fnguard collector` as a security event
# that names the invocation.
set -uo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
FN="$BUILD/fnguard"
BOOTSTRAP="$BUILD/examples/outbound/bootstrap"
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
fail=0
pass=0
. "$SRC/tests/integration/lib/checks.sh"

for tool in openssl python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not installed"; echo "0 passed, 0 failed"; exit 0
  fi
done
if [ ! -x "$BOOTSTRAP" ]; then
  echo "FAIL: $BOOTSTRAP is not built (target outbound_bootstrap)"; echo "0 passed, 1 failed"; exit 1
fi

check() {  # check DESCRIPTION PYTHON-EXPRESSION-ON-j FILE
  if python3 - "$3" "$2" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
j = lines[0] if len(lines) == 1 else lines
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
  then pass=$((pass + 1)); else echo "FAIL: $1"; head -c 2000 "$3"; echo; fail=$((fail + 1)); fi
}

cd "$TMP" || exit 1

# --- a CA and a server certificate for 127.0.0.1
make_ca ca "outbound test CA"
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >san.ext
issue_leaf api ca san.ext 127.0.0.1

API_PORT=$(free_port)
openssl s_server -accept "127.0.0.1:$API_PORT" -cert api.pem -key api.key -www -quiet >api.log 2>&1 </dev/null &
PIDS+=($!)
wait_port "$API_PORT"

start_collector "$TMP/events.db"
PIDS+=("$COLLECTOR_PID")
COLLECTOR_PORT=${COLLECTOR_ADDR##*:}
[ -n "$COLLECTOR_PORT" ] || { echo "FAIL: setup: collector"; cat collector.err; echo "0 passed, 1 failed"; exit 1; }

# The example's policy, with the test server as the function's API: loopback
# is denied by default, so 127.0.0.1 is allowed explicitly (cidr entry, the
# server's port only), its CA is trusted, and events go to the collector.
cat >policy.yaml <<YAML
version: 1
mode: block
egress:
  mode: enforce
  allow:
    - {host: api.example.com, ports: [443]}
    - {cidr: 127.0.0.1/32, ports: [$API_PORT]}
  deny_private_addresses: true
  tls:
    min_version: "1.2"
    ca_file: $TMP/ca.pem
reporting:
  otlp_endpoint: http://127.0.0.1:$COLLECTOR_PORT/v1/logs
  spool_dir: $TMP/spool
YAML

# --- run the function
"$FN" local --function "$BOOTSTRAP" --policy policy.yaml --timeout 10 \
  --env "OUTBOUND_API_URL=https://127.0.0.1:$API_PORT/" \
  "$SRC/examples/outbound/events/invoke.json" >local.out 2>local.err
rc=$?
if [ "$rc" -eq 0 ]; then pass=$((pass + 1)); else echo "FAIL: fnguard local exit $rc"; cat local.err; fail=$((fail + 1)); fi
# The handler's answer is an API Gateway response whose body is JSON.
python3 - local.out >answer.json <<'PY' || { echo "FAIL: no handler answer"; cat local.out; }
import json, sys
line = json.loads(open(sys.argv[1]).readline())
print(json.dumps({"status": line["status"], "request_id": line["request_id"],
                  "body": json.loads(line["response"]["body"])}))
PY
check "invocation succeeded" 'j["status"] == "success"' answer.json
check "allowed host reached over verified TLS" \
  'j["body"]["allowed"]["ok"] is True and j["body"]["allowed"]["status"] == 200 and j["body"]["allowed"]["bytes"] > 0' answer.json
check "metadata endpoint denied (not on the allowlist)" \
  'j["body"]["denied"]["ok"] is False and j["body"]["denied"]["error"] == "denied" and j["body"]["denied"]["rule"] == "default-deny"' answer.json

# --- the denial reached the collector, naming the invocation
REQUEST_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["request_id"])' answer.json 2>/dev/null)
stored=""
for _ in $(seq 1 50); do
  "$FN" events --store "$TMP/events.db" --format json --kind egress >events.json 2>/dev/null
  [ -s events.json ] && { stored=1; break; }
  sleep 0.1
done
if [ -n "$stored" ]; then pass=$((pass + 1)); else echo "FAIL: no egress event stored"; fail=$((fail + 1)); fi
if [ -n "$stored" ]; then
  check "one egress event: metadata endpoint, blocked" \
    'isinstance(j, dict) and j["kind"] == "egress" and j["action"] == "block" and j["host"] == "169.254.169.254" and j["rule_id"] == "default-deny"' events.json
  check "the event names the invocation" "j[\"request_id\"] == \"$REQUEST_ID\" and j[\"request_id\"] != \"\"" events.json
  check "the event carries the URL" \
    'j["excerpt"] == "http://169.254.169.254/latest/meta-data/iam/security-credentials/"' events.json
fi
# The allowed call produced no event of any kind.
"$FN" events --store "$TMP/events.db" --format json >all_events.json 2>/dev/null
n=$(grep -c '"event_id"' all_events.json)
if [ "$n" -eq 1 ]; then pass=$((pass + 1)); else echo "FAIL: $n events stored, want 1"; cat all_events.json; fail=$((fail + 1)); fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
