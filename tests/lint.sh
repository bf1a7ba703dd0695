#!/usr/bin/env bash
# Style gates as tests: clang-format must leave every C++ file unchanged and clang-tidy (with
# the root .clang-tidy) must report nothing. Usage: tests/lint.sh SOURCE_DIR BUILD_DIR
# Boost 1.74's Asio detects C++20 coroutines for g++ only; the two defines tell it clang-tidy's
# clang 14 has them too.
set -uo pipefail
src=$1
build=$2
cd "$src" || exit 1
status=0
files=$(git ls-files '*.cc' '*.h' 2>/dev/null || find src include tests examples -name '*.cc' -o -name '*.h')
# Missing tools fail the gate rather than pass it unchecked (.ci/install-deps installs them).
for tool in clang-format clang-tidy; do
  command -v $tool >/dev/null || { echo "$tool is not installed (.ci/install-deps)"; exit 1; }
done
if ! echo "$files" | xargs clang-format --dry-run -Werror; then
  echo "clang-format: the files above need 'clang-format -i'"
  status=1
fi
if [ -f "$build/compile_commands.json" ]; then
  out=$(echo "$files" | grep -E '^src/.*\.cc$' | xargs -P2 -n4 clang-tidy -p "$build" --quiet \
    --extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 --extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE=1 2>/dev/null |
    grep -E 'warning:|error:')
  if [ -n "$out" ]; then
    echo "$out"
    status=1
  fi
fi
exit $status
