#!/usr/bin/env bash
# Load figure for the public lot division at national scale (issue 5):
# builds the release binary, starts it on a fresh SQLite database, seeds a
# published procurement with 357 municipalities, 100 lots and 20 000
# suppliers (examples/seed_national.rs), then measures with wrk, 32
# connections for DURATION each: GET /health/live (the floor: no database,
# no work) and GET /api/v1/public/procurements/{id}. Stops the server.
#
#   bench/load.sh            # DURATION=10s THREADS=2 CONNECTIONS=32 PORT=18080
#
# Everything stays on 127.0.0.1. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18080}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/samkjop-target}"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

echo "== building (release)"
cargo build --release --quiet --bin samkjop --example seed_national

WORK="$(mktemp -d -t samkjop-load-XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$WORK/load.sqlite"
export SAMKJOP_BIND="127.0.0.1:$PORT"
export SAMKJOP_DATA_DIR="$WORK/data"
export SAMKJOP_JWT_SECRET="load-test-secret-that-is-long-enough-0123456789"
export SAMKJOP_ADMIN_EMAIL="drift@samkjop.local"
export SAMKJOP_ADMIN_PASSWORD="load-test-passord-1"
export SAMKJOP_OUTBOX_INTERVAL_MS=0
export RUST_LOG="${RUST_LOG:-warn}"

echo "== starting the server on $SAMKJOP_BIND ($DATABASE_URL)"
"$CARGO_TARGET_DIR/release/samkjop" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health/live" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/health/live" >/dev/null

echo "== seeding the national procurement"
SEED_START=$(date +%s)
ID="$(SAMKJOP_URL="http://127.0.0.1:$PORT" "$CARGO_TARGET_DIR/release/examples/seed_national" | tail -n 1)"
echo "   procurement $ID, seeded in $(( $(date +%s) - SEED_START )) s"

LOT_URL="http://127.0.0.1:$PORT/api/v1/public/procurements/$ID"
COLD=$(curl -fsS -o "$WORK/division.json" -w '%{time_total}' "$LOT_URL")
WARM=$(curl -fsS -o /dev/null -w '%{time_total}' "$LOT_URL")
PAGE_COLD=$(curl -fsS -o "$WORK/page.html" -w '%{time_total}' "http://127.0.0.1:$PORT/procurements/$ID")
echo "   lot division: $(wc -c <"$WORK/division.json") bytes of JSON, first answer ${COLD}s, cached ${WARM}s"
echo "   the page: $(wc -c <"$WORK/page.html") bytes of HTML, first answer ${PAGE_COLD}s"

run() {
  local name="$1" url="$2"
  echo "== $name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $url"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" | tee "$WORK/$name.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$WORK/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/$name.txt")
  RESULTS+=("$(printf '%-28s %10s req/s   p50 %8s   p99 %8s' "$name" "$rps" "$p50" "$p99")")
}

RESULTS=()
run health_live "http://127.0.0.1:$PORT/health/live"
run public_lot_division "$LOT_URL"
run supplier_page_html "http://127.0.0.1:$PORT/procurements/$ID"

echo
echo "== summary ($(nproc) cores, $CONNECTIONS connections, $DURATION each)"
printf '%s\n' "${RESULTS[@]}"
