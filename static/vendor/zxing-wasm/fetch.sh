#!/usr/bin/env bash
# Vendor zxing-wasm's reader (the price check's barcode fallback where the browser has no
# BarcodeDetector) from the npm registry, pinned, and check it against SHA256SUMS.
# Served from this origin only: its default would fetch the .wasm from a CDN, which the
# scanner overrides (static/js/customer-check-scanner.js).
set -euo pipefail
VERSION=3.1.6
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "zxing-wasm@$VERSION" --silent >/dev/null && tar xzf "zxing-wasm-$VERSION.tgz")
dest="$here/$VERSION"
mkdir -p "$dest/es/reader" "$dest/reader"
cp "$work/package/dist/es/share.js" "$dest/es/"
cp "$work/package/dist/es/reader/index.js" "$dest/es/reader/"
cp "$work/package/dist/reader/zxing_reader.wasm" "$dest/reader/"
cp "$work/package/LICENSE" "$dest/"
(cd "$dest" && sha256sum --check --quiet SHA256SUMS)
echo "zxing-wasm $VERSION vendored into $dest"
