#!/usr/bin/env bash
# A yihu cluster on this machine, on loopback: redis-server with AOF (deploy/redis.conf), N yihu nodes joined through
# it, and haproxy in front on one port for WebSocket and HTTP. Runs in the foreground; Ctrl-C or SIGTERM stops
# everything it started. Used by `./scripts/run.sh --cluster` (the demo against a cluster).
#
#   deploy/local-cluster.sh [--port 8080] [--nodes 3] [--dir DIR] [--build-dir build/release] [--sentinel]
#
# Ports: haproxy on PORT, the nodes on PORT+1..PORT+N, Redis on PORT+100. DIR (default: a new temporary directory)
# holds the token secret (DIR/token-secret, shared by every node: yihu-dispatch --data-dir DIR mints tokens with it),
# Redis's files and every log. Every node serves the console and the volunteer app (clients/web: /console/, /app/),
# so they work through haproxy too. Prints "cluster ready" once every node answers /readyz.
# --sentinel: Redis highly available (docs/cluster.md): the master on PORT+100, one replica on PORT+101 and three
# redis-sentinel on PORT+110..PORT+112 watching them as "yihu"; the nodes find the master through the sentinels
# and wait for the replica on every write (redis.wait_replicas = 1). In this mode the script keeps running when a
# redis-server dies (kill the master to watch a failover; start it again by hand to have it rejoin as a replica).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=8080
NODES=3
DIR=""
BUILD_DIR=${BUILD_DIR:-build/release}
SENTINEL=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --port) PORT=$2; shift 2 ;;
        --nodes) NODES=$2; shift 2 ;;
        --dir) DIR=$2; shift 2 ;;
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --sentinel) SENTINEL=1; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "local-cluster: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
SERVER=$BUILD_DIR/server/yihu-server
tools=(redis-server haproxy)
[[ $SENTINEL == 1 ]] && tools+=(redis-sentinel)
for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || { echo "local-cluster: $tool is missing (./scripts/install-deps.sh)" >&2; exit 2; }
done
[[ -x $SERVER ]] || { echo "local-cluster: $SERVER is missing; build it: cmake --build --preset release" >&2; exit 2; }
[[ -n $DIR ]] || DIR=$(mktemp -d "${TMPDIR:-/tmp}/yihu-cluster.XXXXXX")
mkdir -p "$DIR/redis"
REDIS_PORT=$((PORT + 100))
REPLICA_PORT=$((PORT + 101))
SENTINEL_PORTS=($((PORT + 110)) $((PORT + 111)) $((PORT + 112)))

pids=()
watched=()  # the processes whose exit stops the whole cluster
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do wait "${pids[i]}" 2>/dev/null || true; done
    echo "local-cluster: stopped (files in $DIR)"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One secret for the whole cluster.
if [[ ! -s $DIR/token-secret ]]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DIR/token-secret")
fi

wait_ping() {  # port, log
    for _ in $(seq 100); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "local-cluster: nothing answers PING on $1; $2" >&2
    exit 1
}

# Each redis-server runs from its own copy of deploy/redis.conf: a failover makes Redis rewrite its file (CONFIG
# REWRITE), which must never touch the checked-in one.
cp deploy/redis.conf "$DIR/redis/redis.conf"
redis-server "$DIR/redis/redis.conf" --port "$REDIS_PORT" --dir "$DIR/redis" --daemonize no \
    >"$DIR/redis.log" 2>&1 &
pids+=($!)
[[ $SENTINEL == 1 ]] || watched+=($!)
wait_ping "$REDIS_PORT" "$DIR/redis.log"
echo "local-cluster: redis-server on 127.0.0.1:$REDIS_PORT (AOF in $DIR/redis)"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
WAIT_ARGS=()

if [[ $SENTINEL == 1 ]]; then
    mkdir -p "$DIR/replica"
    cp deploy/redis.conf "$DIR/replica/redis.conf"
    redis-server "$DIR/replica/redis.conf" --port "$REPLICA_PORT" --dir "$DIR/replica" --daemonize no \
        --replicaof 127.0.0.1 "$REDIS_PORT" >"$DIR/replica.log" 2>&1 &
    pids+=($!)
    wait_ping "$REPLICA_PORT" "$DIR/replica.log"
    echo "local-cluster: replica on 127.0.0.1:$REPLICA_PORT (AOF in $DIR/replica)"
    sentinels=""
    for s in 0 1 2; do
        sport=${SENTINEL_PORTS[s]}
        mkdir -p "$DIR/sentinel-$s"
        # Sentinel rewrites its file as it learns (replicas, the other sentinels, failovers): one file each.
        sed -e "s|@PORT@|$sport|" -e "s|@DIR@|$DIR/sentinel-$s|" -e "s|@MASTER_PORT@|$REDIS_PORT|" \
            deploy/sentinel.conf >"$DIR/sentinel-$s/sentinel.conf"
        redis-sentinel "$DIR/sentinel-$s/sentinel.conf" >"$DIR/sentinel-$s.log" 2>&1 &
        pids+=($!)
        watched+=($!)
        wait_ping "$sport" "$DIR/sentinel-$s.log"
        sentinels+="${sentinels:+,}127.0.0.1:$sport"
    done
    echo "local-cluster: redis-sentinel on 127.0.0.1:${SENTINEL_PORTS[*]} (master name yihu)"
    REDIS_URL="redis-sentinel://$sentinels/yihu"
    WAIT_ARGS=(--redis.wait_replicas 1 --redis.wait_timeout 1s)
fi

servers=""
for i in $(seq "$NODES"); do
    node_port=$((PORT + i))
    "$SERVER" --port "$node_port" --server.node_id "node-$i" --data-dir "$DIR/node-$i" \
        --auth.token_secret_file "$DIR/token-secret" --redis.url "$REDIS_URL" "${WAIT_ARGS[@]}" \
        --web.root "$PWD/clients/web" >"$DIR/node-$i.log" 2>&1 &
    pids+=($!)
    watched+=($!)
    servers+="    server node-$i 127.0.0.1:$node_port"$'\n'
    echo "local-cluster: node-$i on 127.0.0.1:$node_port (log $DIR/node-$i.log)"
done

sed -e "s|@BIND@|127.0.0.1:$PORT|" -e "s|@ERRORS@|$PWD/deploy/errors|" -e "/@SERVERS@/{
r /dev/stdin
d
}" deploy/haproxy.cfg <<<"$servers" >"$DIR/haproxy.cfg"
haproxy -W -db -f "$DIR/haproxy.cfg" >"$DIR/haproxy.log" 2>&1 &
pids+=($!)
watched+=($!)

ready() { [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/readyz" 2>/dev/null) == 200 ]]; }
for _ in $(seq 300); do
    all=1
    for i in $(seq "$NODES"); do ready $((PORT + i)) || all=0; done
    ready "$PORT" || all=0
    [[ $all == 1 ]] && break
    sleep 0.1
done
if [[ $all != 1 ]]; then
    echo "local-cluster: not every node became ready in 30 s; logs in $DIR" >&2
    exit 1
fi
leader=$(redis-cli -p "$REDIS_PORT" get 'yihu:{dongguan}:leader' | cut -d'#' -f1)  # the master at start
echo "local-cluster: cluster ready on http://127.0.0.1:$PORT (haproxy; leader $leader; files in $DIR)"
wait -n "${watched[@]}" || true
echo "local-cluster: a process exited; stopping the rest" >&2
