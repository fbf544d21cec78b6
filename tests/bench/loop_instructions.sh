#!/usr/bin/env bash
# Instructions the function executes per invocation and at init, counted by
# valgrind (callgrind, user space only) under `fnguard local`: a count that
# does not move with machine load, unlike the times of local_overhead.sh.
#
#   bash tests/bench/loop_instructions.sh BUILD_DIR [N1] [N2]
#
# Each variant runs twice, serving N1 (default 100) and N2 (default 600)
# copies of benign-get.json; per invocation = (I(N2) - I(N1)) / (N2 - N1),
# init = I(N1) - N1 * per invocation. Variants: the plain libcurl baseline
# (tests/bench/baseline_hello.cc), hello with inspection reduced to one
# prefiltered detector (jndi), and hello with examples/hello/policy.yaml.
# For hello it also splits the per-invocation count into inspection
# (Guard::Inspect), the handler (hello::GreetingResponse) and the rest: the
# runtime loop and wrapper.
set -euo pipefail
BUILD=${1:?usage: loop_instructions.sh BUILD_DIR [N1] [N2]}
N1=${2:-100}
N2=${3:-600}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf 'version: 1\nmode: block\ninspection: {detectors: [jndi]}\n' >"$TMP/min.yaml"
EVENT="$ROOT/examples/hello/events/benign-get.json"

run() {  # name binary policy n
  "$BUILD/fnguard" local --timeout 120 --policy "$3" --repeat "$4" \
    --function "valgrind --tool=callgrind --callgrind-out-file=$TMP/$1.$4 $2" "$EVENT" \
    >"$TMP/$1.$4.out" 2>"$TMP/$1.$4.err"
  callgrind_annotate --inclusive=yes "$TMP/$1.$4" >"$TMP/$1.$4.txt" 2>/dev/null
}
for n in "$N1" "$N2"; do
  run baseline "$BUILD/tests/bench/baseline-hello/bootstrap" "$TMP/min.yaml" "$n"
  run hello-min "$BUILD/examples/hello/bootstrap" "$TMP/min.yaml" "$n"
  run hello "$BUILD/examples/hello/bootstrap" "$ROOT/examples/hello/policy.yaml" "$n"
done

python3 - "$TMP" "$N1" "$N2" <<'PY'
import re, sys
tmp, n1, n2 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def inclusive(name, n, pattern):
    total = 0
    for line in open(f"{tmp}/{name}.{n}.txt"):
        m = re.match(r"\s*([\d,]+) \([^)]*\)\s+(.*)", line)
        if m and re.search(pattern, m.group(2)):
            total = max(total, int(m.group(1).replace(",", "")))
    return total
per, init = {}, {}
print(f"{'':10} {'init (M instr)':>15} {'per invocation (k instr)':>25}")
for v in ("baseline", "hello-min", "hello"):
    a, b = inclusive(v, n1, "PROGRAM TOTALS"), inclusive(v, n2, "PROGRAM TOTALS")
    per[v] = (b - a) / (n2 - n1)
    init[v] = a - n1 * per[v]
    print(f"{v:10} {init[v] / 1e6:15.1f} {per[v] / 1e3:25.1f}")
for v in ("hello-min", "hello"):
    parts = {}
    for part, pat in (("inspection", r"fnguard::Guard::Inspect\("), ("handler", r"hello::GreetingResponse")):
        parts[part] = (inclusive(v, n2, pat) - inclusive(v, n1, pat)) / (n2 - n1)
    extra = per[v] - per["baseline"]
    print(f"{v} - baseline: init {(init[v] - init['baseline']) / 1e6:+.1f} M; per invocation {extra / 1e3:+.1f} k"
          f" = inspection {parts['inspection'] / 1e3:.1f} k + loop and wrapper {(extra - parts['inspection']) / 1e3:.1f} k")
PY
