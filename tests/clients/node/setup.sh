#!/usr/bin/env bash
# The Node client tests' fixture: installs the pinned libraries (package-lock.json) into
# node_modules with npm ci, from the npm registry. No network or no npm is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")"
for tool in node npm; do
  command -v "$tool" >/dev/null ||
    { echo "$tool is not installed: run .ci/install-deps (it installs nodejs and npm)"; exit 1; }
done
echo "node $(node --version), npm $(npm --version)"
# Two build trees testing at once share this node_modules; npm ci deletes it first, so take turns.
if ! flock "${TMPDIR:-/tmp}/hashkv-clients-npm-ci.lock" \
  npm ci --no-audit --no-fund --loglevel=error; then
  echo "npm ci failed: the Node client tests need registry.npmjs.org (see the output above)"
  exit 1
fi
echo "installed: $(npm ls --depth=0 2>/dev/null | tail -n +2 | sed "s/^[^a-z@]*//" | paste -sd " ")"
