#!/bin/sh
# Installs Cloudflare's workerd (npm package "workerd", which ships the
# binary in @cloudflare/workerd-linux-64) into .cache/npm (gitignored) when
# it is missing, and prints the path of the binary. Fails loudly otherwise.
# Usage: scripts/install-workerd.sh      (WORKERD_VERSION overrides the pin)
set -eu
exec sh "$(dirname "$0")/install-npm-bin.sh" workerd "${WORKERD_VERSION:-1.20261117.1}" .cache/npm workerd
