#!/usr/bin/env bash
# The live demo, with real processes talking over real sockets: a yihu-server, 200 simulated volunteers' phones
# around Songshan Lake (Dongguan), and a dispatcher's console following the live feed while one drowning alert is
# raised, answered and resolved. Takes about 30 s; Ctrl-C stops it early. Everything it starts is stopped on exit.
#
# It builds nothing: build the release targets first,
#   cmake --preset release && cmake --build --preset release --target yihu-server yihu-volunteer yihu-dispatch
# or point BUILD_DIR at another build directory. PORT is the server's port (default 8080).
# CLUSTER=1 tells the same story against a cluster (deploy/local-cluster.sh: redis-server with AOF, 3 nodes, haproxy
# on PORT): the phones and the dispatcher reach the nodes through haproxy, and the leader runs the matching.
# DEMO_CHECK=1 (CTest) also checks the run and exits non-zero if it failed: some phone got the close notice, no
# phone gave up, the volunteers exited 0, the console's link was printed and its page and scripts are served, the
# server exited 0 on SIGTERM (single node), and no server log holds a sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/demo_lib.sh
source scripts/demo_lib.sh

BUILD_DIR=${BUILD_DIR:-build/release}
PORT=${PORT:-8080}
SERVER=$BUILD_DIR/server/yihu-server
VOLUNTEER=$BUILD_DIR/clients/yihu-volunteer
DISPATCH=$BUILD_DIR/clients/yihu-dispatch

# The scene: Songshan Lake, with about a fifth of the volunteers able to swim or trained in water rescue.
LAKE_LAT=22.93
LAKE_LON=113.89
VOLUNTEERS=200

for exe in "$SERVER" "$VOLUNTEER" "$DISPATCH"; do
    if [[ ! -x $exe ]]; then
        echo "demo: $exe is missing. Build it first:" >&2
        echo "  cmake --preset release && cmake --build --preset release --target yihu-server yihu-volunteer yihu-dispatch" >&2
        echo "(or set BUILD_DIR to a build directory that has them)" >&2
        exit 2
    fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/yihu-demo.XXXXXX")
DATA=$WORK/data
SERVER_LOG=$WORK/server.log
pids=()
sleeper=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_started
    rm -rf "$DATA"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The arguments as one would type them: quoted when they hold spaces.
shown() {
    local out="" arg
    for arg in "$@"; do
        [[ $arg == *" "* ]] && arg="\"$arg\""
        out+="${out:+ }$arg"
    done
    printf '%s' "$out"
}
# Shows a yihu-dispatch command as a newcomer would type it, then runs it with its output prefixed.
dispatch() {
    echo "\$ yihu-dispatch $(shown "$@")" | prefix dispatch
    "$DISPATCH" --port "$PORT" --data-dir "$DATA" "$@" 2>&1 | prefix dispatch
}
# served PATH: GET PATH from the node (through haproxy in a cluster) answers 200.
served() { served_on "$PORT" "$1"; }
healthy() { served /healthz; }

if healthy; then
    echo "demo: something already answers on port $PORT; choose another with PORT=..." >&2
    exit 1
fi

if [[ ${CLUSTER:-0} == 1 ]]; then
    say "Starting a local cluster: redis-server (AOF), 3 yihu nodes, haproxy on 127.0.0.1:$PORT (log: $SERVER_LOG)"
    BUILD_DIR=$BUILD_DIR deploy/local-cluster.sh --port "$PORT" --dir "$DATA" >"$SERVER_LOG" 2>&1 &
else
    say "Starting yihu-server on 127.0.0.1:$PORT (its log: $SERVER_LOG)"
    "$SERVER" --port "$PORT" --data-dir "$DATA" --web.root clients/web >"$SERVER_LOG" 2>&1 &
