#!/bin/sh
# Installs DuckDuckGo's autoconsent (npm, MPL-2.0), which the extension
# bundles to answer cookie banners, into .cache/npm (gitignored) when it is
# missing, and prints the package folder. Fails loudly otherwise: the
# extension is never built without it.
# Usage: scripts/install-autoconsent.sh   (AUTOCONSENT_VERSION overrides the pin)
set -eu
cd "$(dirname "$0")/.."
VERSION=${AUTOCONSENT_VERSION:-16.23.0}
PREFIX=$(pwd)/.cache/npm
DIR=$PREFIX/node_modules/@duckduckgo/autoconsent
if [ -f "$DIR/dist/autoconsent.esm.js" ] && grep -q "\"version\": \"$VERSION\"" "$DIR/package.json"; then
	echo "$DIR"
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	echo "install autoconsent: npm not found (apt-get install -y npm, or install node)" >&2
	exit 1
fi
mkdir -p "$PREFIX"
if ! npm install --prefix "$PREFIX" --no-audit --no-fund --no-save --loglevel=error "@duckduckgo/autoconsent@$VERSION" >&2; then
	echo "install autoconsent: npm install @duckduckgo/autoconsent@$VERSION failed" >&2
	exit 1
fi
if [ ! -f "$DIR/dist/autoconsent.esm.js" ]; then
	echo "install autoconsent: $DIR/dist/autoconsent.esm.js missing after install" >&2
	exit 1
fi
echo "$DIR"
