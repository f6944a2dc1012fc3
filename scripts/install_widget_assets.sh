#!/usr/bin/env bash
# Fetch the browser scripts that `coursekit render` copies next to its HTML, so that the
# rendered lessons work with no CDN: @jupyter-widgets/html-manager (the widget embed
# bundle), requirejs (its loader) and mathjax 3 (formulas), from the npm registry, into
# build/web-assets/ (git-ignored). Versions are pinned below.
#
# Idempotent: skips npm when all three are already there. Override the folder with
# COURSEKIT_WEB_ASSETS (coursekit/render.py reads the same variable).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${COURSEKIT_WEB_ASSETS:-$ROOT/build/web-assets}"
HTML_MANAGER_VERSION="1.0.15"
REQUIREJS_VERSION="2.3.8"
MATHJAX_VERSION="3.2.2"

EMBED="$DEST/node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js"
REQUIRE="$DEST/node_modules/requirejs/require.js"
MATHJAX="$DEST/node_modules/mathjax/es5/tex-chtml-full.js"

if [ -f "$EMBED" ] && [ -f "$REQUIRE" ] && [ -f "$MATHJAX" ]; then
    echo "install_widget_assets: already present in $DEST"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
        echo "install_widget_assets: npm not found; installing Debian's npm"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends npm >/dev/null
    else
        echo "install_widget_assets: ERROR: npm not found (sudo apt-get install -y npm)" >&2
        exit 1
    fi
fi

mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || echo '{"name": "coursekit-web-assets", "private": true}' > package.json
npm install --no-audit --no-fund --loglevel=error \
    "@jupyter-widgets/html-manager@$HTML_MANAGER_VERSION" "requirejs@$REQUIREJS_VERSION" \
    "mathjax@$MATHJAX_VERSION"

for f in "$EMBED" "$REQUIRE" "$MATHJAX"; do
    [ -f "$f" ] || { echo "install_widget_assets: ERROR: $f missing after npm install" >&2; exit 1; }
done
echo "install_widget_assets: installed into $DEST"
