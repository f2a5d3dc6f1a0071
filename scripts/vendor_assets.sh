#!/usr/bin/env bash
# Copy the few front-end files the portal serves from node_modules into static/vendor/
# (collected by collectstatic like the project's own files; never loaded from a CDN).
set -euo pipefail
cd "$(dirname "$0")/.."
out=static/vendor
rm -rf "$out"
mkdir -p "$out/bootstrap/css" "$out/bootstrap/js" "$out/htmx" "$out/echarts"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$out/bootstrap/css/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$out/bootstrap/js/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
cp node_modules/echarts/dist/echarts.min.js "$out/echarts/"
echo "vendor assets: $(find "$out" -type f | wc -l) files in $out"
