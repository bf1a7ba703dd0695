#!/usr/bin/env bash
# The benchmark's one command: builds hashkv-server in Release (build-bench/), then runs
# bench/bench.py, which compares it with redis-server side by side and writes bench/results/.
#
#   bench/run.sh [--quick] [--hashkv-bin PATH] [bench.py options...]
#
#   --quick            the CI-sized guard (a few seconds); exit 1 only on a gross regression
#   --hashkv-bin PATH  benchmark this binary instead of building build-bench/hashkv-server
#   --help             every option (bench.py's too)
# Environment: HASHKV_BENCH_BUILD_DIR (default build-bench), HASHKV_BENCH_JOBS (default 2).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

die() {
  echo "bench/run.sh: $*" >&2
  exit 2
}

hashkv_bin=""
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --hashkv-bin)
      [ $# -ge 2 ] || die "--hashkv-bin needs a path"
      hashkv_bin=$2
      shift 2
      ;;
    --hashkv-bin=*)
      hashkv_bin=${1#--hashkv-bin=}
      shift
      ;;
    -h | --help)
      sed -n '2,10s/^# \{0,1\}//p' "$0"
      echo
      args=(--help)
      break
      ;;
    *)
      args+=("$1")
      shift
      ;;
  esac
done

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3 || true)
[ -n "$python" ] || die "python3 not found (Debian: apt-get install python3)"
if [ "${args[0]:-}" = "--help" ]; then
  exec "$python" "$root/bench/bench.py" --help
fi

# What the run needs; gnuplot only draws the PNG and is reported by bench.py when missing.
missing=()
for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  die "not found: ${missing[*]} (Debian packages redis-server and redis-tools;" \
    "./.ci/install-deps installs them)"
fi

if [ -z "$hashkv_bin" ]; then
  command -v cmake >/dev/null || die "cmake not found (./.ci/install-deps installs the build tools)"
  build=${HASHKV_BENCH_BUILD_DIR:-$root/build-bench}
  generator=()
  if [ ! -f "$build/CMakeCache.txt" ] && command -v ninja >/dev/null; then
    generator=(-G Ninja)
  fi
  echo "Building hashkv-server (Release) in $build"
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DHASHKV_BUILD_TESTS=OFF -DHASHKV_INSTALL=OFF >/dev/null
  cmake --build "$build" -j "${HASHKV_BENCH_JOBS:-2}" --target hashkv-server
  hashkv_bin=$build/hashkv-server
fi
[ -x "$hashkv_bin" ] || die "hashkv-server not found at $hashkv_bin"

# bench.py stops its servers itself on exit, on SIGINT/SIGTERM/SIGHUP, and (through
# PR_SET_PDEATHSIG) even when it is killed; exec keeps the signals going straight to it.
exec "$python" "$root/bench/bench.py" --hashkv-bin "$hashkv_bin" "${args[@]}"
