#!/usr/bin/env bash
# Rebuild dashboard/static/plotly-atlas.min.js (plotly.js with only the trace types the
# Atlas draws) and dashboard/static/topojson-client.min.js from the npm registry, with
# the versions pinned in scripts/plotly-bundle/package-lock.json. Needs node and npm at
# build time only; the built files are committed and served by the app (no CDN).
# plotly.js's version must be the one the plotly Python package ships (a test checks).
set -euo pipefail
cd "$(dirname "$0")/plotly-bundle"
npm ci --no-audit --no-fund --ignore-scripts
node build.js
