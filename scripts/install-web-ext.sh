#!/bin/sh
# Installs Mozilla's web-ext (npm) into .cache/web-ext (gitignored) when it
# is missing, and prints the path of its binary. Fails loudly otherwise.
# Usage: scripts/install-web-ext.sh   (WEB_EXT_VERSION overrides the pin)
set -eu
exec sh "$(dirname "$0")/install-npm-bin.sh" web-ext "${WEB_EXT_VERSION:-10.8.0}" .cache/web-ext web-ext
