#!/usr/bin/env bash
# The Redis restart loop for longer than CI runs it: ROUNDS restarts of redis-server (kill -9 and SIGTERM in turn)
# under load, every node ready again after each. Prints each round's unavailability window (from Redis answering
# again to every node ready).
#
#   tests/cluster/redis_restart_soak.sh [ROUNDS]      (default 20; the build in BUILD_DIR, default build/release)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-20}
BUILD_DIR=${BUILD_DIR:-build/release}
BIN=$BUILD_DIR/tests/yihu_cluster_tests
[[ -x $BIN ]] || { echo "soak: $BIN is missing; cmake --build --preset release --target yihu_cluster_tests" >&2; exit 2; }
YIHU_REDIS_RESTARTS=$ROUNDS exec "$BIN" --gtest_filter='RedisFaultTest.EveryNodeIsReadyAgainAfterEachRedisRestartUnderLoad'
