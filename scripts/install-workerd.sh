#!/bin/sh
# Installs Cloudflare's workerd (npm package "workerd", which ships the
# binary in @cloudflare/workerd-linux-64) into .cache/npm (gitignored) when
# it is missing, and prints the path of the binary. Fails loudly otherwise.
# Usage: scripts/install-workerd.sh      (WORKERD_VERSION overrides the pin)
set -eu
cd "$(dirname "$0")/.."
VERSION=${WORKERD_VERSION:-1.20261117.1}
PREFIX=$(pwd)/.cache/npm
BIN=$PREFIX/node_modules/.bin/workerd
if [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; then
	echo "$BIN"
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	echo "install-workerd: npm not found (apt-get install -y npm, or install node)" >&2
	exit 1
fi
mkdir -p "$PREFIX"
if ! npm install --prefix "$PREFIX" --no-audit --no-fund --no-save --loglevel=error "workerd@$VERSION" >&2; then
	echo "install-workerd: npm install workerd@$VERSION failed" >&2
	exit 1
fi
if ! "$BIN" --version >&2; then
	echo "install-workerd: $BIN does not run after install" >&2
	exit 1
fi
echo "$BIN"