fi
server_pid=$!
pids+=("$server_pid")
server_up() {
    kill -0 "$server_pid" 2>/dev/null || {
        echo "demo: the server exited; the end of its log:" >&2
        tail -n 20 "$SERVER_LOG" >&2
        exit 1
    }
    if [[ ${CLUSTER:-0} == 1 ]]; then grep -qs "cluster ready" "$SERVER_LOG"; else healthy; fi
}
wait_for 30 "the server's /healthz" server_up
if [[ ${CLUSTER:-0} == 1 ]]; then
    sed 's/^/[cluster] /' "$SERVER_LOG"
    echo "cluster is up (the shared token secret in $DATA/token-secret)"
else
    echo "server is up (data in $DATA, a fresh token secret in $DATA/token-secret)"
fi
# The dispatcher's console (docs/console.md), served by the node: a link that signs in with a fresh token.
# CONSOLE_WAIT=SECONDS pauses here so that there is time to open it before the alert is raised.
# In a cluster every node serves it, behind haproxy on the same port, and the token comes from the shared secret.
if [[ -x $BUILD_DIR/clients/yihu-token ]]; then
    CONSOLE_TOKEN=$("$BUILD_DIR/clients/yihu-token" --role dispatcher --subject console-1 --ttl 12h --data-dir "$DATA")
    say "The dispatcher's console: open this link in a browser (the token in it signs you in)"
    echo "  http://127.0.0.1:$PORT/console/#token=$CONSOLE_TOKEN"
    echo "  or open http://127.0.0.1:$PORT/console/ and paste the dispatcher token: $CONSOLE_TOKEN"
    [[ -n ${CONSOLE_WAIT:-} ]] && pause "$CONSOLE_WAIT"
fi

say "Starting $VOLUNTEERS simulated volunteers within 3 km of Songshan Lake ($LAKE_LAT,$LAKE_LON)"
echo "about 20% can swim or do water rescue; each accepts an alert with probability 0.35, walks at 1.4 m/s"
start volunteers "$VOLUNTEER" --port "$PORT" --data-dir "$DATA" --count "$VOLUNTEERS" \
    --center "$LAKE_LAT,$LAKE_LON" --radius-m 3000 --skill-mix water_rescue:0.1,swimmer:0.1 \
    --accept-probability 0.35 --walk-m-per-s 1.4 --position-interval 5s --seed "${SEED:-7}"
wait_for 15 "the volunteers to connect" grep -qs "all connected" "$WORK/volunteers.log"

say "A dispatcher's console follows the live feed"
start feed "$DISPATCH" --port "$PORT" --data-dir "$DATA" follow
pause 1

say "Someone is drowning in the lake: the dispatcher raises an alert (3 responders wanted)"
echo "\$ yihu-dispatch create --kind drowning --lat $LAKE_LAT --lon $LAKE_LON --wanted 3 --title ..." | prefix dispatch
"$DISPATCH" --port "$PORT" --data-dir "$DATA" create --kind drowning --lat "$LAKE_LAT" --lon "$LAKE_LON" \
    --wanted 3 --title "Drowning at Songshan Lake" \
    --description "Swimmer in difficulty near the east shore" >"$WORK/alert.txt"
ALERT_ID=$(head -n 1 "$WORK/alert.txt")
sed -n 2p "$WORK/alert.txt" | prefix dispatch
echo "(the alert as JSON: $WORK/alert.txt)" | prefix dispatch

say "Waiting 15 s: nearest qualified volunteers are alerted, answer, get roles; the others stand down"
pause 15

say "Who was alerted, and what they answered"
echo "\$ yihu-dispatch recipients $ALERT_ID" | prefix dispatch
"$DISPATCH" --port "$PORT" --data-dir "$DATA" recipients "$ALERT_ID" 2>&1 | tee "$WORK/recipients.txt" | prefix dispatch

say "The person is rescued: the dispatcher resolves the alert"
dispatch resolve "$ALERT_ID" --found --message "Rescued. Thank you all."
pause 2

