# Shared helpers of the integration scripts (sourced, not a test itself).
# The caller sets TMP (a scratch directory) and the counters pass=0 fail=0.

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

# Runs a set-up step quietly; its failure ends the script.
quiet() { "$@" >/dev/null 2>&1 || { echo "FAIL: setup: $*"; echo "$pass passed, $((fail + 1)) failed"; exit 1; }; }

# A TCP port on 127.0.0.1 that was free a moment ago.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Waits up to 10 s for a TCP listener on 127.0.0.1:PORT.
wait_port() {  # wait_port PORT
  local _
  for _ in $(seq 1 100); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',int(sys.argv[1])),0.2).close()" "$1" \
      2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# Waits up to 10 s for a "listening on HOST:PORT" line in FILE, written by
# the process PID, and prints HOST:PORT; returns 1 when none came or PID
# exited first.
wait_listening() {  # wait_listening FILE PID
  local _ addr
  for _ in $(seq 1 100); do
    addr=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$1" | head -1)
    [ -n "$addr" ] && { echo "$addr"; return 0; }
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Starts `$FN collector` on a free loopback port with its store at STORE
# (output in $TMP/collector.out and .err) and waits up to 10 s for its
# "listening on" line. Sets COLLECTOR_PID and COLLECTOR_ADDR (HOST:PORT);
# returns 1 when it did not start.
start_collector() {  # start_collector STORE [MORE COLLECTOR ARGS...]
  local store=$1
  shift
  "$FN" collector --listen 127.0.0.1:0 --store "$store" "$@" >"$TMP/collector.out" 2>"$TMP/collector.err" </dev/null &
  COLLECTOR_PID=$!
  COLLECTOR_ADDR=$(wait_listening "$TMP/collector.out" "$COLLECTOR_PID")
}

# Test certificates in the current directory: a self-signed CA NAME.pem /
# NAME.key, and leaves signed by it with the extensions of EXTFILE.
make_ca() {  # make_ca NAME COMMON-NAME
  quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2"
}
issue_leaf() {  # issue_leaf NAME CA EXTFILE [COMMON-NAME [KEY-BITS]]
  quiet openssl req -newkey "rsa:${5:-2048}" -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=${4:-localhost}"
  quiet openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
    -extfile "$3" -out "$1.pem"
}
