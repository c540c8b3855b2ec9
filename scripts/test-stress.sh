#!/usr/bin/env bash
# npm run test:stress: the whole suite (npm test) run twice while both cores are kept busy, as on a
# shared CI machine. The load is bounded: one busy loop per core, started here and stopped when the
# runs end (or this script is interrupted). Prints each run's result and time; exits non-zero when
# either run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/use-node22.sh
runs="${STRESS_RUNS:-2}"
cores="$(nproc)"
loops=()
stop_load() { for pid in "${loops[@]}"; do kill "$pid" 2>/dev/null; done; }
trap stop_load EXIT INT TERM
for _ in $(seq "$cores"); do
  node -e 'for (;;) {}' &
  loops+=("$!")
done
echo "test:stress: ${#loops[@]} busy loop(s) running on $cores core(s); $runs run(s) of npm test" >&2
failed=0
summary=()
for run in $(seq "$runs"); do
  started=$(date +%s)
  if bash scripts/test.sh "$@"; then result=passed; else result=FAILED; failed=1; fi
  summary+=("run $run: $result in $(( $(date +%s) - started )) s")
done
stop_load
printf 'test:stress: %s\n' "${summary[@]}"
exit "$failed"
