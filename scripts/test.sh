#!/usr/bin/env bash
# Installs dependencies, checks formatting, library dependencies and naming, builds Charon and runs every test: unit and
# end-to-end tests (CTest), the sanitizer build of the unit tests, and a short libFuzzer run of each
# fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/install-deps.sh

# Compiler cache: keys relative to the checkout, so any clone of the tree reuses earlier builds.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)

# CI (CI=true) builds with warnings as errors.
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON

echo "== format, library dependencies"
scripts/check_format.sh
scripts/check_deps.py

echo "== build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHARON_WERROR="$werror" "${launcher[@]}" >/dev/null
ninja -C build -j"$jobs"

echo "== tidy (naming)"
scripts/check_tidy.sh build

echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 900

echo "== ASan/UBSan: every test again under the sanitizers"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCHARON_SANITIZE=ON -DCHARON_BENCH=OFF \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >/dev/null
ninja -C build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 900

echo "== fuzz (short runs)"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHARON_FUZZ=ON -DCHARON_BENCH=OFF \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >/dev/null
fuzzers=$(find fuzz -name '*_fuzz.cc' -printf '%f\n' 2>/dev/null | sed 's/\.cc$//' | sort)
if [ -n "$fuzzers" ]; then
  ninja -C build-fuzz -j"$jobs" $fuzzers
  for f in $fuzzers; do
    corpus="fuzz/corpus/${f%_fuzz}"
    mkdir -p "build-fuzz/corpus-$f"
    [ -d "$corpus" ] && cp -r "$corpus"/. "build-fuzz/corpus-$f"/
    echo "-- $f"
    "build-fuzz/fuzz/$f" -max_total_time="${CHARON_FUZZ_SECONDS:-20}" -rss_limit_mb=2048 \
      "build-fuzz/corpus-$f" 2>&1 | tail -n 2
  done
fi
echo "== all tests passed"
