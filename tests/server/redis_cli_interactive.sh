#!/usr/bin/env bash
# redis-cli's interactive mode against hashkv, driven through a pseudo-terminal (tmux): the
# prompt appears with no error printed on start, hints come from COMMAND DOCS, and replies
# print as they do against Redis. Usage: redis_cli_interactive.sh HASHKV_SERVER_BINARY
set -euo pipefail
server_bin=$1
dir=$(mktemp -d)
session="hashkv-cli-$$"
cleanup() {
  tmux -L "$session" kill-server 2>/dev/null || true
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

"$server_bin" --port 0 >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 200); do
  port=$(sed -n 's/.*Running mode=standalone, port=\([0-9]*\)\..*/\1/p' "$dir/log")
  [ -n "$port" ] && grep -q 'Ready to accept connections' "$dir/log" && break
  sleep 0.02
done
[ -n "$port" ] || { echo "server did not start"; cat "$dir/log"; exit 1; }

screen() { tmux -L "$session" capture-pane -p -t "$session"; }
wait_for() {  # wait_for REGEX: until the screen shows it (2 s)
  for _ in $(seq 100); do
    screen | grep -qE "$1" && return 0
    sleep 0.02
  done
  echo "expected /$1/ on screen, got:"
  screen
  exit 1
}

tmux -L "$session" new-session -d -s "$session" -x 120 -y 30 "redis-cli -p $port"
wait_for "^127\.0\.0\.1:$port>"
# Nothing but the prompt: no "ERR", no failed HELLO, no help-integration complaint.
if screen | grep -vE "^127\.0\.0\.1:$port> *$|^ *$" | grep -q .; then
  echo "unexpected output at start:"
  screen
  exit 1
fi
# Typing a command name shows its argument hint, as redis-cli builds it from COMMAND DOCS.
tmux -L "$session" send-keys -t "$session" "HGETSET k f "
wait_for "HGETSET k f value"
tmux -L "$session" send-keys -t "$session" "v" Enter
wait_for '^\(nil\)$'
tmux -L "$session" send-keys -t "$session" "HGETSET k f w" Enter
wait_for '^"v"$'
tmux -L "$session" send-keys -t "$session" "HGETALL k" Enter
wait_for '^1\) "f"$'
wait_for '^2\) "w"$'
tmux -L "$session" send-keys -t "$session" "HGET k" Enter
wait_for "^\(error\) ERR wrong number of arguments for 'hget' command$"
echo "redis-cli interactive: OK"
