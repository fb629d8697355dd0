#!/usr/bin/env bash
# The federation demo (docs/federation.md): two cities on this machine, Laiwu on PORT and Jinan on PORT+1, single
# nodes with their embedded store, linked as peers over /v1/federation. 40 simulated volunteers in Laiwu and 30 in
# Jinan (yihu-volunteer), Laiwu's dispatcher following the live feed (yihu-dispatch follow), and the story told by
# scripts/federation_story.mjs through the JS client library: an elderly man missing in Laiwu, his search ring grows
# across the border into Jinan's coverage, a Jinan volunteer reports a sighting, Laiwu's dispatcher confirms it, he
# is found, and both cities' volunteers get the close notice. Takes about 40 s; everything it starts is stopped.
#
# It builds nothing (./scripts/run.sh --federation builds first): BUILD_DIR (default build/release) must hold
# yihu-server, yihu-volunteer, yihu-dispatch and yihu-token, and `npm ci` must have run (node_modules).
# DEMO_CHECK=1 (CTest demo_federation_end_to_end) checks the story's facts and exits non-zero if any is missing:
# the alert was forwarded by ring growth and audited, the sighting came back and was confirmed, Jinan's counts
# reached Laiwu's feed, Jinan's copy closed, both crowds got close notices and nobody gave up, both servers exited 0.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/demo_lib.sh
source scripts/demo_lib.sh

BUILD_DIR=${BUILD_DIR:-build/release}
PORT=${PORT:-8080}
LAIWU_PORT=$PORT
JINAN_PORT=$((PORT + 1))
SERVER=$BUILD_DIR/server/yihu-server
VOLUNTEER=$BUILD_DIR/clients/yihu-volunteer
DISPATCH=$BUILD_DIR/clients/yihu-dispatch
TOKEN=$BUILD_DIR/clients/yihu-token

for exe in "$SERVER" "$VOLUNTEER" "$DISPATCH" "$TOKEN"; do
    if [[ ! -x $exe ]]; then
        echo "demo: $exe is missing. Build it first (or run ./scripts/run.sh --federation)" >&2
        exit 2
    fi
done
if [[ ! -d node_modules/ws ]]; then
    echo "demo: node_modules is missing: run scripts/install-deps.sh (npm ci) first" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/yihu-federation.XXXXXX")
pids=()
sleeper=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_started
    rm -rf "$WORK/laiwu" "$WORK/jinan"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

served() { served_on "$@"; }  # served PORT PATH

for port in "$LAIWU_PORT" "$JINAN_PORT"; do
    if served "$port" /healthz; then
        echo "demo: something already answers on port $port; choose another with PORT=... (uses PORT and PORT+1)" >&2
        exit 1
    fi
done

# Each city: its name, its token secret, the key that signs its peer tokens, and its neighbour with the area its
# volunteers cover (a 30 km circle around the city centre).
secret() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
LAIWU_SECRET=$(secret)
JINAN_SECRET=$(secret)
LAIWU_PEER_KEY=$(secret)
JINAN_PEER_KEY=$(secret)
city_config() {  # NAME PEER PEER_PORT OWN_KEY PEER_KEY PEER_COVERAGE
    cat <<EOF
[server]
city = "$1"
[federation]
key = "$4"
key_id = "$1-demo"
[[peer]]
name = "$2"
url = "ws://127.0.0.1:$3"
key = "$5"
key_id = "$2-demo"
coverage_circles = [[$6]]
EOF
}
city_config laiwu jinan "$JINAN_PORT" "$LAIWU_PEER_KEY" "$JINAN_PEER_KEY" "36.65, 117.0, 30000" >"$WORK/laiwu.toml"
city_config jinan laiwu "$LAIWU_PORT" "$JINAN_PEER_KEY" "$LAIWU_PEER_KEY" "36.2, 117.67, 30000" >"$WORK/jinan.toml"

say "Starting two cities: Laiwu on 127.0.0.1:$LAIWU_PORT and Jinan on 127.0.0.1:$JINAN_PORT, linked as peers"
"$SERVER" --config "$WORK/laiwu.toml" --port "$LAIWU_PORT" --data-dir "$WORK/laiwu" --web.root clients/web \
    --auth.token_secret "$LAIWU_SECRET" >"$WORK/laiwu-server.log" 2>&1 &
