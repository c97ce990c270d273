#!/usr/bin/env bash
# `make run`: Tally's embedded default on one machine. Without REDIS_URL it
# starts a local redis-server with its data under TALLY_DATA_DIR and stops it
# on exit; without TALLY_ADMIN_TOKEN it generates one at first start, prints
# it once and keeps it in the data directory.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir="${TALLY_DATA_DIR:-./var}"
mkdir -p "$data_dir"
redis_pid=""
tally_pid=""

cleanup() {
  if [ -n "$tally_pid" ] && kill -0 "$tally_pid" 2>/dev/null; then
    kill -TERM "$tally_pid" 2>/dev/null || true
    wait "$tally_pid" 2>/dev/null || true
  fi
  if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
    kill -TERM "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

if [ -z "${REDIS_URL:-}" ]; then
  redis_port="${TALLY_REDIS_PORT:-$(free_port)}"
  # appendfsync always: an XADD that returned is on disk, as the 2xx promises.
  # Own session (setsid): a Ctrl-C meant for us must not stop Redis under Tally's graceful shutdown; cleanup stops it after.
  setsid redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$(cd "$data_dir" && pwd)" \
    --appendonly yes --appendfsync "${TALLY_REDIS_APPENDFSYNC:-always}" --save "" \
    --logfile redis.log --daemonize no &
  redis_pid=$!
  for _ in $(seq 1 100); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server failed to start (see $data_dir/redis.log)" >&2; exit 1; }
    sleep 0.1
  done
  export REDIS_URL="redis://127.0.0.1:$redis_port"
  echo "Started redis-server on port $redis_port (data in $data_dir)" >&2
fi

if [ -z "${TALLY_ADMIN_TOKEN:-}" ]; then
  token_file="$data_dir/admin-token"
  if [ ! -s "$token_file" ]; then
    (umask 077 && node -e "console.log('tly_' + require('crypto').randomBytes(32).toString('base64url'))" >"$token_file")
    echo "Generated the bootstrap admin token (shown only now; kept in $token_file):" >&2
    cat "$token_file" >&2
  fi
  TALLY_ADMIN_TOKEN="$(cat "$token_file")"
  export TALLY_ADMIN_TOKEN
fi

export PORT="${PORT:-8888}"
# Own session too: Ctrl-C reaches the whole terminal process group, and Tally would take the
# forwarded signal below as a second one (exit at once) instead of shutting down gracefully.
# A young generation that holds the worker's batches in flight (README, Configuration: Worker).
setsid node --max-semi-space-size=32 dist/services/cli.js all &
tally_pid=$!
# Forward Ctrl-C / SIGTERM to Tally for its graceful shutdown, then stop redis (EXIT trap).
trap 'kill -TERM "$tally_pid" 2>/dev/null || true' INT TERM HUP
status=0
wait "$tally_pid" || status=$?
# A trapped signal interrupts `wait`; wait again for Tally to finish draining.
if kill -0 "$tally_pid" 2>/dev/null; then status=0; wait "$tally_pid" || status=$?; fi
tally_pid=""
exit "$status"
