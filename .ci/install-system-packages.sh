#!/usr/bin/env bash
# System packages the PDF and the browser tests need (Debian/Ubuntu, run as root or
# with sudo). Idempotent: packages already installed are left as they are, and apt is
# not even asked when everything is present.
#
#   .ci/install-system-packages.sh          TeX subset + poppler + rsvg-convert + chromium + npm (tests)
#   .ci/install-system-packages.sh --pdf    TeX subset + poppler + rsvg-convert (building the PDF)
#
# The TeX subset is the lean pdflatex route (about 355 MB), not texlive-full.
set -euo pipefail

packages=(latexmk texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
          tex-gyre poppler-utils librsvg2-bin)
case "${1:-}" in
  --pdf) ;;
  "") packages+=(chromium) ;;
  *) echo "usage: $0 [--pdf]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm installs axe-core for the accessibility tests; any npm will do (a Node.js from
# another source may bring its own), so Debian's is installed only when none is found.
if [ -z "${1:-}" ] && ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "system packages: installing ${missing[*]}"
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: done"
