#!/usr/bin/env bash
# Tests convert exported spreadsheets with LibreOffice headless (a file LibreOffice rejects must not
# pass) and read the PDF report back with pdftotext (poppler-utils): install Debian's LibreOffice
# Calc without GUI and poppler-utils when missing.
set -euo pipefail
packages=()
if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
  packages+=(libreoffice-calc-nogui)
fi
if ! command -v pdftotext >/dev/null 2>&1; then
  packages+=(poppler-utils)
fi
if [ "${#packages[@]}" = 0 ]; then exit 0; fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "Cài ${packages[*]} bằng apt (cho kiểm thử tệp Excel và báo cáo PDF)…"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 \
  || { echo "Không cài được LibreOffice." >&2; exit 1; }
command -v pdftotext >/dev/null 2>&1 || { echo "Không cài được poppler-utils (pdftotext)." >&2; exit 1; }
