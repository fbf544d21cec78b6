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
