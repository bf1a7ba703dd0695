#!/usr/bin/env bash
# redis-cli's interactive mode against the server run_against.sh started, driven through a
# pseudo-terminal (tmux): argument hints, replies, the (TX) prompt of a transaction, a WATCH
# conflict, a server restart (redis-cli reports it and reconnects on the next command) and the
# RESP3 (-3) formatting. The screens, with the port replaced by PORT, must equal
# interactive.expected, which is what redis-server 7.0.15 (with the tutorial HGETSET module)
# shows. Regenerate after checking a change against Redis:
#   run_against.sh redis tests/clients/redis_cli/interactive.sh --update
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v tmux >/dev/null || { echo "tmux is not installed (.ci/install-deps)"; exit 1; }
session="hashkv-clients-cli-$$"
# A tmux server of our own: with the shared default one, another test ending its last session
# shuts the server down under us ("server exited unexpectedly").
dir=$(mktemp -d)
tmux() { command tmux -S "$dir/tmux.sock" "$@"; }
out="$dir/transcript"
trap 'tmux kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT

screen() { tmux capture-pane -p -J -S - -t "$session"; }
prompts() { screen | grep -cE '^(127\.0\.0\.1:[0-9]+(\[[0-9]+\])?(\(TX\))?|not connected)> ' || true; }
last_line() { screen | sed '/^[[:space:]]*$/d' | tail -n 1; }

fail() {
  echo "$1; the screen:"
  screen
  exit 1
}

sessions=0
start() {  # start REDIS_CLI_ARGS...: a fresh session showing its first prompt
  # The new session exists before the old one goes: a tmux server left with no session exits,
  # and a new-session racing that exit fails.
  local old=$session
  sessions=$((sessions + 1))
  session="hashkv-clients-cli-$$-$sessions"
  tmux new-session -d -s "$session" -x 160 -y 50 \
    "REDISCLI_HISTFILE=/dev/null redis-cli -p $REDIS_PORT $*"
  tmux kill-session -t "=$old" 2>/dev/null || true  # "=": exact name, not a prefix
  for _ in $(seq 250); do
    [ "$(prompts)" -ge 1 ] && return 0
    sleep 0.02
  done
  fail "no prompt from redis-cli $*"
}

run() {  # run LINE: types LINE and Enter, returns once the next prompt shows
  local before
  before=$(prompts)
  tmux send-keys -t "$session" -l "$1"
  tmux send-keys -t "$session" Enter
  for _ in $(seq 250); do
    [ "$(prompts)" -gt "$before" ] && last_line | grep -qE '> $|>$' && return 0
    sleep 0.02
  done
  fail "no prompt after '$1'"
}

hint() {  # hint TEXT: types TEXT, records the line with redis-cli's hint, then clears it
  local line=""
  tmux send-keys -t "$session" -l "$1"
  for _ in $(seq 50); do
    line=$(last_line)
    # The hint is drawn after the typed text; wait until the line is longer than prompt+text.
    [[ "$line" == *"> $1"?* ]] && break
    sleep 0.02
  done
  echo "hint for '$1': ${line#*> }" >>"$out"
  tmux send-keys -t "$session" C-u
}

transcript() { screen | sed 's/[[:space:]]*$//' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >>"$out"; }

echo "== redis-cli -p PORT" >>"$out"
start
hint "HSET k "
hint "HGETALL "
hint "HRANDFIELD k "
hint "HINCRBYFLOAT k f "
run "HSET k f1 v1 f2 v2"
run "HGETALL k"
run "HGET k nope"
run "HGET k"
run "HINCRBYFLOAT k fl 1.5"
run "HRANDFIELD k 10 WITHVALUES"
run "HGETSET k f1 x"
run "HGETSET k f1 v1"
run "MULTI"
run "HINCRBY k n 1"
run "HGETSET k f2 z"
run "EXEC"
run "WATCH k"
redis-cli -p "$REDIS_PORT" HSET k f3 v3 >/dev/null  # another client changes the watched key
run "MULTI"
run "HSET k f1 lost"
run "EXEC"
run "HGETALL k"
eval "$CLIENTS_RESTART"
run "PING"  # the old connection is gone: redis-cli says so and shows "not connected>"
run "PING"  # and reconnects for the next command
run "HGETALL k"
transcript

echo "== redis-cli -3 -p PORT" >>"$out"
start -3
run "HSET k a 1 b 2"
run "HGETALL k"
run "HRANDFIELD k 10 WITHVALUES"
run "HGETSET k a x"
run "HGETSET k c y"
run "HGET k nope"
run "HINCRBYFLOAT k f 2.5"
run "CONFIG GET hash-max-listpack-value"
transcript

sed -i "s/127\.0\.0\.1:$REDIS_PORT/127.0.0.1:PORT/g" "$out"
if [ "${1:-}" = "--update" ]; then
  cp "$out" "$here/interactive.expected"
  echo "updated $here/interactive.expected"
  exit 0
fi
if ! diff -u "$here/interactive.expected" "$out"; then
  echo "redis-cli's screens against $CLIENTS_SERVER differ from redis-server's (- expected, + got)"
  exit 1
fi
echo "redis-cli interactive against $CLIENTS_SERVER: OK"
