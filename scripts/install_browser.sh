#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the browser test (tests/test_browser.py).
#
# Idempotent: does nothing when /usr/bin/chromium (or $COURSEKIT_CHROMIUM) exists.
# Needs root and apt-get; without them it prints why it skipped and exits 0, and the
# browser test then reports loudly that it could not run.
set -euo pipefail

CHROMIUM="${COURSEKIT_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
    echo "install_browser: $CHROMIUM already installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser: SKIP: apt-get not found; install Chromium yourself and set COURSEKIT_CHROMIUM" >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install_browser: SKIP: not root; run 'sudo apt-get install -y chromium' or set COURSEKIT_CHROMIUM" >&2
    exit 0
fi

echo "install_browser: installing Debian chromium (about 500 MB, ~20 s)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "install_browser: installed $("$CHROMIUM" --version)"
