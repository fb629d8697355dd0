#!/usr/bin/env bash
# Builds yihu (release) and runs the demo a newcomer can watch: a node on 127.0.0.1:8080 (no Redis, no config),
# 200 simulated volunteers around Songshan Lake, a drowning alert, the nearest swimmers accept, the rest stand down,
# the alert is resolved; it prints a link to the dispatcher's console, where all of it can be watched on a map.
# Installs what it needs first (Debian and npm packages).
#   ./scripts/run.sh           the demo over real sockets (scripts/demo.sh; PORT=... to move it off 8080)
#   ./scripts/run.sh --cluster the same demo against a local cluster: Redis (AOF), 3 nodes, haproxy in front
#   ./scripts/run.sh --federation  two cities, Laiwu (PORT) and Jinan (PORT+1), linked as peers: a missing man's
#                              ring grows across the border, Jinan finds him (scripts/demo_federation.sh)
#   ./scripts/run.sh --core    the same story told by the lifecycle core alone, in simulated time (yihu-demo)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset release >/dev/null
if [ "${1:-}" = "--core" ]; then
  shift
  cmake --build --preset release -j "${YIHU_JOBS:-$(nproc)}" --target yihu-demo
  exec ./build/release/clients/yihu-demo "$@"
fi
cmake --build --preset release -j "${YIHU_JOBS:-$(nproc)}" --target yihu-server yihu-volunteer yihu-dispatch yihu-token
if [ "${1:-}" = "--federation" ]; then
  shift
  export CONSOLE_WAIT=${CONSOLE_WAIT:-10} HOLD=${HOLD:-1}
  BUILD_DIR=build/release exec ./scripts/demo_federation.sh "$@"
fi
if [ "${1:-}" = "--cluster" ]; then
  shift
  export CLUSTER=1
fi
# The demo prints the console's link (with a ready dispatcher token) and waits CONSOLE_WAIT seconds for it to be opened;
# afterwards the node stays up for the console until Ctrl-C (HOLD=0: the demo ends by itself).
export CONSOLE_WAIT=${CONSOLE_WAIT:-10} HOLD=${HOLD:-1}
BUILD_DIR=build/release exec ./scripts/demo.sh "$@"
