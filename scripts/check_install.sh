#!/usr/bin/env bash
# Installs a build into a scratch DESTDIR with the default prefix and checks that every path deploy/yihu.service
# names is there (CTest's install_layout; usage: check_install.sh <build dir>).
set -euo pipefail
build=${1:?usage: check_install.sh <build dir>}
root="$(cd "$(dirname "$0")/.." && pwd)"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
DESTDIR="$stage" cmake --install "$build" --prefix /usr/local >"$stage.log" 2>&1 || { cat "$stage.log"; exit 1; }
rm -f "$stage.log"

fail=0
need() { if [ -e "$stage$1" ]; then echo "ok   $1"; else echo "MISSING $1"; fail=1; fi; }
unit=/usr/local/lib/systemd/system/yihu.service
need "$unit"
need /etc/yihu/yihu.example.toml
need /etc/yihu/yihu.toml
for tool in yihu-server yihu-token yihu-dispatch yihu-volunteer; do need "/usr/local/bin/$tool"; done
# Every absolute path the unit uses: the binary, the config, the documentation.
exec_start=$(sed -n 's/^ExecStart=//p' "$root/deploy/yihu.service")
binary=${exec_start%% *}
config=$(printf '%s' "$exec_start" | sed -n 's/.*--config \([^ ]*\).*/\1/p')
doc=$(sed -n 's|^Documentation=file://||p' "$root/deploy/yihu.service")
for path in "$binary" "$config" "$doc"; do need "$path"; done
[ -x "$stage$binary" ] || { echo "not executable: $binary"; fail=1; }
# The installed binary runs, and reads the installed config (address 10.0.0.11 is not ours, so only --help).
"$stage$binary" --help >/dev/null || { echo "$binary --help failed"; fail=1; }
# A second install keeps an operator's edited config.
echo "# edited" >>"$stage/etc/yihu/yihu.toml"
DESTDIR="$stage" cmake --install "$build" --prefix /usr/local >/dev/null
grep -q "^# edited" "$stage/etc/yihu/yihu.toml" || { echo "a reinstall overwrote /etc/yihu/yihu.toml"; fail=1; }
exit $fail
