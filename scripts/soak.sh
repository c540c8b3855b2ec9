#!/usr/bin/env bash
# npm run soak: builds, then runs the long load and soak specs (test/reliability/*.soak-spec.ts)
# against the built app — 500 conversations for five minutes, a paused reader and a flooding
# client, then the ceiling search. Every process is started and stopped by the specs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/use-node22.sh
bash scripts/provision.sh
npm run build >/dev/null
export NODE_EXTRA_CA_CERTS="$PWD/test/fakes/tls/ca.pem"
exec npx jest --config test/jest-soak.config.js --runInBand "$@"
