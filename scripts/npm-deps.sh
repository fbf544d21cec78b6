#!/usr/bin/env bash
# Installs the Node.js packages of one directory of the repo: Node.js and npm
# (Debian's, when the machine has none), then the npm packages pinned by
# DIR/package-lock.json. Used for tests/conformance (the OTLP conformance
# test) and scripts/traffic (the realistic-traffic generator).
# Idempotent: does nothing when DIR/node_modules matches the lock file.
# Usage: scripts/npm-deps.sh DIR   (DIR relative to the repo root)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REL=${1:?usage: npm-deps.sh DIR}
DIR="$ROOT/$REL"

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "npm-deps: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

stamp="$DIR/node_modules/.fnguard-lock.sha256"
want=$(sha256sum "$DIR/package-lock.json" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "npm-deps: npm ci in $REL" >&2
(cd "$DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
