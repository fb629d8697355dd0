#!/usr/bin/env bash
# Builds yihu (release) and runs the demo a newcomer can watch: a drowning alert at a lake, told as it happens.
# Installs what it needs first (Debian packages). No Redis, no configuration.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "${YIHU_JOBS:-$(nproc)}" --target yihu-demo
exec ./build/release/clients/yihu-demo "$@"
