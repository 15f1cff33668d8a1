#!/bin/sh
# Installs Cloudflare's wrangler (npm) into .cache/wrangler (gitignored)
# when it is missing, and prints the path of its binary. Fails loudly
# otherwise. wrangler 3.114 runs on node 20 (wrangler 4 needs node >= 22).
# Usage: scripts/install-wrangler.sh      (WRANGLER_VERSION overrides the pin)
set -eu
exec sh "$(dirname "$0")/install-npm-bin.sh" wrangler "${WRANGLER_VERSION:-3.114.17}" .cache/wrangler wrangler
