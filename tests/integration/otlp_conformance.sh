#!/usr/bin/env bash
# OTLP conformance against an independent implementation, the OpenTelemetry
# JS SDK (tests/conformance/otlp_conformance.test.js): fnguard's export decoded
# with the classes generated from the official opentelemetry-proto files, and
# the SDK's protobuf and OTLP/JSON exports stored by `fnguard collector`.
# Node.js and the pinned packages come from scripts/bootstrap.sh
# (scripts/npm-deps.sh); their absence is a failure, not a skip.
set -uo pipefail
BUILD=${1:?build dir}
SRC=${2:?source dir}
BUILD=$(cd "$BUILD" && pwd)
SRC=$(cd "$SRC" && pwd)
DIR="$SRC/tests/conformance"

missing() {
  echo "FAIL: $1; run scripts/bootstrap.sh (it calls scripts/npm-deps.sh)" >&2
  echo "0 passed, 1 failed"
  exit 1
}
command -v node >/dev/null 2>&1 || missing "node is not installed"
[ -x "$BUILD/fnguard" ] || missing "$BUILD/fnguard is not built"
for pkg in @opentelemetry/otlp-transformer @opentelemetry/sdk-logs @opentelemetry/exporter-logs-otlp-proto \
  @opentelemetry/exporter-logs-otlp-http; do
  (cd "$DIR" && node -e "require.resolve('$pkg/package.json')" 2>/dev/null) ||
    missing "npm package $pkg is not installed in tests/conformance/node_modules"
done
stamp="$DIR/node_modules/.fnguard-lock.sha256"
if [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum "$DIR/package-lock.json" | cut -d' ' -f1)" ]; then
  missing "tests/conformance/node_modules does not match package-lock.json"
fi

cd "$DIR" && exec node --test-reporter=spec otlp_conformance.test.js "$BUILD" "$SRC"
