#!/usr/bin/env bash
# `fnguard egress check`: JSON keys and exit codes (0 all allowed, 3 any
# denied, 2 bad input), driven through the real binary.
set -uo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
FN="$BUILD/fnguard"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
pass=0
. "$SRC/tests/integration/lib/checks.sh"

if ! "$FN" egress --help >/dev/null 2>&1; then
  echo "SKIP: this fnguard binary has no 'egress' command (not dispatched in wrappers/cli/cli.cc)"
  echo "0 passed, 0 failed"
  exit 0
fi

expect_lines() {  # expect_lines N FILE DESCRIPTION
  local got
  got=$(wc -l <"$2")
  if [ "$got" -eq "$1" ]; then pass=$((pass + 1)); else echo "FAIL: $3: $got lines, want $1"; fail=$((fail + 1)); fi
}

cat >"$TMP/policy.yaml" <<'YAML'
version: 1
egress:
  mode: enforce
  allow:
    - {host: api.example.com}
    - {host: "*.example.org", ports: [443, 8443]}
    - {host: localhost}
    - {cidr: 203.0.113.0/24, ports: [8443]}
  deny:
    - blocked.example.org
YAML
cat >"$TMP/report.yaml" <<'YAML'
version: 1
egress:
  mode: report
  allow:
    - {host: api.example.com}
YAML
printf 'version: 1\negress:\n  allow: [{host: API.Example.com.}]\n' >"$TMP/invalid.yaml"

# --- all allowed: exit 0, one line per URL with the contract keys
expect_exit 0 "allowed URLs" "$FN" egress check --policy "$TMP/policy.yaml" \
  https://api.example.com/v1 https://www.example.org:8443/ https://203.0.113.10:8443/
expect_lines 3 "$TMP/out" "one JSON line per URL"
expect_grep '^{"url":"https://api.example.com/v1","decision":"allow","reason":"[^"]*","rule":"egress.allow\[0\]"}$' "$TMP/out" "allow line keys"
expect_grep '"rule":"egress.allow\[1\]"' "$TMP/out" "wildcard rule"
expect_grep '"rule":"egress.allow\[3\]"' "$TMP/out" "cidr rule"

# --- any denied: exit 3
expect_exit 3 "one denied URL" "$FN" egress check --policy "$TMP/policy.yaml" \
  https://api.example.com/ https://evil.example.net/
expect_lines 2 "$TMP/out" "both URLs reported"
expect_grep '"url":"https://evil.example.net/","decision":"deny","reason":"host '"'"'evil.example.net'"'"' is not on the allowlist","rule":"default-deny"' "$TMP/out" "deny line"

for url in 'https://user@api.example.com/' 'https://0x7f.1/' 'https://2130706433/' \
           'https://[::ffff:169.254.169.254]/' 'https://example.org/' 'https://blocked.example.org/' \
           'http://api.example.com/' 'https://api.example.com:8443/' 'https://api.example.com\@evil.net/' \
           'https://xn--evil.example.net/'; do
  expect_exit 3 "denied: $url" "$FN" egress check --policy "$TMP/policy.yaml" "$url"
  expect_grep '"decision":"deny"' "$TMP/out" "deny decision for $url"
done
expect_exit 3 "deny list" "$FN" egress check --policy "$TMP/policy.yaml" https://blocked.example.org/
expect_grep '"rule":"egress.deny\[0\]"' "$TMP/out" "deny list rule"

# --- --resolve: every address checked; localhost is loopback
expect_exit 3 "--resolve localhost" "$FN" egress check --policy "$TMP/policy.yaml" --resolve https://localhost/
expect_grep '"decision":"deny"' "$TMP/out" "localhost denied"
expect_grep 'loopback' "$TMP/out" "loopback named"
expect_grep '"addresses":\["' "$TMP/out" "addresses listed"
expect_exit 0 "--resolve IP literal" "$FN" egress check --policy "$TMP/policy.yaml" --resolve https://203.0.113.10:8443/
expect_grep '"addresses":\["203.0.113.10"\]' "$TMP/out" "literal address listed"
expect_exit 0 "without --resolve localhost passes by name" "$FN" egress check --policy "$TMP/policy.yaml" https://localhost/

# --- report mode: allowed, flagged
expect_exit 0 "report mode" "$FN" egress check --policy "$TMP/report.yaml" https://evil.example.net/
expect_grep '"decision":"allow"' "$TMP/out" "report mode allows"
expect_grep '"would_deny":true' "$TMP/out" "report mode flags"

# --- bad input: exit 2
expect_exit 2 "missing --policy" "$FN" egress check https://api.example.com/
expect_exit 2 "no URLs" "$FN" egress check --policy "$TMP/policy.yaml"
expect_exit 2 "invalid policy" "$FN" egress check --policy "$TMP/invalid.yaml" https://api.example.com/
expect_grep "did you mean 'api.example.com'" "$TMP/err" "invalid policy explained"
expect_exit 2 "missing policy file" "$FN" egress check --policy "$TMP/nope.yaml" https://api.example.com/
expect_exit 2 "no subcommand" "$FN" egress
expect_exit 2 "unknown flag" "$FN" egress check --policy "$TMP/policy.yaml" --frobnicate https://api.example.com/

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
