#!/usr/bin/env bash
# Installs the Debian packages the pipeline and its tests use, if they are missing.
# poppler-utils: pdftotext for the extraction benchmark's comparison, pdftoppm for PDF previews.
# libreoffice-writer-nogui: Word -> PDF (and PDF/A) of the meeting documents (outputs/pdf.py).
# fonts-dejavu-core, fonts-liberation2: fonts for that conversion (with --no-install-recommends
# LibreOffice brings none but its symbol font; Liberation has the metrics of Arial/Times New Roman).
# tesseract-ocr, tesseract-ocr-deu: archive digitization (intmk digitize); ghostscript: its second try
# at PDF/A for files pikepdf alone cannot make PDF/A (form fields, odd images).
# postgresql: the storage tests start a real, throw-away PostgreSQL server (INTMK_DATABASE_URL).
set -euo pipefail
packages=(poppler-utils libreoffice-writer-nogui tesseract-ocr ghostscript)
commands=(pdftotext soffice tesseract gs)
fonts=(fonts-dejavu-core fonts-liberation2)
font_names=("DejaVu Sans" "Liberation Sans")

missing=()
for i in "${!packages[@]}"; do
  command -v "${commands[$i]}" >/dev/null 2>&1 || missing+=("${packages[$i]}")
done
for i in "${!fonts[@]}"; do
  [ -n "$(fc-list "${font_names[$i]}" family 2>/dev/null)" ] || missing+=("${fonts[$i]}")
done
compgen -G "/usr/share/tesseract-ocr/*/tessdata/deu.traineddata" >/dev/null || missing+=(tesseract-ocr-deu)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "Bitte als root installieren: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
