#!/usr/bin/env bash
# Instruction counts per request, by command, under callgrind: repeatable where timings are not.
#
#   bench/profile.sh [HASHKV_SERVER_BINARY] [OUT_DIR]
#
# Starts the server under valgrind --tool=callgrind, loads 100,000 hashes of 10 fields (the
# bench's "hashes" shape), then runs redis-benchmark (-c 50 -P 16 -r 100000, 100,000 requests)
# for HSET, HGET and HGETSET on random keys and fields, zeroing the counters before and dumping
# them after each. Prints instructions (Ir) per request and each phase's top functions by
# inclusive cost (a mid-run dump leaves callgrind's self costs on the outermost frame). The default binary is build-bench/hashkv-server (bench/run.sh
# builds it); a RelWithDebInfo build gives source lines. Needs valgrind, redis-cli and
# redis-benchmark. Takes about a minute.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build-bench/hashkv-server}
out=${2:-$(mktemp -d /tmp/hashkv-profile.XXXXXX)}
requests=100000
[ -x "$bin" ] || { echo "bench/profile.sh: no server binary at $bin (run bench/run.sh first)" >&2; exit 2; }
for tool in valgrind callgrind_control callgrind_annotate redis-cli redis-benchmark python3; do
  command -v "$tool" >/dev/null || { echo "bench/profile.sh: $tool is missing" >&2; exit 2; }
done
mkdir -p "$out"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.%p" "$bin" --port "$port" \
  >"$out/server.log" 2>&1 &
vg=$!
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; wait "$vg" 2>/dev/null || true' EXIT
for _ in $(seq 150); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done

python3 - <<'EOF' | redis-cli -p "$port" --pipe >/dev/null
import sys
out = sys.stdout.buffer
for k in range(100000):
    args = [b"HSET", b"key:%012d" % k]
    for j in range(10):
        args += [b"field:%012d" % ((k * 7 + j * 13331) % 100000), b"value"]
    out.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
EOF

phases=(HSET HGET HGETSET)
for cmd in "${phases[@]}"; do
  args=("$cmd" 'key:__rand_int__' 'field:__rand_int__')
  [ "$cmd" = HGET ] || args+=(value)
  callgrind_control -z "$vg" >/dev/null
  redis-benchmark -p "$port" -n "$requests" -c 50 -P 16 -q -r 100000 "${args[@]}" >/dev/null
  callgrind_control -d "$cmd" "$vg" >/dev/null
done
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
wait "$vg" 2>/dev/null || true
trap - EXIT

# callgrind_control -d numbers the dumps .1, .2, ... in the order taken.
i=0
for cmd in "${phases[@]}"; do
  i=$((i + 1))
  file=$(ls "$out"/callgrind.*."$i")
  total=$(sed -n 's/^summary: //p' "$file")
  echo "== $cmd: $((total / requests)) Ir per request ($file)"
  echo "-- top inclusive (Ir per request, function)"
  # One line per function: callgrind lists some twice (by absolute and relative source path).
  callgrind_annotate --inclusive=yes "$file" 2>/dev/null | grep -E '^ *[0-9,]+ \(' |
    grep -v '=>' | sed -E 's/^ *([0-9,]+) \([^)]*\) +[^ ]*:((hashkv|std|__|_int|malloc|free|operator)[^[]*).*/\1 \2/' |
    grep -E '^[0-9,]+ (hashkv::|std::_Hash|_int_|malloc|free|operator|__mem)' |
    awk -v n="$requests" '{c=$1; gsub(",", "", c); $1=""; f=substr($0, 2, 110);
      if (!seen[f]++ && shown++ < 25) printf "%7d %s\n", c / n, f}'
done
