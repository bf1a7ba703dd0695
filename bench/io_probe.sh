#!/usr/bin/env bash
# What the I/O model alone costs per request: bench/io_probe/io_probe.cc's bare responders
# (epoll as Redis's loop, io_uring, io_uring with deferred task work) beside redis-server and
# hashkv-server, all answering HGET of a missing key to redis-benchmark, alternately round by
# round, with each server's CPU time per request from /proc/PID/stat. Needs liburing-dev.
#
#   bench/io_probe.sh [--hashkv-bin PATH] [--rounds N] [--pipeline P] [--requests N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hashkv_bin=$root/build-bench/hashkv-server
rounds=3 pipeline=1 requests=200000
while [ $# -gt 0 ]; do
  case $1 in
    --hashkv-bin) hashkv_bin=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --pipeline) pipeline=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    *) sed -n '2,7p' "$0"; exit 2 ;;
  esac
done
[ -f /usr/include/liburing.h ] || { echo "io_probe.sh: needs liburing-dev (apt-get install liburing-dev)" >&2; exit 1; }
[ -x "$hashkv_bin" ] || { echo "io_probe.sh: no $hashkv_bin (bench/run.sh builds it)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
c++ -O2 -std=c++20 "$root/bench/io_probe/io_probe.cc" -o "$work/io_probe" -luring

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
declare -A port pid
for mode in epoll uring uring-defer; do
  "$work/io_probe" "$mode" >"$work/$mode.port" &
  pid[$mode]=$!
  pids+=($!)
done
port[redis]=$(free_port)
redis-server --port "${port[redis]}" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
pid[redis]=$!
pids+=($!)
port[hashkv]=$(free_port)
"$hashkv_bin" --port "${port[hashkv]}" >/dev/null 2>&1 &
pid[hashkv]=$!
pids+=($!)
sleep 0.5
for mode in epoll uring uring-defer; do port[$mode]=$(cat "$work/$mode.port"); done

servers=(epoll uring uring-defer redis hashkv)
declare -A cpu_ns rps
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for round in $(seq "$rounds"); do
  for s in "${servers[@]}"; do
    before=$(cpu_ticks "${pid[$s]}")
    line=$(redis-benchmark -p "${port[$s]}" -c 50 -n "$requests" -P "$pipeline" -r 100000 -q \
      HGET 'h:__rand_int__' f 2>&1 | tr '\r' '\n' | grep -a 'requests per second' | tail -1)
    after=$(cpu_ticks "${pid[$s]}")
    cpu_ns[$s]+="$(( (after - before) * 1000000000 / ticks / requests )) "
    rps[$s]+="$(echo "$line" | awk '{for (i = 2; i <= NF; i++) if ($i == "requests") print int($(i - 1))}') "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
redis_cpu=$(echo "${cpu_ns[redis]}" | median)
printf 'HGET of a missing key, -c 50 -P %s, %s requests, median of %s rounds\n' "$pipeline" "$requests" "$rounds"
printf '%-12s %12s %14s %10s\n' server 'req/s' 'CPU ns/req' '/ redis'
for s in "${servers[@]}"; do
  c=$(echo "${cpu_ns[$s]}" | median)
  printf '%-12s %12s %14s %10s\n' "$s" "$(echo "${rps[$s]}" | median)" "$c" \
    "$(awk -v a="$c" -v b="$redis_cpu" 'BEGIN {printf "%.2f", a / b}')"
done
