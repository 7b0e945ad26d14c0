#!/usr/bin/env bash
# Write tests/upgrade/ again from a release: its demo database on SQLite and on PostgreSQL,
# and the keys that encrypted them. Run at each release, then set RELEASE in
# tests/test_upgrade.py to the new commit:
#
#     tools/upgrade_fixture.sh COMMIT [postgres://postgres@127.0.0.1:5432]
#
# The release's code runs from a git worktree with this checkout's virtualenv (.venv), so its
# dependencies must still import; the demo's 3,000 matters of history take about a minute.
set -euo pipefail
commit=$(git rev-parse --short "${1:?usage: tools/upgrade_fixture.sh COMMIT [PG_URL]}")
pg=${2:-postgres://postgres@127.0.0.1:5432}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"; psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS shfixture_$commit WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
git -C "$root" worktree add --detach "$work/src" "$commit" >/dev/null
run() { PYTHONPATH="$work/src" "$root/.venv/bin/python" -m safeharbor "$@"; }

SAFEHARBOR_HOME="$work/home" run demo --no-serve >/dev/null
mkdir -p "$work/pg" && cp "$work/home/field_encryption.key" "$work/home/blind_index.key" "$work/home/secret_key" "$work/pg/"
psql "$pg/postgres" -qc "CREATE DATABASE shfixture_$commit"
SAFEHARBOR_HOME="$work/pg" DATABASE_URL="$pg/shfixture_$commit" run demo --no-serve >/dev/null

out="$root/tests/upgrade"
rm -f "$out"/release-*
xz -9 -c "$work/home/safeharbor.sqlite3" > "$out/release-$commit.sqlite3.xz"
pg_dump --no-owner --no-privileges "$pg/shfixture_$commit" | xz -9 > "$out/release-$commit.pg.sql.xz"
cp "$work/home/field_encryption.key" "$work/home/blind_index.key" "$work/home/secret_key" "$out/"
echo "tests/upgrade/ now holds release $commit; set RELEASE = \"$commit\" in tests/test_upgrade.py"
