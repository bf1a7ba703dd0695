#!/usr/bin/env bash
# Runs a command against a fresh hashkv-server on a free port: ./with_hashkv.sh pytest -x
set -euo pipefail
log=$(mktemp)
hashkv-server --port 0 >"$log" 2>&1 &  # port 0: hashkv picks a free port and logs it
pid=$!
trap 'kill $pid; rm -f "$log"' EXIT
for _ in $(seq 250); do grep -q 'Ready to accept connections' "$log" && break; sleep 0.02; done
REDIS_PORT=$(sed -n 's/.*Running mode=standalone, port=\([0-9]*\)\..*/\1/p' "$log")
[ -n "$REDIS_PORT" ] || { cat "$log"; exit 1; }
export REDIS_PORT REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
"$@"
