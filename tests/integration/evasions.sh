#!/usr/bin/env bash
# The hand-written regression file of evasions, tests/data/evasions.jsonl:
# attack forms written from how each attack works (encoded addresses and
# cluster names for SSRF, template engines' other syntaxes, nested Log4Shell
# lookups, shell spaces and slashes spelled by expansions, serialized objects
# and their encodings, XSS without the usual tags or quotes, PHP and Java
# code injection) and benign near-misses (O'Brien, prose about SQL and shell
# commands, code snippets).
# Every attack must be flagged and no benign value may be, in the query and
# in a JSON body field, through the real binary (`fnguard eval --report`).
set -uo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
FN="$BUILD/fnguard"
DATA="$SRC/tests/data/evasions.jsonl"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
pass=0
. "$SRC/tests/integration/lib/checks.sh"

for embed in query json-body; do
  expect_exit 0 "eval --embed $embed" "$FN" eval --input "$DATA" --embed "$embed" \
    --report "$TMP/report-$embed.jsonl"
  if ! python3 - "$DATA" "$TMP/report-$embed.jsonl" "$embed" >"$TMP/check" 2>&1 <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    rows[r["id"]] = r
seen = 0
wrong = []
for line in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(line)
    row = rows[r["id"]]
    seen += 1
    if r["flagged"] != (row["label"] != "benign"):
        wrong.append("%s %s (%s): %r" % ("missed" if row["label"] != "benign" else "flagged",
                                          row["label"], r.get("rule_id"), row["payload"][:80]))
if seen != len(rows) or len(rows) < 300:
    print("report has %d lines for %d rows" % (seen, len(rows)))
    sys.exit(1)
for w in wrong:
    print(w)
sys.exit(1 if wrong else 0)
PY
  then
    echo "FAIL: evasions in $embed:"; sed 's/^/  /' "$TMP/check" | head -20
    fail=$((fail + 1))
  else
    pass=$((pass + 1))
  fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
