#!/usr/bin/env bash
# The test suite on both storage engines at once: every test with the bot's storage on SQLite,
# and meanwhile the tests that touch storage again with it on PostgreSQL (tests/databases.py).
# Most tests wait on sockets and timers, so the two runs share the machine well (about 6
# minutes together on 2 cores, 9 one after the other). Exits non-zero if either fails.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
SELLERBOT_TEST_DATABASE=postgresql .venv/bin/pytest -q -p no:cacheprovider "$@" >"$log" 2>&1 &
postgres=$!
.venv/bin/pytest "$@"
sqlite=$?
wait "$postgres"
pg=$?
echo "== the same tests with the storage on PostgreSQL (SELLERBOT_TEST_DATABASE=postgresql):"
cat "$log"
rm -f "$log"
[ "$sqlite" -eq 0 ] && [ "$pg" -eq 0 ]
