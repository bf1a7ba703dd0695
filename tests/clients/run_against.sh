#!/usr/bin/env bash
# The client matrix's launcher: starts redis-server or hashkv-server on a free loopback port, runs
# one client test against it, and stops the server, so the same test code runs against both.
#
#   run_against.sh redis|hashkv COMMAND [ARGS...]
#
# In:  HASHKV_SERVER   the hashkv-server binary (for hashkv)
#      HGETSET_MODULE  the tutorial HGETSET module that redis-server loads (for redis), so raw
#                      HGETSET calls answer on both servers
#      HASHKV_EXTRA_ARGS  optional flags appended to hashkv-server's command line, split on
#                      spaces (e.g. "--enable-test-controls yes"), also on a restart
# Out, for COMMAND: REDIS_HOST, REDIS_PORT, REDIS_URL, CLIENTS_SERVER (redis|hashkv) and
#      CLIENTS_RESTART, a shell command that stops the server (SIGTERM) and starts it again on the
#      same port, returning once it accepts connections (for the reconnect tests).
# COMMAND's exit status is the result; the servers' logs are printed when it fails.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

die() {
  echo "run_against.sh: $*" >&2
  exit 2
}

# The process is gone, or a zombie (a restarted server is not our child, so we cannot reap it;
# a zombie has closed its sockets, which is all a restart needs).
gone() {
  [ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server PORT: starts $CLIENTS_SERVER (PORT 0 = any free port), records pid and port in the
# state directory, returns once the log says it is ready.
start_server() {
  local want=$1 log pid port=""
  local n
  n=$(($(cat "$CLIENTS_STATE/starts" 2>/dev/null || echo 0) + 1))
  echo "$n" >"$CLIENTS_STATE/starts"
  log="$CLIENTS_STATE/server.$n.log"
  : >"$log"  # exists before the background job opens it, for the readiness loop below
  case "$CLIENTS_SERVER" in
    hashkv)
      local extra=()
      read -ra extra <<<"${HASHKV_EXTRA_ARGS:-}"
      "$HASHKV_SERVER" --port "$want" --bind 127.0.0.1 "${extra[@]}" >"$log" 2>&1 &
      pid=$!
      ;;
    redis)
      [ "$want" -ne 0 ] || want=$(free_port)
      redis-server --port "$want" --bind 127.0.0.1 --save '' --appendonly no \
        --dir "$CLIENTS_STATE" --loadmodule "$HGETSET_MODULE" >"$log" 2>&1 &
      pid=$!
      port=$want
      ;;
  esac
  echo "$pid" >"$CLIENTS_STATE/pid"
  for _ in $(seq 500); do
    if grep -q 'Ready to accept connections' "$log"; then
      [ -n "$port" ] || port=$(sed -n 's/.*Running mode=standalone, port=\([0-9]*\)\..*/\1/p' "$log")
      [ -n "$port" ] || die "no port in $log"
      echo "$port" >"$CLIENTS_STATE/port"
      return 0
    fi
    gone "$pid" && break
    sleep 0.02
  done
  cat "$log" >&2
  # Another test took the port between free_port and the bind: the caller may try another.
  grep -q 'Address already in use' "$log" && return 1
  die "$CLIENTS_SERVER did not start"
}

stop_server() {
  local pid
  pid=$(cat "$CLIENTS_STATE/pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 500); do
    gone "$pid" && return 0
    sleep 0.01
  done
  kill -KILL "$pid" 2>/dev/null || true
}

if [ "${1:-}" = "--restart" ]; then
  [ -n "${CLIENTS_STATE:-}" ] || die "--restart outside a run_against.sh run"
  stop_server
  start_server "$(cat "$CLIENTS_STATE/port")"
  exit 0
fi

[ $# -ge 2 ] || die "usage: run_against.sh redis|hashkv COMMAND [ARGS...]"
export CLIENTS_SERVER=$1
shift
case "$CLIENTS_SERVER" in
  hashkv) [ -x "${HASHKV_SERVER:-}" ] || die "HASHKV_SERVER must name the hashkv-server binary" ;;
  redis)
    command -v redis-server >/dev/null || die "redis-server is not installed (.ci/install-deps)"
    [ -f "${HGETSET_MODULE:-}" ] || die "HGETSET_MODULE must name the built HGETSET module"
    ;;
  *) die "unknown server '$CLIENTS_SERVER' (redis or hashkv)" ;;
esac

CLIENTS_STATE=$(mktemp -d "${TMPDIR:-/tmp}/hashkv-clients-$CLIENTS_SERVER.XXXXXX")
export CLIENTS_STATE
trap 'stop_server; rm -rf "$CLIENTS_STATE"' EXIT

for attempt in 1 2 3 4 5; do
  start_server 0 && break
  [ "$attempt" -lt 5 ] || die "no free port for $CLIENTS_SERVER"
done

REDIS_PORT=$(cat "$CLIENTS_STATE/port")
export REDIS_HOST=127.0.0.1 REDIS_PORT REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
export CLIENTS_RESTART="'$here/run_against.sh' --restart"

# In the background so that a TERM (a ctest timeout) runs the EXIT trap and stops the server.
"$@" &
child=$!
trap 'kill "$child" 2>/dev/null; exit 143' TERM INT HUP
status=0
wait "$child" || status=$?
if [ "$status" -ne 0 ]; then
  for log in "$CLIENTS_STATE"/server.*.log; do
    echo "---- $CLIENTS_SERVER log $(basename "$log") (last 20 lines)"
    tail -n 20 "$log"
  done
fi
exit "$status"
