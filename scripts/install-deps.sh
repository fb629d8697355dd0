#!/usr/bin/env bash
# Installs everything yihu needs to build, test and run on a fresh Debian 12 (bookworm) machine.
# Idempotent: packages already present are left alone, so CI and the README can call it every time.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache mold pkg-config git clang-format
  libboost1.81-dev libboost-program-options1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libprotobuf-dev protobuf-compiler
  libhiredis-dev libspdlog-dev libfmt-dev
  libsqlite3-dev libssl-dev libtomlplusplus-dev libxml2-dev libxml2-utils
  libgtest-dev libgmock-dev
  redis-server redis-sentinel haproxy curl
  clang-14 libclang-rt-14-dev   # the fuzz preset: libFuzzer, ASan and UBSan runtimes (scripts/fuzz.sh)
  chromium fonts-wqy-microhei libjs-leaflet  # headless browser and CJK font for the browser tests; the console's map
)
# Node and npm run the JS client library's tests and the browser tests; a machine may already have them from elsewhere.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The redis-server package starts a system instance on 6379; yihu's tests and benches start their own on free ports.
fi

# The repository's npm packages (package.json workspaces, versions pinned in package-lock.json): `npm ci` again only
# when the lock file changed since the last install.
cd "$(dirname "$0")/.."
if ! cmp -s package-lock.json node_modules/.yihu-installed-lock 2>/dev/null; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.yihu-installed-lock
fi

# The load benchmark's Node.js contender (bench/load/ws_broadcast_server.js) needs the npm packages pinned in
# bench/load/package-lock.json. npm ci runs only when the installed ws is not the pinned one.
load_dir="$PWD/bench/load"
pinned=$(node -p "require('$load_dir/package-lock.json').packages['node_modules/ws'].version")
installed=$(node -p "try { require('$load_dir/node_modules/ws/package.json').version } catch (e) { '' }")
if [ "$pinned" = "$installed" ]; then
  echo "install-deps: npm ws $installed present in bench/load"
else
  echo "install-deps: npm ci in bench/load (ws $pinned)"
  (cd "$load_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
