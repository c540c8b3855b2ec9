#!/usr/bin/env bash
# npm test: the whole suite on a fresh Debian machine. Puts Node 22 first on PATH when the
# machine's node is older, installs the programs the tests drive (redis-server, chromium,
# promtool, haproxy), builds what the tests run (dist/ and the page bundle), then runs unit and e2e
# suites. Every server a test needs is started and stopped by that test on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/use-node22.sh
bash scripts/provision.sh
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
npm run build
# The local fakes of OpenAI serve TLS signed by this test CA; Node reads it only at start-up.
export NODE_EXTRA_CA_CERTS="$PWD/test/fakes/tls/ca.pem"
npx jest --config jest.config.js
npx jest --config test/jest-e2e.config.js --runInBand "$@"
