#!/usr/bin/env bash
# Installs everything yihu needs to build, test and run on a fresh Debian 12 (bookworm) machine.
# Idempotent: packages already present are left alone, so CI and the README can call it every time.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git clang-format
  libboost1.81-dev libboost-program-options1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libprotobuf-dev protobuf-compiler
  libhiredis-dev libspdlog-dev libfmt-dev
  libsqlite3-dev libssl-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev
  redis-server haproxy curl
  clang-14 libclang-rt-14-dev   # the fuzz preset: libFuzzer, ASan and UBSan runtimes (scripts/fuzz.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The redis-server package starts a system instance on 6379; yihu's tests and benches start their own on free ports.
