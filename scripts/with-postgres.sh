#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster on loopback:
#   scripts/with-postgres.sh .venv/bin/pytest
# PG_SERVER_OPTIONS adds server settings (`make test-postgres`: autovacuum off, see tests/conftest.py).
# The cluster lives in a temporary folder and is stopped and removed afterwards. PostgreSQL
# refuses to run as root, so as root the server runs as the unprivileged `postgres` user.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
find_pgbin() { ls -d /usr/lib/postgresql/15/bin 2>/dev/null | head -n 1; }
PGBIN=$(find_pgbin)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "Cài PostgreSQL 15 của Debian bằng apt…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  PGBIN=$(find_pgbin)
fi
[ -x "$PGBIN/initdb" ] || { echo "Không tìm thấy initdb của PostgreSQL 15." >&2; exit 1; }

tmp=$(mktemp -d /tmp/parindex-pg.XXXXXX)
chmod 755 "$tmp"
run_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  pguser=postgres
  id "$pguser" >/dev/null 2>&1 || pguser=nobody
  chown "$pguser" "$tmp"
  run_pg() { runuser -u "$pguser" -- "$@"; }
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cleanup() {
  run_pg "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
run_pg "$PGBIN/initdb" -D "$tmp/data" -U parindex --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c full_page_writes=off ${PG_SERVER_OPTIONS:-}" \
  start >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$port" -U parindex -d postgres -Atc "select version()" | sed 's/^/PostgreSQL: /'
export DATABASE_URL="postgres://parindex@127.0.0.1:$port/postgres"
"$@"
