#!/usr/bin/env bash
# Installs every system package that fnguard's build, tests and demo need.
# Idempotent: does nothing when all packages are already present.
# Also installs the npm packages of the OTLP conformance test and of the
# realistic-traffic generator (scripts/npm-deps.sh).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config make
  clang libclang-rt-14-dev
  libsimdjson-dev libre2-dev libabsl-dev
  libprotobuf-dev protobuf-compiler
  libyaml-cpp-dev
  libcurl4-openssl-dev libssl-dev openssl zlib1g-dev libbrotli-dev libzstd-dev
  libcpp-httplib-dev libsqlite3-dev libseccomp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 ca-certificates
  libmodsecurity-dev modsecurity-crs
  libvectorscan-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The OTLP conformance test's Node.js packages (not in a tree without the
# tests, such as the container build, which copies this script alone).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$ROOT/tests/conformance/package.json" ]; then
  bash "$ROOT/scripts/npm-deps.sh" tests/conformance
fi
if [ -f "$ROOT/scripts/traffic/package.json" ]; then
  bash "$ROOT/scripts/npm-deps.sh" scripts/traffic
fi
