#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format (the repo's .clang-format) makes of
# it. Usage: scripts/check_format.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h' '*.proto')
if [ "${1:-}" = "--fix" ]; then
  printf '%s\0' "${files[@]}" | xargs -0 -P"$(nproc)" -n 32 clang-format -i
  exit 0
fi
if ! printf '%s\0' "${files[@]}" | xargs -0 -P"$(nproc)" -n 32 clang-format --dry-run --Werror \
    2>/tmp/charon-format.$$; then
  grep -o '^[^:]*\.\(cc\|h\|proto\)' /tmp/charon-format.$$ | sort -u | sed 's/^/  needs clang-format: /'
  echo "format check failed: run scripts/check_format.sh --fix"
  rm -f /tmp/charon-format.$$
  exit 1
fi
rm -f /tmp/charon-format.$$
echo "format check passed (${#files[@]} files)"
