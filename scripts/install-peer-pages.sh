#!/bin/sh
# Installs the npm packages DuckDuckGo's privacy-test-pages server needs
# (../shared/peer/privacy-test-pages: its own `npm ci` fails here on git
# dependencies) into .cache/peer-pages (gitignored), and prints the
# node_modules folder to put in NODE_PATH. Nothing is written to ../shared.
# Fails loudly when npm or the install fails.
set -eu
cd "$(dirname "$0")/.."
PREFIX=$(pwd)/.cache/peer-pages
MODS=$PREFIX/node_modules
if [ -d "$MODS/express" ] && [ -d "$MODS/ws" ] && [ -d "$MODS/body-parser" ] && [ -d "$MODS/node-cache" ] && [ -d "$MODS/node-cmd" ]; then
	echo "$MODS"
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	echo "install-peer-pages: npm not found (apt-get install -y npm)" >&2
	exit 1
fi
mkdir -p "$PREFIX"
[ -f "$PREFIX/package.json" ] || echo '{"private":true}' > "$PREFIX/package.json"
if ! npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error \
	express@4.19.2 body-parser@2.2.1 node-cache@5.1.2 node-cmd@5.0.0 ws@8.19.0 >&2; then
	echo "install-peer-pages: npm install failed" >&2
	exit 1
fi
echo "$MODS"
