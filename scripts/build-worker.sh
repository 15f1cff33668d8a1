#!/bin/sh
# Builds the Cloudflare Worker into edge/build/ (gitignored):
#   edge/build/wasm_exec.js  syumai's Go wasm_exec (workers-assets-gen -mode=go)
#   edge/build/runtime.mjs   syumai's runtime shim (unused by our glue, kept for reference)
#   edge/build/app.wasm      the Go worker (GOOS=js GOARCH=wasm, standard Go)
#   edge/build/worker.mjs    our glue (edge/worker/glue/worker.mjs): one Go runtime per isolate
# Prints the gzip -9 size of app.wasm (Cloudflare's limit is on the compressed upload).
# Usage: scripts/build-worker.sh [OUTDIR [PACKAGE]]   (defaults: edge/build ./edge/worker)
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-edge/build}
PKG=${2:-./edge/worker}
# workers-assets-gen deletes its output folder first: run it before go build.
go tool workers-assets-gen -mode=go -o "$OUT"
GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$OUT/app.wasm" "$PKG"
cp edge/worker/glue/*.mjs "$OUT/"
raw=$(wc -c <"$OUT/app.wasm")
gz=$(gzip -9 -c "$OUT/app.wasm" | wc -c)
echo "worker: $OUT/app.wasm $raw bytes, gzip -9 $gz bytes" >&2
if [ "$gz" -gt 3145728 ]; then
	echo "worker: gzip size $gz exceeds the 3 MB target" >&2
	exit 1
fi
