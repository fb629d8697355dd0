#!/usr/bin/env bash
# The Redis fault loops for longer than CI runs them. Prints each round's unavailability window.
#
#   tests/cluster/redis_restart_soak.sh [ROUNDS]
#       ROUNDS restarts of redis-server (kill -9 and SIGTERM in turn) under load, every node ready again after each;
#       the window runs from Redis answering again to every node ready. Default 20.
#   tests/cluster/redis_restart_soak.sh --sentinel [ROUNDS]
#       ROUNDS Sentinel failovers: the master killed with -9 under alert load (3 nodes, one replica, three sentinels,
#       redis.wait_replicas = 1), the replica promoted, the dead master restarted as a replica, every acknowledged
#       alert checked on the new master; the windows run from the kill to the promotion and to the first alert
#       acknowledged again. Default 5.
#
# The build in BUILD_DIR (default build/release).
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=restart
if [[ ${1:-} == --sentinel ]]; then MODE=sentinel; shift; fi
BUILD_DIR=${BUILD_DIR:-build/release}
BIN=$BUILD_DIR/tests/yihu_cluster_tests
[[ -x $BIN ]] || { echo "soak: $BIN is missing; cmake --build --preset release --target yihu_cluster_tests" >&2; exit 2; }
if [[ $MODE == sentinel ]]; then
    YIHU_SENTINEL_FAILOVERS=${1:-5} exec "$BIN" \
        --gtest_filter='ClusterTest.MasterKilledUnderSentinelLosesNoAcknowledgedAlertAndServesAgain'
fi
YIHU_REDIS_RESTARTS=${1:-20} exec "$BIN" \
    --gtest_filter='RedisFaultTest.EveryNodeIsReadyAgainAfterEachRedisRestartUnderLoad'
