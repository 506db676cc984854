#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on 127.0.0.1, then remove the cluster.
#   tests/with_postgres.sh COMMAND...   (DATABASE_URL is set for COMMAND)
# Exits 75 without running COMMAND when no PostgreSQL server can be started here.
set -euo pipefail

PORT="${BACKCARE_PG_PORT:-55432}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing PostgreSQL from Debian's packages for the second test pass…"
  (apt-get install -y -qq postgresql >/dev/null 2>&1 ||
   (apt-get update -qq && apt-get install -y -qq postgresql >/dev/null)) || true
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$bin" ]; then
  echo "No PostgreSQL server here (install Debian's 'postgresql'): skipping the PostgreSQL pass."
  exit 75
fi

dir=$(mktemp -d)
run_as=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  run_as=(runuser -u postgres --)
fi
stop() {
  cd "$dir" 2>/dev/null || true
  "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

here=$(pwd)
cd "$dir"  # the postgres user may not be allowed into the caller's directory
"${run_as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
  start >/dev/null
"${run_as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U postgres backcare

cd "$here"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/backcare"
"$@"
