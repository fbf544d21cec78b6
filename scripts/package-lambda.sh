#!/usr/bin/env bash
# Packages a custom-runtime function for upload as a self-contained zip that
# runs on the provided.al2023 (or provided.al2) runtime: the binary, every
# shared library it loads (libcurl, which libfnguard loads at first use,
# glibc and the dynamic loader included, so the build machine's glibc need
# not match the runtime's), the policy, and a `bootstrap` that starts the
# binary through the bundled loader.
#
#   scripts/package-lambda.sh BINARY POLICY OUT.zip
#   scripts/package-lambda.sh build/examples/hello/bootstrap examples/hello/policy.yaml build/hello.zip
#
# An OUT that does not end in .zip is a directory that receives the same
# tree unpacked (what the Dockerfile copies into the container image).
set -euo pipefail
BIN=${1:?usage: package-lambda.sh BINARY POLICY OUT.zip|OUT_DIR}
POLICY=${2:?policy file}
OUT=${3:?output zip}
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
chmod 755 "$STAGE"  # readable by the function's (non-root) user once unpacked
mkdir -p "$STAGE/bin" "$STAGE/lib"
name=$(basename "$BIN")
[ "$name" = bootstrap ] && name=function
cp "$BIN" "$STAGE/bin/$name"
cp "$POLICY" "$STAGE/policy.yaml"

# libfnguard loads libcurl at first use (dlopen), so ldd of the binary does
# not list it: the libcurl this machine's loader would give it
# (FNGUARD_LIBCURL if set, as at run time) is bundled as well. The
# bootstrap's --library-path is searched by dlopen too.
curl_lib=${FNGUARD_LIBCURL:-}
if [ -z "$curl_lib" ]; then
  curl_lib=$(python3 - libcurl.so.4 <<'PY'
import ctypes, os, sys
ctypes.CDLL(sys.argv[1])
for line in open("/proc/self/maps"):
    path = line.split()[-1]
    if os.path.basename(path).startswith(sys.argv[1]):
        print(path)
        break
PY
  ) || true
fi
if [ -z "$curl_lib" ] || [ ! -f "$curl_lib" ]; then
  echo "package-lambda.sh: libcurl.so.4 not found (install libcurl4, or set FNGUARD_LIBCURL)" >&2
  exit 2
fi
cp -L "$curl_lib" "$STAGE/lib/libcurl.so.4"
# Every library the dynamic loader resolves for the binary and for that
# libcurl, and the loader.
ldd "$BIN" "$curl_lib" | awk '/=> \// {print $3} /^\t\/.*ld-linux/ {print $1}' | sort -u |
  while read -r lib; do
    cp -L "$lib" "$STAGE/lib/"
  done
loader=$(basename "$(ldd "$BIN" | awk '/ld-linux/ {print ($3 ~ /^\// ? $3 : $1)}' | head -1)")
test -f "$STAGE/lib/$loader"
# Debug information stays out of the upload (symbols stay, for backtraces);
# a RelWithDebInfo libfnguard.so is mostly debug information.
if command -v strip >/dev/null; then
  chmod u+w "$STAGE/bin/$name" "$STAGE"/lib/*
  strip --strip-debug "$STAGE/bin/$name" "$STAGE"/lib/*
fi

cat >"$STAGE/bootstrap" <<SH
#!/bin/sh
# Starts the function with the libraries bundled next to it.
root=\${LAMBDA_TASK_ROOT:-\$(dirname "\$0")}
export FNGUARD_POLICY=\${FNGUARD_POLICY:-\$root/policy.yaml}
exec "\$root/lib/$loader" --library-path "\$root/lib" "\$root/bin/$name" "\$@"
SH
chmod 755 "$STAGE/bootstrap" "$STAGE/bin/$name"

if [ "${OUT%.zip}" = "$OUT" ]; then
  mkdir -p "$OUT"
  if [ -n "$(ls -A "$OUT")" ]; then
    echo "package-lambda.sh: $OUT is not empty" >&2
    exit 2
  fi
  cp -a "$STAGE/." "$OUT/"
  echo "$OUT: $(du -sh "$OUT" | cut -f1) unpacked, $(ls "$OUT/lib" | wc -l) libraries"
  exit 0
fi

mkdir -p "$(dirname "$OUT")"
python3 - "$STAGE" "$OUT" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(stage):
        for f in sorted(files):
            path = os.path.join(root, f)
            rel = os.path.relpath(path, stage)
            info = zipfile.ZipInfo(rel)
            info.external_attr = (os.stat(path).st_mode & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as fh:
                z.writestr(info, fh.read())
PY
echo "$OUT: $(du -h "$OUT" | cut -f1), $(ls "$STAGE/lib" | wc -l) libraries"
