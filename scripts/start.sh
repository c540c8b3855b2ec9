#!/usr/bin/env bash
# npm start: build when the sources are newer than dist/, then serve with Node 22.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/use-node22.sh
if [ ! -f dist/main.js ] || [ ! -f views/static/app.js ] || [ -n "$(find src views/src package.json -newer dist/main.js -print -quit)" ]; then
  npm run build
fi
# Same V8 tuning as the container image (Dockerfile).
export NODE_OPTIONS="${NODE_OPTIONS:---max-semi-space-size=4}"
exec node dist/main.js
