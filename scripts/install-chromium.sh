#!/bin/sh
# Installs Debian's chromium for the e2e tests when /usr/bin/chromium is
# missing, and prints its path. Fails loudly when it cannot.
# Usage: scripts/install-chromium.sh   (as root, or with sudo available)
set -eu
BIN=/usr/bin/chromium
if [ -x "$BIN" ]; then
	echo "$BIN"
	exit 0
fi
SUDO=
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "install-chromium: not root and no sudo: install chromium yourself" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update >&2 || ! $SUDO apt-get install -y --no-install-recommends chromium >&2; then
	echo "install-chromium: apt-get install chromium failed" >&2
	exit 1
fi
if ! "$BIN" --headless=new --version >&2; then
	echo "install-chromium: $BIN does not run after install" >&2
	exit 1
fi
echo "$BIN"
