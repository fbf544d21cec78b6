#!/usr/bin/env bash
# The fnguard CLI contract: commands, flags, JSON keys and exit codes that
# scripts outside the repository rely on.
set -uo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
FN="$BUILD/fnguard"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
pass=0
. "$SRC/tests/integration/lib/checks.sh"

# --- top level
expect_exit 0 "help" "$FN" --help
expect_exit 2 "no command" "$FN"
expect_exit 2 "unknown command" "$FN" frobnicate

# --- scan
cat >"$TMP/clean.json" <<'JSON'
{"version":"2.0","rawPath":"/hello","rawQueryString":"name=Ada","headers":{"accept":"application/json"},
 "queryStringParameters":{"name":"Ada"},"requestContext":{"http":{"method":"GET","path":"/hello"}},"isBase64Encoded":false}
JSON
cat >"$TMP/attack.json" <<'JSON'
{"version":"2.0","rawPath":"/hello","rawQueryString":"name=x","headers":{"accept":"application/json"},
 "queryStringParameters":{"name":"x' UNION SELECT username, password FROM users--"},
 "requestContext":{"http":{"method":"GET","path":"/hello"}},"isBase64Encoded":false}
JSON
printf '{"truncated": ' >"$TMP/broken.json"
expect_exit 0 "scan clean" "$FN" scan "$TMP/clean.json"
expect_grep "clean" "$TMP/out" "scan clean prints clean"
expect_exit 1 "scan attack" "$FN" scan "$TMP/attack.json"
expect_grep "sqli" "$TMP/out" "scan attack names the detector"
expect_exit 1 "scan attack json" "$FN" scan --format json "$TMP/attack.json"
python3 - "$TMP/out" <<'PY' || fail=$((fail + 1))
import json, sys
d = json.loads(open(sys.argv[1]).read().splitlines()[0])
for k in ("file", "event_kind", "action", "timed_out", "findings"):
    assert k in d, k
f = d["findings"][0]
for k in ("detector", "rule_id", "field_path", "excerpt", "reason"):
    assert k in f, k
assert d["action"] == "block" and f["field_path"] == "query.name", d
PY
expect_exit 2 "scan broken json" "$FN" scan "$TMP/broken.json"
expect_exit 2 "scan missing file" "$FN" scan "$TMP/nope.json"
expect_exit 2 "scan no files" "$FN" scan
expect_exit 2 "scan bad format" "$FN" scan --format xml "$TMP/clean.json"
expect_exit 2 "scan clean+broken" "$FN" scan "$TMP/clean.json" "$TMP/broken.json"

# --- policy check
cat >"$TMP/good.yaml" <<'YAML'
version: 1
mode: monitor
inspection:
  detectors: [sqli, xss]
egress:
  mode: enforce
  allow:
    - {host: "*.example.com"}
YAML
cat >"$TMP/bad.yaml" <<'YAML'
version: 1
mdoe: block
YAML
expect_exit 0 "policy check valid" "$FN" policy check "$TMP/good.yaml"
expect_grep "warning" "$TMP/out" "policy check audits monitor mode"
expect_exit 2 "policy check invalid" "$FN" policy check "$TMP/bad.yaml"
expect_grep "bad.yaml:2" "$TMP/err" "policy check names the line"
expect_grep "mdoe" "$TMP/err" "policy check names the key"
expect_exit 2 "policy check missing" "$FN" policy check "$TMP/none.yaml"
expect_exit 2 "scan with invalid policy" "$FN" scan --policy "$TMP/bad.yaml" "$TMP/clean.json"

# --- eval
cat >"$TMP/corpus.jsonl" <<'JSONL'
{"id":"a1","label":"sqli","payload":"1' OR '1'='1' -- "}
{"id":"a2","label":"xss","payload":"<script>alert(document.cookie)</script>"}
{"id":"b1","label":"benign","payload":"hello world"}
{"id":"b2","label":"benign","payload":"Mary O'Connor"}
{"id":"r1","label":"benign","method":"GET","uri":"/shop/item.jsp?id=2&name=Jam","headers":{"Host":"localhost"}}
JSONL
for embed in raw query json-body json-body-escaped header xml-body; do
  expect_exit 0 "eval --embed $embed" "$FN" eval --input "$TMP/corpus.jsonl" --embed "$embed"
  python3 - "$TMP/out" "$embed" <<'PY' || fail=$((fail + 1))
import json, sys
d = json.loads(open(sys.argv[1]).read())
for k in ("total", "by_label", "recall", "false_positive_rate", "latency_ns"):
    assert k in d, k
assert d["total"] == 5, d
assert set(d["by_label"]) == {"sqli", "xss", "benign"}, d
for v in d["by_label"].values():
    assert set(("n", "flagged")) <= set(v), v
assert "p50" in d["latency_ns"] and "p99" in d["latency_ns"]
assert d["by_label"]["benign"]["n"] == 3
assert 0.0 <= d["recall"] <= 1.0 and 0.0 <= d["false_positive_rate"] <= 1.0
if sys.argv[2] in ("raw", "query", "xml-body"):
    assert d["recall"] == 1.0, d
    assert d["false_positive_rate"] == 0.0, d
