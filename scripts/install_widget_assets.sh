#!/usr/bin/env bash
# Fetch the browser scripts that `coursekit render` copies next to its HTML, so that the
# rendered lessons work with no CDN: @jupyter-widgets/html-manager (the widget embed
# bundle, self-contained), requirejs (its loader) and mathjax 3 (formulas), from the npm
# registry, into build/web-assets/node_modules/ (git-ignored). Versions are pinned below.
#
# Only the three package tarballs are fetched (`npm pack`, about 11 MB, checked against
# the registry's sha512), not their dependency trees (`npm install` pulled 152 MB).
# npm's cache goes to a temporary folder that is removed on exit, also on failure.
#
# Idempotent: skips npm when all three are already there. Override the folder with
# COURSEKIT_WEB_ASSETS (coursekit/render_assets.py reads the same variable).
# `coursekit render` runs this script by itself the first time it needs the scripts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${COURSEKIT_WEB_ASSETS:-$ROOT/build/web-assets}"
PACKAGES=("@jupyter-widgets/html-manager@1.0.15" "requirejs@2.3.8" "mathjax@3.2.2")

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

WORK="$(mktemp -d "${TMPDIR:-/tmp}/coursekit-web-assets.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export npm_config_cache="$WORK/npm-cache" npm_config_update_notifier=false npm_config_fund=false

echo "install_widget_assets: fetching ${PACKAGES[*]} from npm (an 11 MB download) into $DEST"
(cd "$WORK" && npm pack --silent --json "${PACKAGES[@]}" > packed.json)
for package in "${PACKAGES[@]}"; do
    name="${package%@*}"
    tarball="$WORK/$(node -e '
        const [name, list] = [process.argv[1], require(process.argv[2])];
        const hit = list.find((p) => p.name === name);
        if (!hit || !hit.integrity.startsWith("sha512-")) process.exit(1);
        console.log(hit.filename);' "$name" "$WORK/packed.json")"
    expected="$(node -e '
        const hit = require(process.argv[2]).find((p) => p.name === process.argv[1]);
        console.log(hit.integrity.slice(7));' "$name" "$WORK/packed.json")"
    actual="$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
    if [ "$expected" != "$actual" ]; then
        echo "install_widget_assets: ERROR: $package does not match the registry's sha512" >&2
        exit 1
    fi
    mkdir -p "$WORK/unpacked/$name"
    tar -xzf "$tarball" -C "$WORK/unpacked/$name" --strip-components=1 --no-same-owner
done

mkdir -p "$DEST/node_modules"
for package in "${PACKAGES[@]}"; do
    name="${package%@*}"
    rm -rf "$DEST/node_modules/$name"
    mkdir -p "$(dirname "$DEST/node_modules/$name")"
    mv "$WORK/unpacked/$name" "$DEST/node_modules/$name"
done

for f in "$EMBED" "$REQUIRE" "$MATHJAX"; do
    [ -f "$f" ] || { echo "install_widget_assets: ERROR: $f missing after unpacking" >&2; exit 1; }
done
echo "install_widget_assets: installed into $DEST ($(du -sh "$DEST" | cut -f1))"
