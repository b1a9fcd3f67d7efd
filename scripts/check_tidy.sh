#!/usr/bin/env bash
# Runs clang-tidy with the repo's .clang-tidy (the naming rules) over the library sources under src/
# that the build compiles (tests, benchmarks and fuzzers are left out to keep the check a few
# minutes on two cores; CHARON_TIDY_ALL=1 checks them too), in parallel; headers are checked through
# the files that include them.
# Usage: scripts/check_tidy.sh [build dir, default build]   (needs a configured build with
# CMAKE_EXPORT_COMPILE_COMMANDS, which CMakeLists.txt sets, and its generated protobuf headers).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
db="$build/compile_commands.json"
[ -f "$db" ] || { echo "no $db: configure and build first"; exit 1; }
start=$(date +%s)
mapfile -t units < <(python3 - "$db" <<'PY'
import json, os, subprocess, sys
root = os.getcwd()
tracked = set(subprocess.run(["git", "ls-files", "*.cc"], capture_output=True, text=True,
                             check=True).stdout.split())
if not os.environ.get("CHARON_TIDY_ALL"):
    tracked = {f for f in tracked if f.startswith("src/") and not f.endswith(("_test.cc", "_bench.cc"))}
seen = set()
for entry in json.load(open(sys.argv[1])):
    rel = os.path.relpath(os.path.join(entry["directory"], entry["file"]), root)
    if rel in tracked and rel not in seen:
        seen.add(rel)
        print(rel)
PY
)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
printf '%s\0' "${units[@]}" | xargs -0 -P"$(nproc)" -n 4 clang-tidy -p "$build" --quiet >"$log" 2>&1 || true
# One finding per "error:" line (WarningsAsErrors); the same header finding repeats per includer.
findings=$(grep -E '^/.*: error: ' "$log" | sort -u || true)
elapsed=$(( $(date +%s) - start ))
if [ -n "$findings" ]; then
  echo "$findings"
  echo "tidy check failed: $(echo "$findings" | wc -l) naming findings in ${#units[@]} files (${elapsed}s)"
  exit 1
fi
if grep -q 'error' "$log"; then
  grep -m 20 'error' "$log"
  echo "tidy check failed: clang-tidy could not check every file (${elapsed}s)"
  exit 1
fi
echo "tidy check passed (${#units[@]} files, ${elapsed}s)"
