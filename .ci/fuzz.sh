#!/usr/bin/env bash
# API fuzzing with schemathesis against a running server, authenticated as
# each role in turn: no 5xx, and every answer as the OpenAPI document says.
# Usage: .ci/fuzz.sh DATABASE_URL   (the server binary must be built)
set -euo pipefail
cd "$(dirname "$0")/.."

database_url="$1"
target="${CARGO_TARGET_DIR:-target}"
binary="$target/debug/samkjop"
[ -x "$binary" ] || cargo build
command -v schemathesis >/dev/null 2>&1 || python3 -m pip install -q schemathesis

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
export SAMKJOP_BIND="127.0.0.1:$port" DATABASE_URL="$database_url" SAMKJOP_DATA_DIR="$work" \
  SAMKJOP_ADMIN_EMAIL="drift@samkjop.no" SAMKJOP_ADMIN_PASSWORD="fuzz-admin-passord" \
  SAMKJOP_JWT_SECRET="fuzzing-secret-that-is-long-enough-0123" SAMKJOP_OUTBOX_INTERVAL_MS=0 \
  SAMKJOP_LOGIN_PER_MINUTE_PER_ADDRESS=1000000 SAMKJOP_LOGIN_PER_MINUTE_PER_ACCOUNT=1000000 \
  SAMKJOP_CONFIG_DIR="$PWD/config" RUST_LOG=warn
"$binary" serve > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done

# Seed one procurement, open, with a lot, and a user of each role; print the tokens.
eval "$(python3 .ci/fuzz_seed.py "http://127.0.0.1:$port")"

base="http://127.0.0.1:$port"
checks="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance"
cat > "$work/schemathesis.toml" <<TOML
[parameters]
"path.id" = "$PROCUREMENT_ID"
"path.lot_id" = "$LOT_ID"
"path.number" = "4601"
TOML
status=0
for role in anonymous municipality supplier coordinator admin; do
  token_var="TOKEN_${role^^}"
  header=()
  [ "$role" = anonymous ] || header=(--header "Authorization: Bearer ${!token_var}")
  echo "== schemathesis as $role"
  if ! schemathesis --config-file "$work/schemathesis.toml" run "$base/api-docs/openapi.json" \
      "${header[@]}" --checks "$checks" --max-examples 15 --seed 1 --no-color; then
    status=1
  fi
done
if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked during fuzzing:" >&2
  grep -A5 panicked "$work/server.log" >&2
  status=1
fi
exit $status
