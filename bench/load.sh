#!/usr/bin/env bash
# Load figures at national scale, on SQLite and on PostgreSQL, in one run:
# builds the release binary, starts it on a fresh database, seeds a
# published procurement (357 municipalities joined, 100 lots, 20 000
# suppliers; examples/seed_national.rs) and an open one for writes, then
# measures with wrk (CONNECTIONS connections, DURATION each):
#   GET /health/live                         the floor: no database, no work
#   GET /api/v1/public/procurements/{id}     the lot division suppliers read
#   GET /procurements/{id}                   the same as a Norwegian page
#   GET /api/v1/procurements/{id}/summary    the coordinator's summary
#   PUT .../participation/{number}           decisions, 357 municipalities in turn
# and prints requests/s, p50, p99, errors, and each as a ratio to
# /health/live, and the server's peak memory (VmHWM). Stops the server.
#
#   bench/load.sh                 # both databases
#   DATABASES=sqlite bench/load.sh
#   DURATION=10s CONNECTIONS=32 THREADS=2 PORT=18080
#
# Traffic stays on 127.0.0.1. Needs wrk (installed with apt-get if missing)
# and, for PostgreSQL, a server at 127.0.0.1:5432 (user postgres, trust).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18080}"
DATABASES="${DATABASES:-sqlite postgres}"
PG="${PG:-postgres://postgres@127.0.0.1:5432}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/samkjop-target}"

if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

echo "== building (release)"
cargo build --release --quiet --bin samkjop --example seed_national

WORK="$(mktemp -d -t samkjop-load-XXXXXX)"
SERVER_PID=""
PG_DB=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  [ -z "$PG_DB" ] || psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export SAMKJOP_BIND="127.0.0.1:$PORT"
export SAMKJOP_DATA_DIR="$WORK/data"
export SAMKJOP_JWT_SECRET="load-test-secret-that-is-long-enough-0123456789"
export SAMKJOP_ADMIN_EMAIL="drift@samkjop.local"
export SAMKJOP_ADMIN_PASSWORD="load-test-passord-1"
export SAMKJOP_OUTBOX_INTERVAL_MS=0
export SAMKJOP_CONFIG_DIR="$PWD/config"
export RUST_LOG="${RUST_LOG:-warn}"
BASE="http://127.0.0.1:$PORT"

ALL=()
run() {
  local db="$1" name="$2"
  shift 2
  echo "== $db $name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $*"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" > "$WORK/$db-$name.txt"
  cat "$WORK/$db-$name.txt"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$db-$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$WORK/$db-$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/$db-$name.txt")
  errors=$(awk '/Non-2xx/ {print $5} /Socket errors/ {s += $4 + $6 + $8 + $10} END {print s + 0}' "$WORK/$db-$name.txt" | tail -1)
  [ "$name" = health_live ] && FLOOR="$rps"
  local ratio
  ratio=$(awk -v a="$rps" -v b="$FLOOR" 'BEGIN {printf "%.3f", a / b}')
  ALL+=("$(printf '%-9s %-22s %10s req/s  p50 %8s  p99 %8s  errors %s  x%s of live' "$db" "$name" "$rps" "$p50" "$p99" "$errors" "$ratio")")
}

for db in $DATABASES; do
  case "$db" in
    sqlite) export DATABASE_URL="sqlite://$WORK/load.sqlite" ;;
    postgres)
      PG_DB="samkjop_load_$$"
      psql "$PG/postgres" -qc "CREATE DATABASE $PG_DB" >/dev/null
      export DATABASE_URL="$PG/$PG_DB" ;;
  esac
  echo "== starting the server on $SAMKJOP_BIND ($db)"
  "$CARGO_TARGET_DIR/release/samkjop" serve > "$WORK/server-$db.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 150); do curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done

  echo "== seeding the national scenario"
  SECONDS=0
  SAMKJOP_URL="$BASE" SEED_WRITES_FILE="$WORK/writes.tsv" SEED_ENV_FILE="$WORK/seed.env" \
    "$CARGO_TARGET_DIR/release/examples/seed_national" > /dev/null
  echo "   seeded in ${SECONDS} s; server memory so far (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER_PID/status)"
  # shellcheck disable=SC1091
  . "$WORK/seed.env"

  run "$db" health_live "$BASE/health/live"
  run "$db" public_lot_division "$BASE/api/v1/public/procurements/$PUBLISHED_ID"
  run "$db" supplier_page_html "$BASE/procurements/$PUBLISHED_ID"
  run "$db" summary -H "Authorization: Bearer $COORDINATOR_TOKEN" "$BASE/api/v1/procurements/$PUBLISHED_ID/summary"
  WRITES_FILE="$WORK/writes.tsv" run "$db" participation_writes -s bench/writes.lua "$BASE"
  ALL+=("$(printf '%-9s peak server memory (VmHWM): %s' "$db" "$(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER_PID/status)")")
  stop_server
  if [ "$db" = postgres ]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
    PG_DB=""
  fi
done

echo
echo "== $(nproc) cores, $CONNECTIONS connections, $DURATION each"
printf '%s\n' "${ALL[@]}"
