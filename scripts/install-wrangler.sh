#!/bin/sh
# Installs Cloudflare's wrangler (npm) into .cache/wrangler (gitignored)
# when it is missing, and prints the path of its binary. Fails loudly
# otherwise. wrangler 3.114 runs on node 20 (wrangler 4 needs node >= 22).
# Usage: scripts/install-wrangler.sh      (WRANGLER_VERSION overrides the pin)
set -eu
cd "$(dirname "$0")/.."
VERSION=${WRANGLER_VERSION:-3.114.17}
PREFIX=$(pwd)/.cache/wrangler
BIN=$PREFIX/node_modules/.bin/wrangler
if [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; then
	echo "$BIN"
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	echo "install-wrangler: npm not found (apt-get install -y npm, or install node)" >&2
	exit 1
fi
mkdir -p "$PREFIX"
if ! npm install --prefix "$PREFIX" --no-audit --no-fund --no-save --loglevel=error "wrangler@$VERSION" >&2; then
	echo "install-wrangler: npm install wrangler@$VERSION failed" >&2
	exit 1
fi
if ! "$BIN" --version >&2; then
	echo "install-wrangler: $BIN does not run after install" >&2
	exit 1
fi
echo "$BIN"
