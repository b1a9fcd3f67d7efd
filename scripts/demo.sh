#!/usr/bin/env bash
# Quick start: installs dependencies, builds charon, writes a demo bucket of real Prometheus
# blocks (made by promtool from generated OpenMetrics text) into ./demo/bucket, and serves it with
# `charon store` (gRPC StoreAPI on :10901, HTTP on :10902). Extra arguments go to `charon store`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build charon

demo=demo
if [ ! -f "$demo/bucket/.done" ]; then
  rm -rf "$demo/bucket" && mkdir -p "$demo/bucket"
  # 12 hours of 30s samples ending at the last full hour, for a few Kubernetes-like series.
  end=$(( $(date +%s) / 3600 * 3600 ))
  start=$(( end - 12 * 3600 ))
  awk -v start="$start" -v end="$end" 'BEGIN {
    print "# TYPE up gauge"
    split("api db web", jobs, " ")
    for (j = 1; j <= 3; j++) for (i = 1; i <= 3; i++)
      for (t = start; t < end; t += 30)
        printf "up{job=\"%s\",instance=\"10.0.0.%d:9100\"} %d %d\n", jobs[j], i, ((t / 30) % 97 != 0), t
    print "# TYPE http_requests counter"
    split("200 404 500", codes, " ")
    for (c = 1; c <= 3; c++) for (m = 0; m < 2; m++) {
      v = 0
      for (t = start; t < end; t += 30) {
        v += (4 - c) * (m + 1)
        printf "http_requests_total{job=\"api\",code=\"%s\",method=\"%s\"} %d %d\n", codes[c], (m ? "POST" : "GET"), v, t
      }
    }
    print "# EOF"
  }' > "$demo/input.om"
  promtool tsdb create-blocks-from openmetrics "$demo/input.om" "$demo/bucket" >/dev/null
  touch "$demo/bucket/.done"
  echo "demo bucket written to $demo/bucket"
fi

echo "serving $demo/bucket: gRPC StoreAPI on :10901, HTTP on :10902 (Ctrl-C to stop)"
exec build/src/cmd/charon/charon store \
  --objstore.config="$(printf 'type: FILESYSTEM\nconfig:\n  directory: %s\n' "$demo/bucket")" \
  --data-dir="$demo/data" "$@"
