#!/usr/bin/env bash
# One sanitizer sub-build as a test: configures the same source tree into its own build directory
# with HASHKV_SANITIZE, builds it and runs its tests there, so a sanitizer finding fails this test.
#
#   run.sh SOURCE_DIR BUILD_DIR CMAKE_ARGS... --build TARGET... --run ctest CTEST_ARGS...
#   run.sh SOURCE_DIR BUILD_DIR CMAKE_ARGS... --build TARGET... --run gtest BINARY...
#
# --build all builds everything. `--run ctest` runs the sub-build's ctest with CTEST_ARGS;
# `--run gtest` runs each named test binary of the sub-build directly, in shards at once.
# The sanitizer options below are defaults: set ASAN_OPTIONS etc. to override them by hand.
# HASHKV_SANITIZE_JOBS (default 2) is the build's and the tests' parallelism.
set -euo pipefail

[ $# -ge 2 ] || {
  echo "usage: run.sh SOURCE_DIR BUILD_DIR CMAKE_ARGS... --build TARGET... --run ..."
  exit 2
}
src=$1
build=$2
shift 2
cmake_args=() targets=() run=()
mode=cmake
for a in "$@"; do
  case "$mode:$a" in
    *:--build) mode=build ;;
    *:--run) mode=run ;;
    cmake:*) cmake_args+=("$a") ;;
    build:*) targets+=("$a") ;;
    run:*) run+=("$a") ;;
  esac
done
[ ${#run[@]} -ge 1 ] || { echo "run.sh: nothing to --run"; exit 2; }
jobs=${HASHKV_SANITIZE_JOBS:-2}
cmake=${CMAKE:-cmake}
ctest=${CTEST:-ctest}

# Findings abort the process (so gtest and ctest see a crash), with a symbolized stack. LSan runs
# at exit of every process under ASan.
asan=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-$asan:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
# The sanitizers look for llvm-symbolizer on PATH; Debian's llvm-14 keeps it here too.
export PATH="$PATH:/usr/lib/llvm-14/bin"

elapsed() { echo "$(($(date +%s) - $1)) s"; }

mkdir -p "$build"
t0=$(date +%s)
echo "== configure $build: ${cmake_args[*]}"
"$cmake" -S "$src" -B "$build" "${cmake_args[@]}" >"$build/run-configure.log" 2>&1 ||
  { cat "$build/run-configure.log"; echo "run.sh: configure failed"; exit 1; }
echo "   configured in $(elapsed "$t0")"

t1=$(date +%s)
build_args=()
[ "${targets[*]}" = "all" ] || build_args=(--target "${targets[@]}")
echo "== build (-j$jobs): ${targets[*]}"
# Only the failing part of a long build log is worth printing.
if ! "$cmake" --build "$build" -j"$jobs" "${build_args[@]}" >"$build/run-build.log" 2>&1; then
  grep -E -B2 -A20 'FAILED:|error:' "$build/run-build.log" | head -200
  echo "run.sh: build failed (whole log: $build/run-build.log)"
  exit 1
fi
echo "   built in $(elapsed "$t1")"

# Every sanitized process, the hashkv-servers the tests start included (their stderr goes to logs
# the tests delete, and their exit status is not checked), writes its report to a file here:
# the run fails if any exists. That is how a leak found at a server's exit is seen.
reports="$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
for v in ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS; do
  export "$v=${!v}:log_path=$reports/report"
done

t2=$(date +%s)
status=0
case "${run[0]}" in
  ctest)
    echo "== ctest -j$jobs ${run[*]:1}"
    "$ctest" --test-dir "$build" -j"$jobs" --output-on-failure "${run[@]:1}" || status=$?
    ;;
  gtest)
    # Each binary in $jobs shards at once, each shard a process with its own reports; a shard
    # that hangs is stopped after 5 minutes.
    export HASHKV_SERVER="$build/hashkv-server"
    for bin in "${run[@]:1}"; do
      echo "== $bin ($jobs shards)"
      pids=()
      for ((shard = 0; shard < jobs; shard++)); do
        GTEST_TOTAL_SHARDS=$jobs GTEST_SHARD_INDEX=$shard timeout -k 10 300 \
          "$build/tests/$bin" --gtest_brief=1 >"$build/$bin.shard$shard.log" 2>&1 &
        pids+=($!)
      done
      for ((shard = 0; shard < jobs; shard++)); do
        if wait "${pids[$shard]}"; then
          tail -n 1 "$build/$bin.shard$shard.log"
        else
          status=1
          cat "$build/$bin.shard$shard.log"
          echo "run.sh: $bin shard $shard failed"
        fi
      done
    done
    ;;
  *)
    echo "run.sh: unknown --run ${run[0]} (ctest or gtest)"
    exit 2
    ;;
esac
echo "   tests ran in $(elapsed "$t2"); total $(elapsed "$t0")"
count=0
while IFS= read -r f; do
  count=$((count + 1))
  echo "==== sanitizer report $(basename "$f") (the process id is its suffix)"
  head -n 80 "$f"
done < <(find "$reports" -type f | sort)
if [ "$count" -gt 0 ]; then
  status=1
  echo "run.sh: $count sanitizer report(s), kept in $reports"
fi
exit $status
