#!/usr/bin/env bash
# The test suite on both storage engines at once: every test with the bot's storage on SQLite,
# and meanwhile the tests that touch storage again with it on PostgreSQL (tests/databases.py).
# Most tests wait on sockets, timers and child processes, so three pytest runs share the
# machine well: the adapters' tests and the rest on SQLite, side by side, and the PostgreSQL
# run (about 4 minutes together on 2 cores, 9 one after the other). Each run's output is
# printed when it ends; exits non-zero if any run fails.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
adapters=(tests/telegram tests/discord)

.venv/bin/pytest "$@" "${adapters[@]}" >"$logs/adapters" 2>&1 &
pids=($!)
SELLERBOT_TEST_DATABASE=postgresql .venv/bin/pytest -q -p no:cacheprovider "$@" \
    >"$logs/postgresql" 2>&1 &
pids+=($!)
.venv/bin/pytest -p no:cacheprovider "$@" "${adapters[@]/#/--ignore=}"
status=$?
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done
echo "== the adapters' tests (tests/telegram, tests/discord), storage on SQLite:"
cat "$logs/adapters"
echo "== the tests that touch storage, on PostgreSQL (SELLERBOT_TEST_DATABASE=postgresql):"
cat "$logs/postgresql"
exit "$status"
