#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the project with its dev tools.
# On a fresh Debian with only python3, make and apt, `python3 -m venv` needs python3-venv:
# install it with apt when venv creation fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON=$candidate; break; fi
  done
fi
[ -n "$PYTHON" ] || { echo "Không tìm thấy Python 3.11 (python3.11 hoặc python3)." >&2; exit 1; }
version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$version" != "3.11" ]; then
  echo "Cần Python 3.11, nhưng $PYTHON là $version. Đặt PYTHON=/đường/dẫn/python3.11." >&2
  exit 1
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "Cài python3-venv bằng apt…"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv "python${version}-venv" || \
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    "$PYTHON" -m venv .venv
  fi
fi
# WeasyPrint (PDF reports) needs Pango; DejaVu fonts cover Vietnamese.
if ! ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" || ! ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" \
   || [ ! -d /usr/share/fonts/truetype/dejavu ]; then
  echo "Cài Pango và phông DejaVu bằng apt (cho báo cáo PDF)…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
    fonts-dejavu-core >/dev/null
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[dev]'
