#!/usr/bin/env bash
# Runs every libFuzzer target (one per tests/fuzz/<name>_fuzzer.cc, built as
# BUILD/fuzz/fuzz_<name>) for SECONDS each, starting from the checked-in
# seeds in tests/fuzz/corpus/<name>/ when present. A target whose binary is
# missing fails the run.
set -euo pipefail
BUILD=${1:?build dir}
SECONDS_EACH=${2:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
status=0
n=0
for src in "$ROOT"/tests/fuzz/*_fuzzer.cc; do
  name=$(basename "$src" _fuzzer.cc)
  f="$BUILD/fuzz/fuzz_$name"
  if [ ! -x "$f" ]; then
    echo "fuzz: $name MISSING ($f not built)"; status=1; continue
  fi
  work=$(mktemp -d)
  seeds=()
  [ -d "$ROOT/tests/fuzz/corpus/$name" ] && seeds+=("$ROOT/tests/fuzz/corpus/$name")
  echo "fuzz: $name for ${SECONDS_EACH}s"
  if ! "$f" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -artifact_prefix="$work/" "$work" "${seeds[@]}" >"$work/log" 2>&1; then
    echo "fuzz: $name FAILED"; tail -40 "$work/log"; status=1
  fi
  n=$((n + 1))
  rm -rf "$work"
done
echo "fuzz: ran $n targets"
exit $status
