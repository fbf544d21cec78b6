#!/usr/bin/env bash
# What fnguard adds to a Lambda function, measured under `fnguard local`:
# the hello example (examples/hello, fnguard's built-in Runtime API loop) against
# the same handler behind a plain libcurl loop (tests/bench/baseline_hello.cc),
# in the same run, alternating so that machine load hits both alike.
#
#   bash tests/bench/local_overhead.sh BUILD_DIR [COLD_RUNS] [INVOCATIONS]
#
# BUILD_DIR needs: fnguard, examples/hello/bootstrap and
# tests/bench/baseline-hello/bootstrap (configure with -DFNGUARD_BUILD_BENCH=ON,
# build fnguard_cli hello_bootstrap baseline_hello_bootstrap).
#
# 1. Cold start: COLD_RUNS fresh processes of each; `fnguard local --timing`
#    reports each process's init (fork to its first GET /next), the CPU time
#    its main thread used until then, and its peak RSS (VmHWM). Printed: min /
#    median / p90 of init, median init CPU, median peak RSS, and the
#    differences. On a loaded machine the wall-clock init stretches with the
#    wait for a CPU; the init CPU does not.
# 2. Warm invocations: ROUNDS rounds (default 5), each starting one process
#    of every variant in turn and serving it INVOCATIONS events
#    (benign-get.json) back to back; printed per variant, as the median over
#    the rounds: round trip (event available to the runtime until its answer)
#    p50 / p99 / mean, wall time per invocation and the function's CPU time
#    per invocation (its rusage over its life / N). fnguard runs twice: with
#    the example policy (9 detectors) and with inspection reduced to one
#    prefiltered detector (jndi); `fnguard bench` then times inspection alone
#    on the same event and policies, so the loop and wrapper cost can be told
#    apart from inspection.
# PACKAGED=DIR adds a third cold-start row for an unpacked
# scripts/package-lambda.sh bundle (its `bootstrap`).
set -euo pipefail
BUILD=${1:?usage: local_overhead.sh BUILD_DIR [COLD_RUNS] [INVOCATIONS]}
RUNS=${2:-30}
N=${3:-20000}
ROUNDS=${ROUNDS:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FN="$BUILD/fnguard"
HELLO="$BUILD/examples/hello/bootstrap"
BASE="$BUILD/tests/bench/baseline-hello/bootstrap"
EVENT="$ROOT/examples/hello/events/benign-get.json"
for f in "$FN" "$HELLO" "$BASE"; do
  [ -x "$f" ] || { echo "missing $f (see the header of $0)" >&2; exit 2; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/min-inspection.yaml" <<'YAML'
version: 1
mode: block
inspection: {detectors: [jndi]}
YAML
POLICY="$ROOT/examples/hello/policy.yaml"

summary() {  # label function policy events... -> one timing_summary line appended to $TMP/<label>
  local label=$1 fn=$2 policy=$3
  shift 3
  "$FN" local --function "$fn" --policy "$policy" --timing "$@" 2>>"$TMP/function.log" \
    | tail -n 1 >>"$TMP/$label"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
variants=(baseline hello)
[ -n "${PACKAGED:-}" ] && variants+=(packaged)
for i in $(seq "$RUNS"); do
  summary baseline "$BASE" "$POLICY" "$EVENT"
  summary hello "$HELLO" "$POLICY" "$EVENT"
  [ -n "${PACKAGED:-}" ] && summary packaged "$PACKAGED/bootstrap" "$POLICY" "$EVENT"
done
for r in $(seq "$ROUNDS"); do
  summary warm-baseline "$BASE" "$POLICY" --repeat "$N" "$EVENT"
  summary warm-hello-min "$HELLO" "$TMP/min-inspection.yaml" --repeat "$N" "$EVENT"
  summary warm-hello "$HELLO" "$POLICY" --repeat "$N" "$EVENT"
done
mkdir "$TMP/events" && cp "$EVENT" "$TMP/events/"
"$FN" bench --events "$TMP/events" --policy "$TMP/min-inspection.yaml" --iterations "$N" --format json >"$TMP/bench-min"
"$FN" bench --events "$TMP/events" --policy "$POLICY" --iterations "$N" --format json >"$TMP/bench-full"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$TMP" "$N" "${variants[@]}" <<'PY'
import json, statistics, sys
tmp, n, variants = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def load(name):
    return [json.loads(l)["timing_summary"] for l in open(f"{tmp}/{name}") if l.strip()]
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * (len(xs) - 1)))]
print(f"\n== cold start: fork to first GET /next, {len(load(variants[0]))} runs each")
print(f"{'':10} {'init min':>9} {'p50':>8} {'p90':>8}   {'init CPU p50':>12}   {'peak RSS p50':>12}")
rows = {}
for v in variants:
    procs = [s["processes"][0] for s in load(v)]
    init = [p["init_ms"] for p in procs if p["init_ms"] is not None]
    cpu = [p["init_cpu_ms"] for p in procs if p.get("init_cpu_ms") is not None]
    rss = [p["peak_rss_kb"] for p in procs if p["peak_rss_kb"]]
    rows[v] = (min(init), statistics.median(init), pct(init, 0.9), statistics.median(rss),
               statistics.median(cpu))
    print(f"{v:10} {rows[v][0]:8.2f}ms {rows[v][1]:6.2f}ms {rows[v][2]:6.2f}ms   {rows[v][4]:9.2f} ms"
          f"   {rows[v][3]/1024:9.2f} MiB")
for v in variants[1:]:
    d = [rows[v][i] - rows["baseline"][i] for i in range(5)]
    print(f"{v + ' - baseline':24} init min {d[0]:+.2f} ms, p50 {d[1]:+.2f} ms; init CPU p50 {d[4]:+.2f} ms;"
          f" peak RSS {d[3]/1024:+.2f} MiB")
print(f"\n== warm invocations: {n} back to back per process, median of {len(load('warm-baseline'))} rounds")
print(f"{'':15} {'rt p50':>8} {'rt p99':>8} {'rt mean':>8} {'wall/inv':>9} {'CPU/inv':>8}   (us)")
warm = {}
for v in ("warm-baseline", "warm-hello-min", "warm-hello"):
    per_round = []
    for s in load(v):
        rt = s["warm_round_trip_us"]
        p = s["processes"][0]
        cpu = (p["user_cpu_ms"] + p["system_cpu_ms"]) * 1000 / s["invocations"]
        wall = s["wall_ms"] * 1000 / s["invocations"]
        per_round.append((rt["p50"], rt["p99"], rt["mean"], wall, cpu))
    warm[v] = [statistics.median(x[i] for x in per_round) for i in range(5)]
    print(f"{v[5:]:15} " + " ".join(f"{x:8.1f}" for x in warm[v][:3]) + f" {warm[v][3]:9.1f} {warm[v][4]:8.1f}")
inspect = {k: json.load(open(f"{tmp}/bench-{k}"))["fnguard"]["p50_ns"] / 1000 for k in ("min", "full")}
for v, k in (("warm-hello-min", "min"), ("warm-hello", "full")):
    d = [warm[v][i] - warm["warm-baseline"][i] for i in range(5)]
    print(f"{v[5:] + ' - baseline':24} rt p50 {d[0]:+.1f} us, mean {d[2]:+.1f} us; CPU/inv {d[4]:+.1f} us;"
          f" inspection alone (fnguard bench p50) {inspect[k]:.1f} us")
PY
