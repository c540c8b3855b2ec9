#!/usr/bin/env bash
# npm run probe -- [--yes] [--out <file>]: check this deployment against the real OpenAI API (docs/probe.md).
# Builds first when the sources are newer than dist/, like npm start. npm runs it in the project
# folder, so the .env read is the service's own. It needs the development dependencies (werift):
# run it from a checkout after npm ci, not in the production image.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/use-node22.sh" >/dev/null 2>&1
command="$root/dist/probe/probe.command.js"
if [ ! -f "$command" ] || [ -n "$(find "$root/src" "$root/package.json" -newer "$command" -print -quit)" ]; then
  (cd "$root" && npx nest build >&2)
fi
exec node "$command" "$@"
