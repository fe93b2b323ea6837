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
#   PUT .../participation/{number}           decisions, 357 municipalities in turn,
#                                            across OPEN_PROCUREMENTS (50) open ones
# and prints requests/s, p50, p99, errors, and each as a ratio to
# /health/live, and the server's peak memory (VmHWM). Stops the server.
#
# Side by side with nginx (Debian's package, installed if missing): the lot
# division and the page are fetched from Samkjøp once per coding (plain,
# gzip, br) into files, nginx serves those same bytes on NGINX_PORT, and
# each Samkjøp read (plain, `Accept-Encoding: gzip`, `Accept-Encoding: gzip,
# br`) is printed as a ratio to nginx serving its bytes; the 304 answers
# (`If-None-Match`) as a ratio to /health/live; and the analysis over HTTP
# as the median of 20 calls (curl), after one warm-up call.
#
#   bench/load.sh                 # both databases
#   DATABASES=sqlite bench/load.sh
#   DURATION=10s CONNECTIONS=32 THREADS=2 PORT=18080 NGINX_PORT=18081
#
# Traffic stays on 127.0.0.1. Needs wrk (installed with apt-get if missing)
# and, for PostgreSQL, a server at 127.0.0.1:5432 (user postgres, trust).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18080}"
NGINX_PORT="${NGINX_PORT:-18081}"
DATABASES="${DATABASES:-sqlite postgres}"
PG="${PG:-postgres://postgres@127.0.0.1:5432}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/samkjop-target}"

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

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
stop_nginx() {
  if [ -f "$WORK/nginx/nginx.pid" ]; then
    kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -f "$WORK/nginx/nginx.pid" ] || break; sleep 0.1; done
  fi
}
cleanup() {
  stop_server
  stop_nginx
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
  LAST_RPS="$rps"
  local ratio base="${VERSUS:-$FLOOR}" of="${VERSUS_NAME:-live}"
  ratio=$(awk -v a="$rps" -v b="$base" 'BEGIN {printf "%.3f", a / b}')
  ALL+=("$(printf '%-9s %-28s %10s req/s  p50 %8s  p99 %8s  errors %s  x%s of %s' "$db" "$name" "$rps" "$p50" "$p99" "$errors" "$ratio" "$of")")
}

# nginx serving the bytes Samkjøp answered, one file per read and coding.
start_nginx() {
  stop_nginx
  mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp"
  local locations="" name coding encoding type
  for name in lot page; do
    type="application/json"
    [ "$name" = page ] && type="text/html; charset=utf-8"
    for coding in plain gzip br; do
      encoding=""
      [ "$coding" = plain ] || encoding="add_header Content-Encoding $coding;"
      locations+="    location = /$name-$coding { default_type \"$type\"; $encoding }"$'\n'
    done
  done
  cat > "$WORK/nginx/nginx.conf" <<NGINX
user root;
worker_processes $(nproc);
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/tmp;
  proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp;
  scgi_temp_path $WORK/nginx/tmp;
  types { }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/nginx/www;
$locations  }
}
NGINX
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
}

# Samkjøp's read in each coding, then nginx serving the same bytes, then
# Samkjøp again as a ratio to that.
side_by_side() {
  local db="$1" name="$2" path="$3" coding accept
  mkdir -p "$WORK/nginx/www"
  for coding in plain gzip br; do
    case "$coding" in
      plain) accept="identity" ;;
      gzip) accept="gzip" ;;
      br) accept="gzip, br" ;;
    esac
    curl -fsS -H "Accept-Encoding: $accept" -o "$WORK/nginx/www/$name-$coding" "$BASE$path"
    ALL+=("$(printf '%-9s %-28s %s bytes on the wire' "$db" "$name ($coding)" "$(stat -c %s "$WORK/nginx/www/$name-$coding")")")
  done
  start_nginx
  for coding in plain gzip br; do
    case "$coding" in
      plain) accept="identity" ;;
      gzip) accept="gzip" ;;
      br) accept="gzip, br" ;;
    esac
    VERSUS="" VERSUS_NAME="" run "$db" "nginx_$name-$coding" -H "Accept-Encoding: $accept" "http://127.0.0.1:$NGINX_PORT/$name-$coding"
    VERSUS="$LAST_RPS" VERSUS_NAME="nginx" run "$db" "$name-$coding" -H "Accept-Encoding: $accept" "$BASE$path"
  done
  stop_nginx
}

# The median of 20 calls of the analysis over HTTP, after one warm-up.
analysis_median() {
  local db="$1" url="$BASE/api/v1/procurements/$PUBLISHED_ID/analysis" times
  curl -fsS -o /dev/null -H "Authorization: Bearer $COORDINATOR_TOKEN" "$url"
  times=$(for _ in $(seq 1 20); do
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $COORDINATOR_TOKEN" "$url"
  done | sort -n | awk '{t[NR] = $1} END {printf "%.1f", (t[10] + t[11]) / 2 * 1000}')
  ALL+=("$(printf '%-9s %-28s median of 20: %s ms' "$db" "analysis over HTTP" "$times")")
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
  SEED_OPEN_PROCUREMENTS="${OPEN_PROCUREMENTS:-50}" SAMKJOP_URL="$BASE" SEED_WRITES_FILE="$WORK/writes.tsv" SEED_ENV_FILE="$WORK/seed.env" \
    "$CARGO_TARGET_DIR/release/examples/seed_national" > /dev/null
  echo "   seeded in ${SECONDS} s; server memory so far (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER_PID/status)"
  # shellcheck disable=SC1091
  . "$WORK/seed.env"

  run "$db" health_live "$BASE/health/live"
  LOT="/api/v1/public/procurements/$PUBLISHED_ID"
  PAGE="/procurements/$PUBLISHED_ID"
  LOT_TAG=$(curl -fsS -o /dev/null -D - "$BASE$LOT" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
  PAGE_TAG=$(curl -fsS -o /dev/null -D - "$BASE$PAGE" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
  run "$db" lot_division_304 -H "If-None-Match: $LOT_TAG" "$BASE$LOT"
  run "$db" supplier_page_304 -H "If-None-Match: $PAGE_TAG" "$BASE$PAGE"
  side_by_side "$db" lot "$LOT"
  side_by_side "$db" page "$PAGE"
  run "$db" summary -H "Authorization: Bearer $COORDINATOR_TOKEN" "$BASE/api/v1/procurements/$PUBLISHED_ID/summary"
  analysis_median "$db"
  WRITES_FILE="$WORK/writes.tsv" run "$db" "decisions_${OPEN_PROCUREMENTS:-50}_procurements" -s bench/writes.lua "$BASE"
  ALL+=("$(printf '%-9s peak server memory (VmHWM): %s' "$db" "$(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER_PID/status)")")
  stop_server
  if [ "$db" = postgres ]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
    PG_DB=""
  fi
done

echo
echo "== $(nproc) cores, $CONNECTIONS connections, $DURATION each; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${ALL[@]}"
