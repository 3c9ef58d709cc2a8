#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the store tests (or reuses the one
# already running): a private cluster owned by the `postgres` user,
# listening on 127.0.0.1 only, with a database `purposeguard_test`.
#
#   eval "$(scripts/test-postgres.sh)"   # exports PURPOSEGUARD_TEST_PG_URL
#   scripts/test-postgres.sh npm test    # runs a command with it set
#
# Run as root on Debian; installs PostgreSQL when it is missing.
set -euo pipefail

PORT="${PURPOSEGUARD_PG_PORT:-54329}"
ROOT="${PURPOSEGUARD_PG_DIR:-${TMPDIR:-/tmp}/purposeguard-pg-$PORT}"
DATA="$ROOT/data"
DB=purposeguard_test
URL="postgres://postgres@127.0.0.1:$PORT/$DB"

say() { echo "test-postgres: $*" >&2; }
as_postgres() { runuser -u postgres -- "$@"; }
bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    say "run as root (it installs packages and switches to the postgres user)"
    exit 1
  fi
}

install_postgres() {
  if [ -n "$(bin_dir)" ] && id postgres >/dev/null 2>&1; then return; fi
  say "installing PostgreSQL"
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
}

init_cluster() {
  if [ -f "$DATA/PG_VERSION" ]; then return; fi
  say "creating a cluster in $DATA"
  mkdir -p "$ROOT"
  chown postgres:postgres "$ROOT"
  chmod 700 "$ROOT"
  as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth=trust \
    --encoding=UTF8 --no-locale >&2
}

start_cluster() {
  if as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "reusing the cluster already running in $DATA"
    return
  fi
  say "starting PostgreSQL on 127.0.0.1:$PORT"
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$ROOT" \
    start >&2 || { tail -n 20 "$ROOT/server.log" >&2; exit 1; }
}

wait_ready() {
  for _ in $(seq 1 60); do
    if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then return; fi
    sleep 0.5
  done
  say "PostgreSQL did not accept connections on 127.0.0.1:$PORT"
  exit 1
}

create_database() {
  local psql=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAq)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" = 1 ]; then
    return
  fi
  say "creating database $DB"
  "${psql[@]}" -c "CREATE DATABASE $DB" >&2
}

require_root
install_postgres
BIN="$(bin_dir)"
init_cluster
start_cluster
wait_ready
create_database

export PURPOSEGUARD_TEST_PG_URL="$URL"
if [ "$#" -gt 0 ]; then
  exec "$@"
fi
echo "export PURPOSEGUARD_TEST_PG_URL=$URL"
