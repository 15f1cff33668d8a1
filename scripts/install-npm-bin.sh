#!/bin/sh
# Installs an npm package into a folder under .cache (gitignored) when its
# binary is missing or does not run, and prints the binary's path. Fails
# loudly otherwise. Used by install-workerd.sh and install-wrangler.sh.
# Usage: scripts/install-npm-bin.sh PACKAGE VERSION DIR BIN
#   e.g. scripts/install-npm-bin.sh workerd 1.20261117.1 .cache/npm workerd
set -eu
cd "$(dirname "$0")/.."
PKG=$1 VERSION=$2 PREFIX=$(pwd)/$3 NAME=$4
BIN=$PREFIX/node_modules/.bin/$NAME
if [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; then
	echo "$BIN"
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	echo "install $PKG: npm not found (apt-get install -y npm, or install node)" >&2
	exit 1
fi
mkdir -p "$PREFIX"
if ! npm install --prefix "$PREFIX" --no-audit --no-fund --no-save --loglevel=error "$PKG@$VERSION" >&2; then
	echo "install $PKG: npm install $PKG@$VERSION failed" >&2
	exit 1
fi
if ! "$BIN" --version >&2; then
	echo "install $PKG: $BIN does not run after install" >&2
	exit 1
fi
echo "$BIN"
