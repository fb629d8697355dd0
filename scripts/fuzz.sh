#!/usr/bin/env bash
# Runs yihu's libFuzzer targets (fuzz/) from their checked-in seed corpora (fuzz/corpus/<target>/).
#   ./scripts/fuzz.sh                      # builds the fuzz preset, then runs every target for 60 s
#   ./scripts/fuzz.sh --seconds 600 token  # one target, ten minutes
#   ./scripts/fuzz.sh --build-dir build/fuzz --seconds 5 polygon   # what the CTest smoke entries run (no build)
# New inputs go to a scratch directory, never into the checked-in corpus; a crash leaves its input in
# fuzz/findings/<target>/ and the script exits non-zero. The last line per target gives executions and exec/s.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
build_dir=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(volunteer_envelope dispatcher_json http_request token polygon)

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
  echo "=== fuzz_$target: ${seconds}s from $seeds ==="
  # -rss_limit_mb bounds a run on a shared machine; -artifact_prefix keeps crashing inputs for the regression test.
  if "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix="$findings/" "$scratch" "$seeds" >"$log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb" "$log" || true
  else
    status=1
    tail -60 "$log"
    echo "fuzz.sh: fuzz_$target FAILED; the input is in $findings/" >&2
  fi
  rm -rf "$scratch"
  rmdir "$findings" 2>/dev/null || true
done
exit $status
