#!/usr/bin/env bash
# `fnguard fetch` against real TLS servers (openssl s_server) with test-time
# certificates: a valid leaf, and expired, not-yet-valid, wrong-host,
# self-signed, unknown-CA and weak-key (RSA-1024) leaves; egress denials
# (allowlist, port, loopback without a cidr); public-key pins; denials and
# TLS failures reported as security events to a real `fnguard collector`.
# Exit codes: 0 ok, 3 denied, 4 TLS, 5 other.
set -uo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
FN="$BUILD/fnguard"
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
if ! "$FN" fetch --help >/dev/null 2>&1; then
  echo "FAIL: this fnguard binary has no working 'fetch' command"; echo "0 passed, 1 failed"; exit 1
fi


cd "$TMP" || exit 1

# --- certificates
make_ca ca "fnguard test CA"
make_ca other_ca "other test CA"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >san_ok.ext
printf 'subjectAltName=DNS:wrong.example\nbasicConstraints=CA:FALSE\n' >san_wrong.ext
issue_leaf valid ca san_ok.ext
issue_leaf wronghost ca san_wrong.ext
issue_leaf unknownca other_ca san_ok.ext
# Weak key: an RSA-1024 leaf from the trusted CA, for the right name.
issue_leaf weakkey ca san_ok.ext localhost 1024
quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout selfsigned.key -out selfsigned.pem -days 2 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1"
# Expired: signed by the CA with a validity period in the past (openssl ca).
mkdir -p cadb && : >cadb/index.txt && echo 1000 >cadb/serial
cat >ca.cnf <<CNF
[ca]
default_ca = test_ca
[test_ca]
dir = $TMP/cadb
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $TMP/ca.pem
private_key = $TMP/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
x509_extensions = leaf_ext
[any]
commonName = supplied
[leaf_ext]
subjectAltName = DNS:localhost,IP:127.0.0.1
basicConstraints = CA:FALSE
CNF
quiet openssl req -newkey rsa:2048 -nodes -keyout expired.key -out expired.csr -subj "/CN=localhost"
quiet openssl ca -batch -config ca.cnf -in expired.csr -out expired.pem -notext \
  -startdate 20200101000000Z -enddate 20200201000000Z
# Not yet valid: the same, with a validity period in the future.
quiet openssl req -newkey rsa:2048 -nodes -keyout notyetvalid.key -out notyetvalid.csr -subj "/CN=localhost"
quiet openssl ca -batch -config ca.cnf -in notyetvalid.csr -out notyetvalid.pem -notext \
  -startdate 20990101000000Z -enddate 20991231000000Z

# --- servers
declare -A PORT
start_server() {  # start_server NAME
  local port
  port=$(free_port)
  # Security level 0 lets the server load the weak key; the client must refuse it.
  openssl s_server -accept "127.0.0.1:$port" -cert "$1.pem" -key "$1.key" -www -quiet \
    -cipher 'DEFAULT:@SECLEVEL=0' >"server_$1.log" 2>&1 </dev/null &
  PIDS+=($!)
  PORT[$1]=$port
  wait_port "$port" && return 0
  echo "FAIL: setup: s_server for $1 did not start"; cat "server_$1.log"; echo "$pass passed, $((fail + 1)) failed"; exit 1
}
for name in valid expired notyetvalid wronghost selfsigned unknownca weakkey; do start_server "$name"; done
# An HTTPS server (valid certificate) that answers with redirects.
PORT[redirect]=$(free_port)
cat >redirect_server.py <<PY
import http.server, ssl
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        targets = {"/to-valid": "https://localhost:${PORT[valid]}/",
                   "/to-denied": "https://denied.example.com/",
                   "/loop": "/loop"}
        self.send_response(302)
        self.send_header("Location", targets.get(self.path, "/loop"))
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", ${PORT[redirect]}), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain("valid.pem", "valid.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY
python3 redirect_server.py >server_redirect.log 2>&1 </dev/null &
PIDS+=($!)
wait_port "${PORT[redirect]}"
UNLISTED_PORT=$(free_port)
PORTS="${PORT[valid]}, ${PORT[expired]}, ${PORT[notyetvalid]}, ${PORT[wronghost]}, ${PORT[selfsigned]}, ${PORT[unknownca]}, ${PORT[weakkey]}, ${PORT[redirect]}"

cat >policy.yaml <<YAML
version: 1
egress:
  mode: enforce
  allow:
    - {host: localhost, ports: [$PORTS]}
    - {cidr: 127.0.0.1/32, ports: [$PORTS]}
YAML
cat >no_loopback.yaml <<YAML
version: 1
egress:
  mode: enforce
  allow:
    - {host: localhost, ports: [$PORTS]}
