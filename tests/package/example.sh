#!/usr/bin/env bash
# Builds and runs examples/ the two ways an outside project takes hashkv in:
#   installed  `cmake --install BUILD_DIR` into a fresh prefix; the example, configured on its
#              own, finds it with find_package(hashkv CONFIG) through CMAKE_PREFIX_PATH.
#   subdir     a parent project (tests/package/subdir/) does add_subdirectory(hashkv) and
#              add_subdirectory(examples); hashkv is compiled from source, its tests left out.
# Usage: example.sh installed|subdir SOURCE_DIR BUILD_DIR WORK_DIR [cmake args for the example...]
# CMAKE and CTEST name the tools (default: from PATH).
set -euo pipefail
mode=$1 src=$2 build=$3 work=$4
shift 4
cmake=${CMAKE:-cmake}
ctest=${CTEST:-ctest}
rm -rf "$work"
mkdir -p "$work"
step() { echo "== $1 (${SECONDS}s)"; }
fail() {
  echo "FAIL: $*"
  exit 1
}

case $mode in
  installed)
    prefix=$work/prefix
    step "cmake --install $build --prefix $prefix"
    "$cmake" --install "$build" --prefix "$prefix"
    # Only the public headers are installed, and they include nothing but the standard library,
    # GoogleTest and each other: a user needs no Asio, spdlog or Abseil headers.
    (cd "$src/include" && find hashkv/server.h hashkv/testing -name '*.h' | sort) >"$work/want"
    (cd "$prefix/include" && find . -type f | sed 's|^\./||' | sort) >"$work/got"
    diff -u "$work/want" "$work/got" || fail "installed headers differ from the public ones"
    while read -r header; do
      while read -r _ name; do
        case $name in
          \<gtest/*\>) ;;
          \<*/*\> | \<*.*\>) fail "$header includes $name, which is not a standard header" ;;
          \<*\>) ;;
          \"hashkv/*\") [ -f "$prefix/include/${name//\"/}" ] ||
            fail "$header includes $name, which is not installed" ;;
          *) fail "$header includes $name" ;;
        esac
      done < <(grep -E '^#include' "$prefix/include/$header" || true)
    done <"$work/got"
    step "configure examples/ with CMAKE_PREFIX_PATH=$prefix"
    "$cmake" -S "$src/examples" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" "$@"
    grep -q "^hashkv_DIR:PATH=$prefix/" "$work/build/CMakeCache.txt" ||
      fail "find_package(hashkv) did not take the package just installed in $prefix"
    ;;
  subdir)
    step "configure a parent project doing add_subdirectory(hashkv) and add_subdirectory(examples)"
    "$cmake" -S "$src/tests/package/subdir" -B "$work/build" -DHASHKV_SOURCE_DIR="$src" "$@"
    ;;
  *) fail "unknown mode $mode" ;;
esac

step "build session_store_test"
"$cmake" --build "$work/build" -j2 --target session_store_test
step "ctest"
# A parent project gets the example's tests only: hashkv's own default to off there.
others=$("$ctest" --test-dir "$work/build" -N | sed -n 's/^ *Test *#[0-9]*: //p' |
  grep -v '^SessionStoreTest\.' || true)
[ -z "$others" ] || fail "tests other than the example's are registered: $others"
"$ctest" --test-dir "$work/build" --output-on-failure
step "done"
