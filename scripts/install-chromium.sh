#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test of report.html (tests/report_browser.rs),
# unless it is already there. Needs root (or sudo) and Debian's package archive.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
chromium --version
