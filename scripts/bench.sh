#!/usr/bin/env bash
# Regenerates the benchmark table: builds `charon` and the benchmark driver, makes (or reuses) the
# dataset with promtool, runs Charon against Prometheus on the same blocks and writes the result
# with the machine it ran on.
#
#   scripts/bench.sh [--mode filesystem|remote] [--size tiny|small|default|large] [--build DIR]
#                    [--out FILE] [-- driver flags...]
#
# --mode filesystem (the default): Charon and Prometheus on the same blocks in a directory.
# --mode remote: Charon alone on copies of the blocks in an S3 server (s3rver) behind a proxy that
#   delays every request (20 ms, and 0 ms for reference) at 8, 64 and 256 blocks; it writes the
#   "Remote-like bucket" section at the end of bench/RESULTS.md (size small) and leaves the rest.
#   About 10 minutes; `--size tiny -- --remote-blocks 2,4` is a quick check.
#
# Sizes (one promtool call per 2h window; the window's OpenMetrics file is written, converted and
# deleted, so disk and memory are bounded by one window):
#   tiny     2 blocks,  1.5k series per block, ~2.2k distinct; about 20 s to build
#   small    2 blocks, the remote mode's default (a few MB per block, copied up to 256 times)
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
mode=filesystem
size=""
build="$root/build"
out=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--mode filesystem|remote] [--size tiny|small|default|large] [--build DIR] [--out FILE] [-- driver flags]" >&2; exit 2 ;;
  esac
done
case "$mode" in
  filesystem) default_size=default ;;
  remote) default_size=small ;;
  *) echo "unknown mode $mode (filesystem, remote)" >&2; exit 2 ;;
esac
size=${size:-$default_size}
results="$root/bench/RESULTS.md"
if [ -z "$out" ]; then
  if [ "$size" = "$default_size" ]; then out="$results"; else out="$build/RESULTS-$mode-$size.md"; fi
fi
# The remote mode's section ends the file; each mode rewrites only its own part.
section="## Remote-like bucket: S3 behind a fixed delay per request"

echo "== build ($build)" >&2
cmake -S "$root" -B "$build" -G Ninja >/dev/null
ninja -C "$build" -j"${JOBS:-2}" charon charon_bench charon_remote_read_bench >&2

export CHARON_BENCH_CACHE="${CHARON_BENCH_CACHE:-$build/bench-cache}"
tables=$(mktemp)
remote_read=$(mktemp)
trap 'rm -f "$tables" "$remote_read"' EXIT
echo "== run (size $size; dataset cache $CHARON_BENCH_CACHE)" >&2
rc=0
"$build/bench/charon_bench" --mode "$mode" --size "$size" --charon-binary "$build/src/cmd/charon/charon" \
  --work-dir "$build/bench-work" "${extra[@]}" >"$tables" || rc=$?
if [ "$rc" -ge 2 ]; then
  echo "benchmark failed (exit $rc)" >&2
  exit "$rc"
fi
if [ "$mode" = filesystem ]; then
  # Remote read from Charon against remote read from Prometheus, both response types (its own
  # section; a WRONG row there makes the exit status 1 as well).
  echo "== remote read" >&2
  "$build/bench/charon_remote_read_bench" --size "$size" \
    --charon-binary "$build/src/cmd/charon/charon" --work-dir "$build/bench-work-remote-read" \
    >"$remote_read" || rr=$?
  if [ "${rr:-0}" -eq 1 ]; then rc=1; fi
  if [ "${rr:-0}" -ge 2 ]; then echo "remote-read benchmark failed (exit $rr)" >&2; fi
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo)
prom=$(prometheus --version 2>&1 | head -1)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
machine() {
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $commit$dirty"
  echo "- Machine: $(nproc) CPUs ($cpu), $mem memory, Linux $(uname -r)"
  build_type=$(grep -m1 '^CMAKE_BUILD_TYPE:' "$build/CMakeCache.txt" | cut -d= -f2)
  echo "- Charon built ${build_type:-RelWithDebInfo} (-O2 -g)"
}
wrong_note() {
  if [ "$rc" -eq 1 ]; then
    echo
    echo "**At least one row is WRONG: the answers disagreed (see the check column).**"
  fi
}
# The part of `$1` before the remote section, and the section itself.
# (trailing blank lines dropped).
before_section() {
  [ -f "$1" ] && awk -v s="$section" '$0 == s {exit} /^$/ {blank++; next}
    {for (; blank > 0; blank--) print ""; print}' "$1" || true
}
the_section() { [ -f "$1" ] && awk -v s="$section" '$0 == s {p = 1} p {print}' "$1" || true; }
new=$(mktemp)
trap 'rm -f "$tables" "$remote_read" "$new"' EXIT
if [ "$mode" = remote ]; then
  {
    if [ "$out" = "$results" ] && [ -f "$out" ]; then
      before_section "$out"
      echo
    fi
    echo "$section"
    echo
    echo "Regenerate with \`scripts/bench.sh --mode remote --size $size\` (rewrites this section only)."
    echo
    machine
    echo "- The S3 server is s3rver $(cd "$root/tools/node" 2>/dev/null && node -p 'require("s3rver/package.json").version' 2>/dev/null || echo '?') on the same machine; Charon, the proxy and s3rver share its CPUs."
    echo
    cat "$tables"
    wrong_note
  } >"$new"
else
  {
    echo "# Charon vs Prometheus: benchmark results"
    echo
    echo "Regenerate with \`scripts/bench.sh --size $size\` (this file is its output; the profile and"
    echo "the hot spots are in [PROFILE.md](PROFILE.md))."
    echo
    machine
    echo "- Prometheus: $prom"
    echo "- Client and both servers share the machine: on few cores the client's CPU competes with"
    echo "  the server's (see the client overhead table)."
    echo
    cat "$tables"
    if [ -s "$remote_read" ]; then
      echo
      cat "$remote_read"
    fi
    wrong_note
    if [ "$out" = "$results" ] && [ -n "$(the_section "$out")" ]; then
      echo
      the_section "$out"
    fi
  } >"$new"
fi
mv "$new" "$out"
echo "wrote $out" >&2
exit "$rc"
