#!/usr/bin/env bash
# `fnguard fetch` against real TLS servers (openssl s_server) with test-time
# certificates: a valid leaf, and expired, wrong-host, self-signed and
# unknown-CA leaves; egress denials (allowlist, port, loopback without a
# cidr); public-key pins. Exit codes: 0 ok, 3 denied, 4 TLS, 5 other.
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

for tool in openssl python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not installed"; echo "0 passed, 0 failed"; exit 0
  fi
done
if ! "$FN" fetch --help >/dev/null 2>&1; then
  echo "FAIL: this fnguard binary has no working 'fetch' command"; echo "0 passed, 1 failed"; exit 1
fi

expect_exit() {  # expect_exit WANT DESCRIPTION CMD...
  local want=$1 desc=$2
  shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $desc: exit $got, want $want"; head -c 400 "$TMP/out" | sed 's/^/  stdout: /'; sed 's/^/  stderr: /' "$TMP/err" | head -5
    fail=$((fail + 1))
  else
    pass=$((pass + 1))
  fi
}
expect_grep() {  # expect_grep PATTERN FILE DESCRIPTION
  if grep -q -- "$1" "$2"; then pass=$((pass + 1)); else echo "FAIL: $3: '$1' not in $2"; head -5 "$2"; fail=$((fail + 1)); fi
}

cd "$TMP" || exit 1
quiet() { "$@" >/dev/null 2>&1 || { echo "FAIL: setup: $*"; echo "$pass passed, $((fail + 1)) failed"; exit 1; }; }

# --- certificates
quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=fnguard test CA"
quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout other_ca.key -out other_ca.pem -days 2 -subj "/CN=other test CA"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >san_ok.ext
printf 'subjectAltName=DNS:wrong.example\nbasicConstraints=CA:FALSE\n' >san_wrong.ext
leaf() {  # leaf NAME CA_PREFIX EXTFILE
  quiet openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=localhost"
  quiet openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
    -extfile "$3" -out "$1.pem"
}
leaf valid ca san_ok.ext
leaf wronghost ca san_wrong.ext
leaf unknownca other_ca san_ok.ext
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

# --- servers
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
declare -A PORT
start_server() {  # start_server NAME
  local port
  port=$(free_port)
  openssl s_server -accept "127.0.0.1:$port" -cert "$1.pem" -key "$1.key" -www -quiet \
    >"server_$1.log" 2>&1 </dev/null &
  PIDS+=($!)
  PORT[$1]=$port
  for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),0.2).close()" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "FAIL: setup: s_server for $1 did not start"; cat "server_$1.log"; echo "$pass passed, $((fail + 1)) failed"; exit 1
}
for name in valid expired wronghost selfsigned unknownca; do start_server "$name"; done
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
for _ in $(seq 1 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1',${PORT[redirect]}),0.2).close()" 2>/dev/null && break
  sleep 0.1
done
UNLISTED_PORT=$(free_port)
PORTS="${PORT[valid]}, ${PORT[expired]}, ${PORT[wronghost]}, ${PORT[selfsigned]}, ${PORT[unknownca]}, ${PORT[redirect]}"

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
declare -A WHY=([expired]="certificate has expired" [wronghost]="subject name" \
                [selfsigned]="self-signed certificate" [unknownca]="unable to get local issuer certificate")
for name in expired wronghost selfsigned unknownca; do
  expect_exit 4 "$name certificate" "$FN" fetch --policy policy.yaml --cacert ca.pem "https://localhost:${PORT[$name]}/"
  expect_grep "TLS verification failed" "$TMP/err" "$name message"
  expect_grep "${WHY[$name]}" "$TMP/err" "$name reason"
  if [ -s "$TMP/out" ]; then echo "FAIL: $name: body written"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
done

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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
