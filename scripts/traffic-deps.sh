#!/usr/bin/env bash
# Installs what the realistic-traffic generator (scripts/traffic/generate.mjs)
# needs: Node.js and npm (Debian's, when the machine has none) and the npm
# packages pinned by scripts/traffic/package-lock.json.
# Idempotent: does nothing when node_modules matches the lock file.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR="$ROOT/scripts/traffic"

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "traffic-deps: installing ${missing[*]}" >&2
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
echo "traffic-deps: npm ci in scripts/traffic" >&2
(cd "$DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
