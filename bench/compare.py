#!/usr/bin/env python3
"""Two hashkv-server binaries side by side on one workload: CPU per request, new / old.

  bench/compare.py OLD NEW [--workload hget_p16] [--pairs 6]

Both servers get the same data (the workload's group, as bench.py prepares it), then
redis-benchmark runs alternately on them, the order flipping every pair (old new, new old, ...),
and each pair gives new/old of the server's CPU per request (schedstat). Prints every pair and
the median. For judging a change to hashkv; bench/run.sh compares with redis-server.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--workload", default="hget_p16",
                    help="one of bench.py's workloads (hset_p1 ... hset_big_p16)")
    ap.add_argument("--pairs", type=int, default=6)
    args = ap.parse_args()
    wls = {w.name: w for w in bench.workloads(quick=False, scale=1.0)}
    if args.workload not in wls:
        raise bench.BenchError(f"unknown workload {args.workload}; there are {sorted(wls)}")
    wl = wls[args.workload]
    workdir = tempfile.mkdtemp(prefix="hashkv-compare-")
    try:
        servers = []
        for name, binary in (("old", args.old), ("new", args.new)):
            path = os.path.abspath(binary)
            argv = (lambda p: lambda port: [p, "--port", str(port), "--bind", "127.0.0.1",
                                            "--loglevel", "warning"])(path)
            servers.append(bench.Server(name, argv, workdir).start())
        bench.prepare_group(wl.group, servers, workdir, quick=False)
        cpu = {s.name: [] for s in servers}
        for pair in range(args.pairs):
            for srv in (servers if pair % 2 == 0 else servers[::-1]):
                cpu[srv.name].append(bench.run_benchmark(srv, wl, wl.command)["cpu_ns_per_req"])
            ratio = cpu["new"][-1] / cpu["old"][-1]
            print(f"pair {pair + 1}: old {cpu['old'][-1]:.0f} ns, new {cpu['new'][-1]:.0f} ns, "
                  f"new/old {ratio:.3f}", flush=True)
        ratios = [n / o for n, o in zip(cpu["new"], cpu["old"])]
        print(f"{wl.name}: CPU per request new/old, median of {args.pairs} pairs: "
              f"{statistics.median(ratios):.3f}")
        return 0
    finally:
        bench.shutdown_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except bench.BenchError as e:
        print(f"compare: error: {e}", file=sys.stderr)
        sys.exit(2)
