#!/usr/bin/env bash
# npm run token -- --sub alice --ttl 2h: print a signed HS256 token (see src/auth/token-minter.ts).
# Builds first when the sources are newer than dist/, like npm start. npm runs it in the project
# folder, so the .env read is the service's own. In the container: node dist/auth/token.command.js.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/use-node22.sh" >/dev/null 2>&1
command="$root/dist/auth/token.command.js"
if [ ! -f "$command" ] || [ -n "$(find "$root/src" "$root/package.json" -newer "$command" -print -quit)" ]; then
  (cd "$root" && npx nest build >&2)
fi
exec node "$command" "$@"
