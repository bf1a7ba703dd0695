#!/usr/bin/env bash
# redis-cli one-shot commands (non-interactive) against the server run_against.sh started, in
# RESP2 and RESP3 (-3), formatted (--no-raw) and raw, compared with oneshot.expected: the
# transcript redis-server 7.0.15 (with the tutorial HGETSET module) produces. Only deterministic
# commands: HRANDFIELD with a count covering the hash answers all of it, in insertion order.
# Regenerate after checking a change against Redis:
#   run_against.sh redis tests/clients/redis_cli/oneshot.sh --update
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

cli() {
  echo "\$ redis-cli $*"
  redis-cli -p "$REDIS_PORT" "$@" 2>&1
}

{
  cli FLUSHALL
  cli HSET h f1 v1 f2 v2 f3 v3
  cli HSET one f v
  for mode in "-2 --no-raw" "-3 --no-raw" "-3 --raw"; do
    # shellcheck disable=SC2086  # $mode is two flags
    {
      cli $mode HGETALL h
      cli $mode HGETALL nokey
      cli $mode HGETSET h f1 x
      cli $mode HGETSET h f1 v1
      cli $mode HGETSET h nf y
      cli $mode HDEL h nf
      cli $mode HGET h nope
      cli $mode HMGET h f1 nope f3
      cli $mode HRANDFIELD h 10
      cli $mode HRANDFIELD h 10 WITHVALUES
      cli $mode HRANDFIELD one -3 WITHVALUES
      cli $mode HRANDFIELD one
      cli $mode HRANDFIELD nokey
      cli $mode HRANDFIELD nokey 2 WITHVALUES
      cli $mode HINCRBYFLOAT h fl 1.5
      cli $mode HINCRBY h n 7
      cli $mode HDEL h fl n
      cli $mode HSCAN h 0
      cli $mode HEXISTS h f1
      cli $mode HKEYS h
      cli $mode CONFIG GET hash-max-listpack-entries
      cli $mode HGET h
      cli $mode HINCRBY h f1 1
    }
  done
} >"$out"

if [ "${1:-}" = "--update" ]; then
  cp "$out" "$here/oneshot.expected"
  echo "updated $here/oneshot.expected"
  exit 0
fi
if ! diff -u "$here/oneshot.expected" "$out"; then
  echo "redis-cli against $CLIENTS_SERVER differs from redis-server (- expected, + got)"
  exit 1
fi
echo "redis-cli $(redis-cli --version | cut -d' ' -f2) one-shot against $CLIENTS_SERVER: OK"