YAML
PIN=$(openssl x509 -in valid.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
WRONG_PIN=$(openssl x509 -in unknownca.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
sed "s#^  mode: enforce#  mode: enforce\n  tls:\n    pins: [\"sha256//$PIN\"]#" policy.yaml >pinned.yaml
sed "s#^  mode: enforce#  mode: enforce\n  tls:\n    pins: [\"sha256//$WRONG_PIN\"]#" policy.yaml >wrong_pin.yaml
sed "s#^  mode: enforce#  mode: enforce\n  tls:\n    ca_file: $TMP/ca.pem#" policy.yaml >policy_ca.yaml

# --- valid certificate: exit 0, s_server's page on stdout
expect_exit 0 "valid certificate" "$FN" fetch --policy policy.yaml --cacert ca.pem "https://localhost:${PORT[valid]}/"
expect_grep "s_server" "$TMP/out" "body from s_server"
expect_exit 0 "valid certificate by IP" "$FN" fetch --policy policy.yaml --cacert ca.pem "https://127.0.0.1:${PORT[valid]}/"
expect_grep "s_server" "$TMP/out" "body from s_server by IP"
expect_exit 0 "CA from the policy's tls.ca_file" "$FN" fetch --policy policy_ca.yaml "https://localhost:${PORT[valid]}/"
# Without our CA the system store does not trust it.
expect_exit 4 "valid leaf, CA not given" "$FN" fetch --policy policy.yaml "https://localhost:${PORT[valid]}/"

# --- bad certificates: exit 4
# Each fails for its own reason (OpenSSL's verification messages).
declare -A WHY=([expired]="certificate has expired" [notyetvalid]="certificate is not yet valid" \
                [wronghost]="subject name" [selfsigned]="self-signed certificate" \
                [unknownca]="unable to get local issuer certificate" [weakkey]="key too weak")
for name in expired notyetvalid wronghost selfsigned unknownca weakkey; do
  expect_exit 4 "$name certificate" "$FN" fetch --policy policy.yaml --cacert ca.pem "https://localhost:${PORT[$name]}/"
  expect_grep "TLS verification failed" "$TMP/err" "$name message"
  expect_grep "${WHY[$name]}" "$TMP/err" "$name reason"
  if [ -s "$TMP/out" ]; then echo "FAIL: $name: body written"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
done

# The weak key is refused by fnguard's own TLS floor (OpenSSL security level
# 2), not only by the system's openssl.cnf: with a configuration that lowers
# the system default to level 0 it still fails.
cat >permissive_openssl.cnf <<'CNF'
openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
CipherString = DEFAULT:@SECLEVEL=0
CNF
expect_exit 4 "weak key under a permissive openssl.cnf" \
  env OPENSSL_CONF="$TMP/permissive_openssl.cnf" "$FN" fetch --policy policy.yaml --cacert ca.pem "https://localhost:${PORT[weakkey]}/"
expect_grep "key too weak" "$TMP/err" "weak key reason under a permissive openssl.cnf"

# --- egress denials: exit 3 with a JSON line on stderr
expect_exit 3 "host not on the allowlist" "$FN" fetch --policy policy.yaml --cacert ca.pem "https://api.example.com/"
expect_grep '^{"url":"https://api.example.com/","decision":"deny","reason":"[^"]*not on the allowlist' "$TMP/err" "deny JSON line"
expect_exit 3 "port not allowed (IP)" "$FN" fetch --policy policy.yaml --cacert ca.pem "https://127.0.0.1:$UNLISTED_PORT/"
expect_grep '"decision":"deny"' "$TMP/err" "port deny line"
expect_exit 3 "port not allowed (name)" "$FN" fetch --policy policy.yaml --cacert ca.pem "https://localhost:$UNLISTED_PORT/"
expect_exit 3 "localhost resolves to loopback without a cidr" "$FN" fetch --policy no_loopback.yaml --cacert ca.pem "https://localhost:${PORT[valid]}/"
expect_grep 'loopback' "$TMP/err" "loopback reason"
expect_exit 3 "metadata endpoint" "$FN" fetch --policy policy.yaml "http://169.254.169.254/latest/meta-data/"
expect_exit 3 "http to an https-only entry" "$FN" fetch --policy policy.yaml --cacert ca.pem "http://localhost:${PORT[valid]}/"

# --- pins
expect_exit 0 "matching pin" "$FN" fetch --policy pinned.yaml --cacert ca.pem "https://localhost:${PORT[valid]}/"
expect_grep "s_server" "$TMP/out" "body with pin"
expect_exit 4 "wrong pin" "$FN" fetch --policy wrong_pin.yaml --cacert ca.pem "https://localhost:${PORT[valid]}/"
expect_grep "pinned public key" "$TMP/err" "pin mismatch reason"

# --- redirects: returned as is by default, re-decided per hop when followed
sed "s#^  mode: enforce#  mode: enforce\n  follow_redirects: true#" policy.yaml >follow.yaml
expect_exit 0 "3xx returned without following" "$FN" fetch --policy policy.yaml --cacert ca.pem "https://localhost:${PORT[redirect]}/to-valid"
if [ -s "$TMP/out" ]; then echo "FAIL: unfollowed redirect wrote a body"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
expect_exit 0 "followed redirect to an allowed URL" "$FN" fetch --policy follow.yaml --cacert ca.pem "https://localhost:${PORT[redirect]}/to-valid"
expect_grep "s_server" "$TMP/out" "body after redirect"
expect_exit 3 "redirect to a URL not on the allowlist" "$FN" fetch --policy follow.yaml --cacert ca.pem "https://localhost:${PORT[redirect]}/to-denied"
expect_grep '^{"url":"https://denied.example.com/","decision":"deny"' "$TMP/err" "denied redirect target named"
expect_exit 5 "redirect loop" "$FN" fetch --policy follow.yaml --cacert ca.pem "https://localhost:${PORT[redirect]}/loop"
expect_grep "more than 5 redirects" "$TMP/err" "redirect limit message"

# --- bad input: exit 2
expect_exit 2 "no policy" "$FN" fetch "https://localhost:${PORT[valid]}/"
expect_exit 2 "no URL" "$FN" fetch --policy policy.yaml
expect_exit 2 "bad --max-time" "$FN" fetch --policy policy.yaml --max-time abc "https://localhost:${PORT[valid]}/"
expect_exit 2 "unknown flag" "$FN" fetch --policy policy.yaml --insecure "https://localhost:${PORT[valid]}/"

# --- other error: nothing listening on an allowed port -> 5
DEAD_PORT=$(free_port)
printf 'version: 1\negress:\n  allow:\n    - {cidr: 127.0.0.1/32, ports: [%s]}\n' "$DEAD_PORT" >dead.yaml
expect_exit 5 "connection refused" "$FN" fetch --policy dead.yaml --cacert ca.pem "https://127.0.0.1:$DEAD_PORT/"

# --- security events: with a reporting section, denials and TLS failures
# reach a real collector; stdout keeps only the body.
start_collector "$TMP/events.db"
PIDS+=("$COLLECTOR_PID")
COLLECTOR_PORT=${COLLECTOR_ADDR##*:}
if [ -z "$COLLECTOR_PORT" ]; then
  echo "FAIL: setup: the collector did not start"; cat collector.err; fail=$((fail + 1))
else
  { cat policy.yaml; printf 'reporting:\n  otlp_endpoint: http://127.0.0.1:%s/v1/logs\n  spool_dir: %s/spool\n' \
      "$COLLECTOR_PORT" "$TMP"; } >reporting.yaml
  expect_exit 3 "denied, reported" "$FN" fetch --policy reporting.yaml "https://api.example.com/v1/items?token=s3cret"
  expect_grep '^{"url":"https://api.example.com/v1/items?token=s3cret","decision":"deny"' "$TMP/err" "deny line kept with reporting"
  expect_exit 4 "TLS failure, reported" "$FN" fetch --policy reporting.yaml --cacert ca.pem "https://localhost:${PORT[expired]}/"
  expect_exit 0 "allowed, nothing reported" "$FN" fetch --policy reporting.yaml --cacert ca.pem "https://localhost:${PORT[valid]}/"
  "$FN" events --store "$TMP/events.db" --format json >events.json 2>events.err
  expect_grep '"kind":"egress","action":"block","detector":"egress","rule_id":"default-deny"' events.json "egress event stored"
  expect_grep '"excerpt":"https://api.example.com/v1/items".*"host":"api.example.com"' events.json "egress event names the URL and host"
  if grep -q 's3cret' events.json; then echo "FAIL: the query string reached the event store"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
  expect_grep '"kind":"tls","action":"block","detector":"tls","rule_id":"tls.certificate"' events.json "tls event stored"
  expect_grep '"reason":"TLS verification failed for localhost: [^"]*certificate has expired' events.json "tls event reason"
  n=$(grep -c '"event_id"' events.json)
  if [ "$n" -eq 2 ]; then pass=$((pass + 1)); else echo "FAIL: $n events stored, want 2"; cat events.json; fail=$((fail + 1)); fi

  # stdout JSON reporting: events go to stderr, the body alone to stdout.
  { cat policy.yaml; printf 'reporting:\n  stdout: json\n'; } >stdout_reporting.yaml
  expect_exit 3 "denied, stdout reporting" "$FN" fetch --policy stdout_reporting.yaml "https://api.example.com/"
  expect_grep '"source":"fnguard".*"kind":"egress"' "$TMP/err" "event line on stderr"
  if [ -s "$TMP/out" ]; then echo "FAIL: event written to stdout"; fail=$((fail + 1)); else pass=$((pass + 1)); fi

  # Report mode: the request is made, and reported as would-deny.
  { sed "s#^  mode: enforce#  mode: report#" no_loopback.yaml
    printf 'reporting:\n  otlp_endpoint: http://127.0.0.1:%s/v1/logs\n  spool_dir: %s/spool\n' "$COLLECTOR_PORT" "$TMP"
  } >report_mode.yaml
  expect_exit 0 "report mode lets a loopback name through" "$FN" fetch --policy report_mode.yaml --cacert ca.pem "https://localhost:${PORT[valid]}/"
  "$FN" events --store "$TMP/events.db" --format json >events.json 2>events.err
  expect_grep '"kind":"egress","action":"monitor".*"host":"localhost"' events.json "report mode event stored"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