laiwu_pid=$!
pids+=("$laiwu_pid")
"$SERVER" --config "$WORK/jinan.toml" --port "$JINAN_PORT" --data-dir "$WORK/jinan" --web.root clients/web \
    --auth.token_secret "$JINAN_SECRET" >"$WORK/jinan-server.log" 2>&1 &
jinan_pid=$!
pids+=("$jinan_pid")
both_up() {
    for pid in "$laiwu_pid" "$jinan_pid"; do
        kill -0 "$pid" 2>/dev/null || {
            echo "demo: a server exited; the end of the logs:" >&2
            tail -n 20 "$WORK"/*-server.log >&2
            exit 1
        }
    done
    served "$LAIWU_PORT" /readyz && served "$JINAN_PORT" /readyz
}
wait_for 30 "both cities' /readyz" both_up
linked() { grep -qs "linked in from" "$WORK/laiwu-server.log" "$WORK/jinan-server.log"; }
wait_for 30 "the peer link" linked
grep -h "federation:" "$WORK/laiwu-server.log" | prefix laiwu
grep -h "federation:" "$WORK/jinan-server.log" | prefix jinan
echo "both cities are up and linked (logs: $WORK/laiwu-server.log, $WORK/jinan-server.log)"

CONSOLE_TOKEN=$("$TOKEN" --role dispatcher --subject laiwu-console --ttl 12h --secret "$LAIWU_SECRET")
say "Laiwu's dispatcher console: open this link to watch (Jinan's counts appear under the alert)"
echo "  http://127.0.0.1:$LAIWU_PORT/console/#token=$CONSOLE_TOKEN"
[[ -n ${CONSOLE_WAIT:-} ]] && pause "$CONSOLE_WAIT"

say "Volunteers: 40 around the north of Laiwu, 30 in the south-east of Jinan (each accepts with probability 0.3)"
start laiwu-volunteers "$VOLUNTEER" --port "$LAIWU_PORT" --secret "$LAIWU_SECRET" --count 40 --id-prefix laiwu \
    --center 36.33,117.47 --radius-m 4000 --accept-probability 0.3 --reaction 6s --seed 11 --quiet
start jinan-volunteers "$VOLUNTEER" --port "$JINAN_PORT" --secret "$JINAN_SECRET" --count 30 --id-prefix jinan \
    --center 36.50,117.25 --radius-m 3000 --accept-probability 0.3 --reaction 6s --seed 12 --quiet
wait_for 15 "Laiwu's volunteers to connect" grep -qs "all connected" "$WORK/laiwu-volunteers.log"
wait_for 15 "Jinan's volunteers to connect" grep -qs "all connected" "$WORK/jinan-volunteers.log"

say "Laiwu's dispatcher follows the live feed"
start laiwu-feed "$DISPATCH" --port "$LAIWU_PORT" --secret "$LAIWU_SECRET" follow
pause 1

say "The story"
story_status=0
LAIWU_PORT=$LAIWU_PORT JINAN_PORT=$JINAN_PORT LAIWU_SECRET=$LAIWU_SECRET JINAN_SECRET=$JINAN_SECRET \
    FACTS="$WORK/facts.json" node scripts/federation_story.mjs || story_status=$?
ALERT_ID=$(sed -n 's/.*"alertId": "\([^"]*\)".*/\1/p' "$WORK/facts.json" 2>/dev/null | head -n 1)
pause 2

if [[ -n $ALERT_ID ]]; then
    say "The alert as Laiwu's dispatcher sees it, with Jinan's counts"
    "$DISPATCH" --port "$LAIWU_PORT" --secret "$LAIWU_SECRET" get "$ALERT_ID" 2>&1 | prefix laiwu
    say "What crossed the border, from Laiwu's audit trail"
    "$DISPATCH" --port "$LAIWU_PORT" --secret "$LAIWU_SECRET" audit "$ALERT_ID" 2>&1 |
        grep -Ei "forward|peer" | prefix laiwu || true
fi

say "Stopping the feed and the volunteers (their summaries follow)"
crowd_status=0
for ((i = ${#pids[@]} - 1; i >= 2; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    status=0
    wait "${pids[i]}" 2>/dev/null || status=$?
    ((i <= 3 && status != 0)) && crowd_status=$status
done
pids=("$laiwu_pid" "$jinan_pid")
sleep 0.3

check_failed=0
if [[ ${DEMO_CHECK:-0} == 1 ]]; then
    check() { echo "demo check: $*" >&2; check_failed=1; }
    ((story_status == 0)) || check "the story stopped early (see [story] FAILED above)"
    fact() { grep -q "\"$1\": $2" "$WORK/facts.json" 2>/dev/null || check "fact $1 is not $2"; }
    fact ok true
    fact copyOrigin '"laiwu"'
    fact forwardAudited true
    fact sightingConfirmed true
    fact witnessClosed true
    fact jinanState '"ALERT_STATE_RESOLVED_FOUND"'
    fact closeAcked true
    # No volunteer id crosses the border: Laiwu knows the sighting's city, not who reported it.
    grep -q '"sightingReporter": ".*jinan-witness' "$WORK/facts.json" && check "a Jinan volunteer id reached Laiwu"
    grep -q "PEER .*jinan: notified [1-9]" "$WORK/laiwu-feed.log" || check "Laiwu's feed never showed Jinan's counts"
    grep -Eq "closed notices +[1-9]" "$WORK/laiwu-volunteers.log" || check "no Laiwu volunteer got the close notice"
    grep -Eq "closed notices +[1-9]" "$WORK/jinan-volunteers.log" || check "no Jinan volunteer got the close notice"
    grep -Eqs "gave up [1-9]" "$WORK"/*-volunteers.log && check "some phone gave up"
    ((crowd_status == 0)) || check "yihu-volunteer exited with $crowd_status"
    served "$LAIWU_PORT" /console/ || check "Laiwu's console is not served"
    for pid in "$laiwu_pid" "$jinan_pid"; do
        kill -TERM "$pid" 2>/dev/null || true
        status=0
        wait "$pid" 2>/dev/null || status=$?
        ((status == 0)) || check "a yihu-server exited with $status"
    done
    pids=()
    for log in "$WORK"/*-server.log; do
        if grep -Eq "ERROR: (Address|Leak|Thread)Sanitizer|runtime error:" "$log"; then
            check "sanitizer report in $log"
        fi
    done
fi

say "What happened"
cat <<EOF
- Laiwu and Jinan each ran one yihu-server with its own store, linked by one WebSocket (/v1/federation), each
  knowing the other's key and the area its volunteers cover.
- The missing man's ring started at 5 km, inside Laiwu: only Laiwu's volunteers were alerted. When it grew to 30 km
  it touched Jinan's coverage, so Laiwu forwarded the alert (FORWARDED in its audit trail, PEER_ACKED when Jinan
  confirmed). Jinan ran it through its own engine and alerted its own volunteers in the ring.
- A Jinan volunteer's sighting went back to Laiwu as Jinan's, without the volunteer's id; Laiwu's dispatcher
  confirmed it and the search centre moved, in both cities. Jinan's counts (never ids or positions) reached
  Laiwu's live feed and its console.
- Resolving the alert in Laiwu closed Jinan's copy: every volunteer alerted in either city got one close notice.
$( [[ -f $WORK/facts.json ]] && echo "- Facts: $WORK/facts.json")

Logs: $WORK (servers, volunteers, feed)
EOF

if ((check_failed)); then
    echo "demo check: FAILED" >&2
    exit 1
fi
((story_status == 0)) || exit "$story_status"

if [[ ${HOLD:-0} == 1 ]]; then
    say "Both cities keep running: raise your own alert in Laiwu's console. Ctrl-C stops it all."
    echo "  http://127.0.0.1:$LAIWU_PORT/console/#token=$CONSOLE_TOKEN"
    wait "$laiwu_pid"
fi
