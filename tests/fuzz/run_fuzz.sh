#!/usr/bin/env bash
# Bounded libFuzzer run for ctest: every regression input once, then SECONDS of fuzzing from a
# temporary copy of the seed corpus. A finding fails the test and is kept in
# $FUZZ_ARTIFACTS (default: ./fuzz-artifacts under the current build directory).
# Usage: run_fuzz.sh FUZZER FUZZ_DIR SECONDS [libFuzzer flags...]
set -euo pipefail
fuzzer=$1
dir=$2
seconds=$3
shift 3
name=$(basename "$fuzzer")
artifacts=${FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}/$name
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

common=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -dict="$dir/resp.dict"
        -artifact_prefix="$artifacts/" "$@")

regressions=()
if [ -d "$dir/regressions/$name" ]; then
  while IFS= read -r -d '' f; do regressions+=("$f"); done \
    < <(find "$dir/regressions/$name" -type f ! -name '.*' -print0 | sort -z)
fi
if [ ${#regressions[@]} -gt 0 ]; then
  echo "== $name: ${#regressions[@]} regression inputs"
  "$fuzzer" "${common[@]}" "${regressions[@]}"
fi

mkdir -p "$work/corpus"
cp -R "$dir/corpus/$name/." "$work/corpus/"
echo "== $name: fuzzing for ${seconds}s from $(find "$work/corpus" -type f | wc -l) seeds"
"$fuzzer" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 "$work/corpus"
