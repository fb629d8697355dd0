# Shared by the demos (scripts/demo.sh, scripts/demo_federation.sh): sourced, not run. The caller keeps the PIDs it
# started in `pids`, and `sleeper` empty, and writes logs under $WORK.

# SIGTERM to everything started, newest first (the volunteers and the console before the servers, so they print their
# summaries instead of complaining that a server went away); SIGKILL whatever is still there after 5 s.
stop_started() {
    local i pid
    [[ -n $sleeper ]] && kill "$sleeper" 2>/dev/null
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        pid=${pids[i]}
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    sleep 0.2  # let the output prefixers print the last lines
}

# A sleep that Ctrl-C or SIGTERM interrupts at once (bash runs traps only between foreground commands, but `wait`
# returns early for them).
pause() {
    sleep "$1" &
    sleeper=$!
    wait "$sleeper"
    sleeper=""
}
prefix() { sed -u "s/^/[$1] /"; }
say() { printf '\n=== %s\n' "$*"; }
# start NAME COMMAND...: runs COMMAND in the background, its output prefixed with [NAME] and kept in $WORK/NAME.log.
start() {
    local name=$1
    shift
    "$@" > >(tee "$WORK/$name.log" | prefix "$name") 2>&1 &
    pids+=($!)
}
# served_on PORT PATH: GET PATH from 127.0.0.1:PORT answers 200; bash's /dev/tcp, no curl needed.
served_on() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
        IFS= read -r -t 2 status <&3 || exit 1
        [[ $status == *" 200 "* ]]
    ) 2>/dev/null
}
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.1 s.
wait_for() {
    local seconds=$1 what=$2
    shift 2
    for _ in $(seq $((seconds * 10))); do
        "$@" && return 0
        sleep 0.1
    done
    echo "demo: timed out waiting for $what" >&2
    return 1
}
