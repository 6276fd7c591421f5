#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a browser download): install it with apt if missing.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then exit 0; fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "Cài Chromium của Debian bằng apt (cho kiểm thử trình duyệt)…"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
[ -x "$CHROMIUM" ] || { echo "Không cài được Chromium ($CHROMIUM)." >&2; exit 1; }
