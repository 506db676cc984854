#!/usr/bin/env bash
# Run a command with a throwaway Redis server on 127.0.0.1, then remove the server.
#   tests/with_redis.sh COMMAND...   (REDIS_URL is set for COMMAND)
# Exits 75 without running COMMAND when no Redis server can be started here.
set -euo pipefail

PORT="${BACKCARE_REDIS_PORT:-56379}"
if ! command -v redis-server >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Redis from Debian's packages for the shared-cache test pass…"
  (apt-get install -y -qq redis-server >/dev/null 2>&1 ||
   (apt-get update -qq && apt-get install -y -qq redis-server >/dev/null)) || true
fi
if ! command -v redis-server >/dev/null; then
  echo "No Redis server here (install Debian's 'redis-server'): skipping the Redis pass."
  exit 75
fi

dir=$(mktemp -d)
stop() {
  redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
  --daemonize yes --logfile "$dir/log" >/dev/null
for _ in $(seq 50); do
  redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
if ! redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; then
  echo "Redis did not start: skipping the Redis pass."
  exit 75
fi

REDIS_URL="redis://127.0.0.1:$PORT/0" "$@"
