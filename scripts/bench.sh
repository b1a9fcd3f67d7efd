#!/usr/bin/env bash
# Regenerates the benchmark table: builds `charon` and the benchmark driver, makes (or reuses) the
# dataset with promtool, runs Charon against Prometheus on the same blocks and writes the result
# with the machine it ran on.
#
#   scripts/bench.sh [--size tiny|default|large] [--build DIR] [--out FILE] [-- driver flags...]
#
# Sizes (one promtool call per 2h window; the window's OpenMetrics file is written, converted and
# deleted, so disk and memory are bounded by one window):
#   tiny     2 blocks,  1.5k series per block, ~2.2k distinct; about 20 s to build
#   default  6 blocks,  47k series per block, 205k distinct (pods churn); 4.4 GB of text and about
#            5.3 GB peak promtool RSS per window (the input file is memory-mapped), ~10 min
#   large    8 blocks, 183k series per block, ~1.05M distinct; about 17 GB of text per window;
#            promtool's memory grows with the window's series and text (not run here)
# The default size writes bench/RESULTS.md; other sizes write <build>/RESULTS-<size>.md unless
# --out is given. The dataset is cached under $CHARON_BENCH_CACHE (default <build>/bench-cache),
# keyed by generator version and size. Driver flags: see `<build>/bench/charon_bench --help`
# (e.g. -- --seconds 5 --clients 1,8 --rows broad,medium --no-cold).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=default
build="$root/build"
out=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--size tiny|default|large] [--build DIR] [--out FILE] [-- driver flags]" >&2; exit 2 ;;
  esac
done
if [ -z "$out" ]; then
  if [ "$size" = default ]; then out="$root/bench/RESULTS.md"; else out="$build/RESULTS-$size.md"; fi
fi

echo "== build ($build)" >&2
cmake -S "$root" -B "$build" -G Ninja >/dev/null
ninja -C "$build" -j"${JOBS:-2}" charon charon_bench charon_remote_read_bench >&2

export CHARON_BENCH_CACHE="${CHARON_BENCH_CACHE:-$build/bench-cache}"
tables=$(mktemp)
remote_read=$(mktemp)
trap 'rm -f "$tables" "$remote_read"' EXIT
echo "== run (size $size; dataset cache $CHARON_BENCH_CACHE)" >&2
rc=0
"$build/bench/charon_bench" --size "$size" --charon-binary "$build/src/cmd/charon/charon" \
  --work-dir "$build/bench-work" "${extra[@]}" >"$tables" || rc=$?
if [ "$rc" -ge 2 ]; then
  echo "benchmark failed (exit $rc)" >&2
  exit "$rc"
fi
# Remote read from Charon against remote read from Prometheus, both response types (its own
# section; a WRONG row there makes the exit status 1 as well).
echo "== remote read" >&2
"$build/bench/charon_remote_read_bench" --size "$size" \
  --charon-binary "$build/src/cmd/charon/charon" --work-dir "$build/bench-work-remote-read" \
  >"$remote_read" || rr=$?
if [ "${rr:-0}" -eq 1 ]; then rc=1; fi
if [ "${rr:-0}" -ge 2 ]; then echo "remote-read benchmark failed (exit $rr)" >&2; fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo)
prom=$(prometheus --version 2>&1 | head -1)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
{
  echo "# Charon vs Prometheus: benchmark results"
  echo
  echo "Regenerate with \`scripts/bench.sh --size $size\` (this file is its output; the profile and"
  echo "the hot spots are in [PROFILE.md](PROFILE.md))."
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $commit$dirty"
  echo "- Machine: $(nproc) CPUs ($cpu), $mem memory, Linux $(uname -r)"
  build_type=$(grep -m1 '^CMAKE_BUILD_TYPE:' "$build/CMakeCache.txt" | cut -d= -f2)
  echo "- Prometheus: $prom; Charon built ${build_type:-RelWithDebInfo} (-O2 -g)"
  echo "- Client and both servers share the machine: on few cores the client's CPU competes with"
  echo "  the server's (see the client overhead table)."
  echo
  cat "$tables"
  if [ -s "$remote_read" ]; then
    echo
    cat "$remote_read"
  fi
  if [ "$rc" -eq 1 ]; then
    echo
    echo "**At least one row is WRONG: the two systems disagreed on its count.**"
  fi
} >"$out"
echo "wrote $out" >&2
exit "$rc"