PY
done
# --all-findings: every finding of each input in its --report line.
expect_exit 0 "eval --all-findings" "$FN" eval --input "$TMP/corpus.jsonl" --embed raw \
  --report "$TMP/report.jsonl" --all-findings
python3 - "$TMP/report.jsonl" <<'PY' || fail=$((fail + 1))
import json, sys
rows = {r["id"]: r for r in map(json.loads, open(sys.argv[1]))}
assert len(rows) == 5, rows
for r in rows.values():
    assert isinstance(r["findings"], list), r
    assert r["flagged"] == bool(r["findings"]), r
    for f in r["findings"]:
        assert set(("detector", "rule_id", "field_path", "score", "reason", "excerpt")) <= set(f), f
a1 = rows["a1"]
assert a1["findings"][0]["detector"] == "sqli" and a1["findings"][0]["field_path"] == "query.q", a1
assert rows["b1"]["findings"] == [], rows["b1"]
PY
expect_exit 0 "eval --report without --all-findings" "$FN" eval --input "$TMP/corpus.jsonl" \
  --embed raw --report "$TMP/report.jsonl"
python3 - "$TMP/report.jsonl" <<'PY' || fail=$((fail + 1))
import json, sys
assert all("findings" not in json.loads(l) for l in open(sys.argv[1]))
PY
# A line holding a lone surrogate escape is valid JSON text: it is read,
# with U+FFFD in place of the half pair, not skipped as an error.
cat >"$TMP/surrogates.jsonl" <<'JSONL'
{"id":"s1","label":"sqli","payload":"\ud800' OR 1=1-- "}
{"id":"s2","label":"benign","payload":"great \ud83d"}
JSONL
expect_exit 0 "eval lone surrogates" "$FN" eval --input "$TMP/surrogates.jsonl" --embed query
python3 - "$TMP/out" <<'PY' || fail=$((fail + 1))
import json, sys
d = json.loads(open(sys.argv[1]).read())
assert d["total"] == 2 and d["errors"] == 0, d
assert d["by_label"]["sqli"]["flagged"] == 1 and d["by_label"]["benign"]["flagged"] == 0, d
PY
expect_exit 2 "eval missing input" "$FN" eval --input "$TMP/none.jsonl"
expect_exit 2 "eval bad embed" "$FN" eval --input "$TMP/corpus.jsonl" --embed cookie

# --- bench
expect_exit 0 "bench" "$FN" bench --iterations 50
expect_exit 0 "bench json" "$FN" bench --iterations 20 --format json
expect_grep "p99_ns" "$TMP/out" "bench json has p99"
expect_grep '"field_cache":true' "$TMP/out" "bench json says the field cache is on"
expect_exit 0 "bench without the field cache" "$FN" bench --iterations 20 --format json --no-field-cache
expect_grep '"field_cache":false' "$TMP/out" "bench json says the field cache is off"
expect_grep '"vary":"none"' "$TMP/out" "bench json says the event repeats"
expect_exit 0 "bench with new users' values" "$FN" bench --vary users --iterations 1 --format json
expect_grep '"vary":"users"' "$TMP/out" "bench json says what varies"
expect_grep '"events":4096,"samples":4096' "$TMP/out" "bench --vary times 4,096 copies once each"
expect_grep '"flagged":0' "$TMP/out" "no copy of the typical request is flagged"
expect_exit 2 "bench bad vary" "$FN" bench --vary sometimes
expect_exit 2 "bench vary with a body size" "$FN" bench --vary all --body-bytes 1000
expect_exit 0 "bench on a body of order records" "$FN" bench --body-bytes 20000 --body-shape records --iterations 3 --format json
expect_grep '"flagged":0' "$TMP/out" "the order records are benign"
expect_exit 2 "bench bad body shape" "$FN" bench --body-bytes 1000 --body-shape novel
expect_exit 2 "bench body shape without a body size" "$FN" bench --body-shape records
expect_exit 0 "bench beside parsing alone" "$FN" bench --body-bytes 20000 --body-shape records --iterations 3 --format json --vs simdjson
expect_grep '"json_parse":{' "$TMP/out" "bench json times parsing alone"
expect_grep '"bodies_parsed":1' "$TMP/out" "bench json parses the JSON body too"
expect_grep '"ratio_to_parse":{"p50":' "$TMP/out" "bench json gives the ratio to parsing alone"
expect_exit 2 "bench against an unknown peer" "$FN" bench --vs libddwaf

# --- scan streams its findings to the policy's collector
start_collector "$TMP/events.db"
cpid=$COLLECTOR_PID
addr=$COLLECTOR_ADDR
cat >"$TMP/report.yaml" <<YAML
version: 1
reporting:
  otlp_endpoint: http://$addr/v1/logs
YAML
expect_exit 1 "scan with reporting" "$FN" scan --policy "$TMP/report.yaml" "$TMP/attack.json" "$TMP/clean.json"
expect_exit 0 "events listed" "$FN" events --store "$TMP/events.db" --format json
n=$(grep -c '"sqli' "$TMP/out" || true)
if [ "$n" -ge 1 ]; then pass=$((pass + 1)); else echo "FAIL: scan findings did not reach the collector"; cat "$TMP/out"; fail=$((fail + 1)); fi
kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