say "Stopping the console and the volunteers (their summary follows)"
volunteers_status=0
for ((i = ${#pids[@]} - 1; i >= 1; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    status=0
    wait "${pids[i]}" 2>/dev/null || status=$?
    ((i == 1)) && volunteers_status=$status
done
pids=("$server_pid")
sleep 0.3

check_failed=0
if [[ ${DEMO_CHECK:-0} == 1 ]]; then
    check() { echo "demo check: $*" >&2; check_failed=1; }
    grep -Eq "closed notices +[1-9]" "$WORK/volunteers.log" || check "no phone got the close notice"
    # The console whose link was printed is there, with what it loads (Leaflet, the JS library).
    [[ -n ${CONSOLE_TOKEN:-} ]] || check "no console link was printed"
    for page in /console/ /console/console.js /console/config.json /lib/index.js /vendor/leaflet/leaflet.js /app/; do
        served "$page" || check "GET $page did not answer 200"
    done
    if grep -Eq "gave up [1-9]" "$WORK/volunteers.log"; then check "some phone gave up"; fi
    ((volunteers_status == 0)) || check "yihu-volunteer exited with $volunteers_status"
    kill -TERM "$server_pid" 2>/dev/null || true
    server_status=0
    wait "$server_pid" 2>/dev/null || server_status=$?
    pids=()
    if [[ ${CLUSTER:-0} != 1 ]] && ((server_status != 0)); then check "yihu-server exited with $server_status"; fi
    for log in "$SERVER_LOG" "$DATA"/node-*.log; do
        [[ -f $log ]] || continue
        if grep -Eq "ERROR: (Address|Leak|Thread)Sanitizer|runtime error:" "$log"; then
            check "sanitizer report in $log:"
            grep -E -m 5 "ERROR: (Address|Leak|Thread)Sanitizer|runtime error:" "$log" >&2
        fi
    done
fi

say "What happened"
cat <<EOF
- $VOLUNTEERS phones held WebSockets to the server. The drowning alert matched only volunteers with the swimmer or
  water_rescue skill within 1.5 km of the lake, nearest first: 3 wanted x 3 (over-alerting: about a third accept)
  = 9 phones got an ALERT push, and a decline (while fewer than 3 had accepted) called the next-nearest one.
  Every phone acked its pushes (DELIVERED, then ACKED, on the dispatcher's feed).
- The first three to accept got the roles rescue, fetch_equipment and coordinate. Once 3 had accepted, everyone
  else who had been alerted was told to STAND DOWN. The responders' positions appeared on the feed (POSITION) as
  they walked.
- This run: $(tail -n 1 "$WORK/recipients.txt").
- Resolving the alert sent a CLOSED notice, with the dispatcher's message, to everyone who got the alert.
- Had fewer than 3 accepted within 60 s, the alert would have escalated: radius doubled, more volunteers called.

Logs: server $SERVER_LOG, volunteers $WORK/volunteers.log, feed $WORK/feed.log
Try it yourself: $BUILD_DIR/clients/yihu-dispatch --help, $BUILD_DIR/clients/yihu-volunteer --help
EOF

if ((check_failed)); then
    echo "demo check: FAILED" >&2
    exit 1
fi

# HOLD=1 (./scripts/run.sh): the node stays up, with the phones back, for raising alerts from the console by hand.
if [[ ${HOLD:-0} == 1 && -n ${CONSOLE_TOKEN:-} ]]; then
    say "The node keeps running with $VOLUNTEERS phones: raise your own alert by clicking the console's map. Ctrl-C stops it all."
    echo "  http://127.0.0.1:$PORT/console/#token=$CONSOLE_TOKEN"
    start volunteers "$VOLUNTEER" --port "$PORT" --data-dir "$DATA" --count "$VOLUNTEERS" \
        --center "$LAKE_LAT,$LAKE_LON" --radius-m 3000 --skill-mix water_rescue:0.1,swimmer:0.1 \
        --accept-probability 0.35 --walk-m-per-s 1.4 --position-interval 5s --seed "${SEED:-7}"
    wait "$server_pid"
fi
