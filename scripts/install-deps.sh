#!/usr/bin/env bash
# Installs every build and test dependency of Charon from Debian 12 packages. Idempotent: does
# nothing when all packages are present. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev clang-format clang-tidy
  libabsl-dev libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libre2-dev libsnappy-dev libyaml-cpp-dev nlohmann-json3-dev libcurl4-openssl-dev libssl-dev
  libmemcached-dev libhiredis-dev libcli11-dev libspdlog-dev libfmt-dev libxxhash-dev libb2-dev
  prometheus-cpp-dev libcivetweb-dev libgoogle-perftools-dev libpugixml-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  prometheus memcached redis-server curl ca-certificates nodejs npm chromium python3
)

# Node.js may come from another source than Debian (then `npm` is not a Debian package).
if command -v node >/dev/null && command -v npm >/dev/null; then
  packages=("${packages[@]/nodejs}"); packages=("${packages[@]/npm}")
fi

missing=()
for p in "${packages[@]}"; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

install_test_servers() {
  # S3 and Azure Blob emulators for the object-store tests, pinned in tools/node/package-lock.json.
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/node"
  if [ ! -x "$dir/node_modules/.bin/s3rver" ] || [ ! -x "$dir/node_modules/.bin/azurite-blob" ]; then
    echo "install-deps: installing the S3/Azure emulators (npm)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  install_test_servers
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
# The prometheus/memcached/redis packages would start system services; tests start their own.
echo exit 101 | $sudo tee /usr/sbin/policy-rc.d >/dev/null && $sudo chmod +x /usr/sbin/policy-rc.d
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
$sudo rm -f /usr/sbin/policy-rc.d
install_test_servers
