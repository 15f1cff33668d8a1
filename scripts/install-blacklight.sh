#!/bin/sh
# Installs The Markup's Blacklight collector (@themarkup/blacklight-collector
# 3.11.0) into .cache/blacklight (gitignored) without Puppeteer's own Chrome
# (PUPPETEER_SKIP_DOWNLOAD=1: it drives Debian's chromium), and prints the
# folder. Fails loudly otherwise.
# Usage: scripts/install-blacklight.sh   (BLACKLIGHT_VERSION overrides the pin)
set -eu
cd "$(dirname "$0")/.."
PREFIX=$(pwd)/.cache/blacklight
VERSION=${BLACKLIGHT_VERSION:-3.11.0}
if [ -f "$PREFIX/node_modules/@themarkup/blacklight-collector/package.json" ] &&
	node -e "process.exit(require('$PREFIX/node_modules/@themarkup/blacklight-collector/package.json').version==='$VERSION'?0:1)"; then
	echo "$PREFIX"
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	echo "install blacklight: npm not found (apt-get install -y npm)" >&2
	exit 1
fi
mkdir -p "$PREFIX"
[ -f "$PREFIX/package.json" ] || echo '{"private":true}' >"$PREFIX/package.json"
if ! PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error "@themarkup/blacklight-collector@$VERSION" >&2; then
	echo "install blacklight: npm install @themarkup/blacklight-collector@$VERSION failed" >&2
	exit 1
fi
echo "$PREFIX"
