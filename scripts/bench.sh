#!/usr/bin/env bash
# npm run bench [section…]: builds, then prints every figure against its target.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/use-node22.sh
bash scripts/provision.sh
npm run build >/dev/null
SWC_NODE_PROJECT=test/tsconfig.json exec node -r @swc-node/register bench/run.ts "$@"
