#!/usr/bin/env bash
# Runs yihu's libFuzzer targets (fuzz/) from their checked-in seed corpora (fuzz/corpus/<target>/): the long runs.
# (CI's short smoke is the fuzz_replay_* CTest entries of the ordinary builds; docs/fuzzing.md.)
#   ./scripts/fuzz.sh                                 # builds the fuzz preset, then runs every target for 60 s
#   ./scripts/fuzz.sh --seconds 600 token             # one target, ten minutes
#   ./scripts/fuzz.sh --runs 10000000 polygon         # one target, ten million executions (no time limit)
#   ./scripts/fuzz.sh --build-dir build/fuzz --seconds 5 polygon   # what ctest --preset fuzz runs (no build)
# Targets run one after the other under nice (YIHU_FUZZ_NICE, default 10): the machine is shared. New inputs go to a
# scratch directory, never into the checked-in corpus; a crash, a hang (-timeout) or a sanitizer report leaves its
# input in fuzz/findings/<target>/ and the script exits non-zero. Per target it prints executions, exec/s, seconds,
# peak RSS and the size of the corpus the run ended with.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=""
runs=""
build_dir=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(volunteer_envelope dispatcher_json http_request token polygon cap)
[ -n "$seconds" ] || [ -n "$runs" ] || seconds=60
limits=()
[ -z "$seconds" ] || limits+=(-max_total_time="$seconds")
[ -z "$runs" ] || limits+=(-runs="$runs")

if [ -z "$build_dir" ]; then
  build_dir=build/fuzz
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "${YIHU_JOBS:-$(nproc)}"
fi

status=0
for target in "${targets[@]}"; do
  binary="$build_dir/fuzz/fuzz_$target"
  seeds="fuzz/corpus/$target"
  [ -x "$binary" ] || { echo "fuzz.sh: no $binary (build the fuzz preset)" >&2; exit 2; }
  [ -d "$seeds" ] || { echo "fuzz.sh: no seed corpus $seeds" >&2; exit 2; }
  scratch=$(mktemp -d)
  findings="fuzz/findings/$target"
  mkdir -p "$findings"
  log="$scratch/log"
  mkdir "$scratch/corpus"
  echo "=== fuzz_$target: ${limits[*]} from $seeds ==="
  # -rss_limit_mb bounds a run on a shared machine; -timeout turns a hang into a finding; -artifact_prefix keeps the
  # input for the regression test.
  started=$(date +%s)
  if nice -n "${YIHU_FUZZ_NICE:-10}" "$binary" "${limits[@]}" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$findings/" "$scratch/corpus" "$seeds" >"$log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb" "$log" || true
    echo "seconds: $(($(date +%s) - started))"
    echo "corpus: $(find "$scratch/corpus" -type f | wc -l) new files, $(grep -E '^#[0-9]+' "$log" | tail -1)"
  else
    status=1
    tail -60 "$log"
    echo "fuzz.sh: fuzz_$target FAILED; the input is in $findings/" >&2
  fi
  rm -rf "$scratch"
  rmdir "$findings" 2>/dev/null || true
done
exit $status
