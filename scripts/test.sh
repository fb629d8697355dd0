#!/usr/bin/env bash
# Builds yihu and runs the whole test suite: a release build, then an ASan+UBSan build, each through CTest.
# Both include the fuzz smoke: the fuzz_replay_* entries run every fuzz target's entry over its seed corpus and
# deterministic mutations of it (under ASan+UBSan in the asan build). The clang libFuzzer build is not in CI: it would
# compile everything a third time; the long runs are ./scripts/fuzz.sh, and YIHU_PRESETS="release asan fuzz" adds
# its 5-second libFuzzer smoke per target here (docs/fuzzing.md).
# Installs what it needs first (Debian packages), so it works on a fresh machine. CI runs exactly this (.ci/run).
#   YIHU_PRESETS="release"  ./scripts/test.sh   # only the release build (quicker, for local iteration)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
presets=${YIHU_PRESETS:-"release asan"}
jobs=${YIHU_JOBS:-$(nproc)}

for preset in $presets; do
  echo "=== yihu: ${preset} build and tests ==="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
done
