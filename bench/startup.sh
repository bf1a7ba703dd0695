#!/bin/sh
# Start-to-first-PONG: the time from spawning the server to reading +PONG on a fresh connection,
# for hashkv-server and redis-server, alternating runs; prints min/median/p90 of each.
# Usage: bench/startup.sh [RUNS] [HASHKV_BINARY] [REDIS_BINARY]
#   e.g. bench/startup.sh 50 build/hashkv-server /usr/bin/redis-server
set -eu
RUNS=${1:-50}
HASHKV=${2:-$(dirname "$0")/../build/hashkv-server}
REDIS=${3:-$(command -v redis-server || echo /usr/bin/redis-server)}
exec python3 - "$RUNS" "$HASHKV" "$REDIS" <<'PY'
import os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

runs = int(sys.argv[1])
hashkv, redis = os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
work = tempfile.mkdtemp(prefix="hashkv-bench-")

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def argv(name, port):
    if name == "hashkv":
        return [hashkv, "--port", str(port), "--loglevel", "warning"]
    return [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
            "no", "--daemonize", "no", "--loglevel", "warning", "--dir", work]

def one(name):
    port = free_port()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv(name, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         cwd=work)
    try:
        while True:
            if p.poll() is not None:
                sys.exit(f"{name} exited early with {p.returncode}")
            if time.perf_counter() - t0 > 10:
                sys.exit(f"{name} gave no PONG within 10 s")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"*1\r\n$4\r\nPING\r\n")
                    reply = b""
                    while not reply.endswith(b"\r\n"):
                        chunk = s.recv(64)
                        if not chunk:
                            break
                        reply += chunk
                    if reply == b"+PONG\r\n":
                        return (time.perf_counter() - t0) * 1000
            except OSError:
                time.sleep(0.0002)
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait()

times = {"hashkv": [], "redis-server": []}
for i in range(runs):
    order = ["hashkv", "redis-server"] if i % 2 == 0 else ["redis-server", "hashkv"]
    for name in order:
        times[name].append(one(name))
for name, t in times.items():
    t.sort()
    print(f"{name:13s} start-to-first-PONG over {runs} runs: median {statistics.median(t):.2f} ms"
          f"  min {t[0]:.2f} ms  p90 {t[int(0.9 * (len(t) - 1))]:.2f} ms")
shutil.rmtree(work, ignore_errors=True)
PY
