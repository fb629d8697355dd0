#!/usr/bin/env bash
# Builds yihu and runs the whole test suite: a release build, then an ASan+UBSan build, each through CTest.
# The fuzz preset (clang; its CTest entries run every libFuzzer target for a few seconds from its seed corpus) is not
# in the default list yet: add it with YIHU_PRESETS="release asan fuzz" (docs/fuzzing.md).
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
