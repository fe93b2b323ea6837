#!/usr/bin/env bash
# API fuzzing with schemathesis against a running server, authenticated as
# each role in turn, with schema-valid and schema-invalid requests (--mode
# all, 40 examples an operation) and stateful sequences along the document's
# links: no 5xx, every answer as the OpenAPI document says, invalid requests
# refused, valid ones accepted (but for the 422s listed below). About 1 minute
# a role, 4-5 minutes a database, on 2 busy cores.
# Usage: .ci/fuzz.sh DATABASE_URL   (the server binary must be built)
# FUZZ_ARGS adds schemathesis options, e.g. FUZZ_ARGS="--include-path-regex lots".
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
  SAMKJOP_JWT_SECRET="fuzzing-secret-that-is-long-enough-0123" SAMKJOP_OUTBOX_INTERVAL_MS=200 \
  SAMKJOP_LOGIN_PER_MINUTE_PER_ADDRESS=1000000 SAMKJOP_LOGIN_PER_MINUTE_PER_ACCOUNT=1000000 \
  SAMKJOP_REGISTRATIONS_PER_HOUR_PER_ADDRESS=1000000 \
  SAMKJOP_CONFIG_DIR="$PWD/config" RUST_LOG=warn
"$binary" serve > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done

# Seed one procurement, open, with a lot, and a user of each role; print the
# tokens. The supplier confirms its registration by the link in its mail,
# which the outbox worker writes under $work/mail (no SMTP server is set).
eval "$(python3 .ci/fuzz_seed.py "http://127.0.0.1:$port" "$work/mail")"

base="http://127.0.0.1:$port"

# A request valid by the OpenAPI document may still be refused with 422 when
# the rule needs data or context that a schema cannot hold. These are the only
# codes .ci/fuzz_hooks.py lets through for schema-valid (positive) requests;
# any other 422, and any 400, fails the run.
inexpressible=(
  # The number has the document's pattern, but the municipality, county or
  # CPV code must also exist in the 2024 reference lists (357 municipalities,
  # 9 454 CPV codes: too many for an enum).
  unknown_municipality unknown_county unknown_cpv
  # Two digits name a county municipality, but Oslo (03) has none: Oslo
  # kommune, 0301, is both.
  no_county_municipality
  # Nine digits, but the MOD11 check digit is arithmetic, not a pattern.
  invalid_org_number
  # Depend on the clock: the deadline must be in the future, the contract
  # start on or after the deadline's day.
  invalid_deadline invalid_contract_start
  # Between fields: duration plus options at most 600 months; valid_from not
  # after valid_until; the maximum quantity not below the estimate, one line
  # per lot and one above zero; which of organization_id / municipality a
  # role needs.
  invalid_duration invalid_mandate invalid_quantity
  invalid_role_links organization_required municipality_required
  # Depend on what is stored: the procurement's invited municipalities, its
  # lots and their areas, the mandates and suppliers on record, the clause
  # library of config/clauses.toml, who joined.
  lot_area_not_invited lot_not_found lot_not_in_area invalid_split
  mandate_required mandate_not_found mandate_not_valid mandate_revoked mandate_scope mandate_value_exceeded
  supplier_not_found organization_not_found invalid_award
  unknown_clause unknown_check not_a_participant invited_required
  # A deviation needs a note (a field required for one value of another).
  note_required
  # A market-dialogue comment with control characters other than line
  # breaks and tabs (the document gives its length only).
  invalid_note
  # A password of the document's length that zxcvbn guesses (a common or
  # leaked one, a keyboard pattern, the account's own email or name).
  weak_password
  # Sums of valid amounts that no longer fit in i64 øre.
  value_overflow
  # A summary asked for a day (`?on=`) before the first row of the dated
  # threshold table: the table is configuration, not part of the document.
  no_thresholds_in_force
  # The CSV file's header line: the body is text/csv, whose columns a JSON
  # Schema cannot describe.
  invalid_csv_header
  # A password change's current password must be the account's: a secret,
  # not a shape.
  wrong_password
  # The tender plan: award criteria weights must sum to 100 and the climate
  # criterion agree with the stored sustainability settings; the tender
  # deadline must be in the future; at most as many lots per tenderer as the
  # procurement has; the documents' address must be an http(s) web address
  # with a host (beyond what `format: uri` says).
  invalid_award_criteria climate_weight_mismatch invalid_tender_deadline
  invalid_max_lots invalid_documents_url
  # A consultation answer: a reason only with an answer that is not
  # `can_bid`, and a proposed area inside the lot's stored area.
  invalid_answer invalid_reason
  # A strategy: the council reference's text rules and goals checked
  # against each other.
  invalid_strategy
)
export FUZZ_INEXPRESSIBLE_422="${inexpressible[*]}" SCHEMATHESIS_HOOKS="$PWD/.ci/fuzz_hooks.py"

checks="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance"
checks="$checks,positive_data_acceptance,negative_data_rejection,refused_only_by_inexpressible_rules"

# Real values from the reference data, mixed into generated ones so that
# creating succeeds often enough for the stateful phase to follow the links
# from a new procurement, lot or mandate.
deadline=$(date -u -d '+30 days' +%Y-%m-%dT12:00:00Z)
start=$(date -u -d '+120 days' +%Y-%m-%d)
cat > "$work/schemathesis.toml" <<TOML
[cache]
# Out of the work tree, so that runs start alike and leave no trace.
directory = "$work/schemathesis-cache"

[auth]
# Each role's token comes from .ci/fuzz_seed.py; no account of its own.
auto-signup = false

[checks.positive_data_acceptance]
# A 422 on a schema-valid request is judged by refused_only_by_inexpressible_rules.
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]

[dictionaries.procurement]
values = ["$PROCUREMENT_ID"]
[dictionaries.lot]
values = ["$LOT_ID"]
[dictionaries.municipality]
values = ["4601", "4602", "4631", "4632", "4640", "0301"]
[dictionaries.cpv]
values = ["55524000-9", "90910000-9", "55520000-1", "15000000-8", "45000000-7"]
[dictionaries.cpv_prefix]
values = ["5552", "55", "909", "45000000"]
[dictionaries.deadline]
values = ["$deadline"]
[dictionaries.start]
values = ["$start"]

[parameters]
"path.id" = { dictionary = "procurement", probability = 0.7 }
"path.lot_id" = { dictionary = "lot", probability = 0.7 }
"path.number" = { dictionary = "municipality", probability = 0.7 }
"query.municipality" = { dictionary = "municipality", probability = 0.5 }
"body.cpv" = { dictionary = "cpv", probability = 0.7 }
"body.invited[*]" = { dictionary = "municipality", probability = 0.9 }
"body.area[*]" = { dictionary = "municipality", probability = 0.9 }
"body.participation_deadline" = { dictionary = "deadline", probability = 0.7 }
"body.contract_start" = { dictionary = "start", probability = 0.7 }
"body.cpv_scope[*]" = { dictionary = "cpv_prefix", probability = 0.7 }
TOML

status=0
# The admin goes last: it may disable the other roles' fuzzing users
# (PATCH /api/v1/users/{id} with an id from GET /api/v1/users), which revokes
# their tokens (401) for whatever runs after. It cannot disable itself
# (409 cannot_disable_self), and nobody knows a fuzzing user's password to
# change it, so every role's own run keeps a working token.
for role in anonymous municipality supplier coordinator admin; do
  token_var="TOKEN_${role^^}"
  header=()
  [ "$role" = anonymous ] || header=(--header "Authorization: Bearer ${!token_var}")
  echo "== schemathesis as $role"
  if ! schemathesis --config-file "$work/schemathesis.toml" run "$base/api-docs/openapi.json" \
      "${header[@]}" --checks "$checks" --mode all --max-examples 40 \
      --phases examples,coverage,fuzzing,stateful --seed 1 --no-color ${FUZZ_ARGS:-}; then
    status=1
  fi
done
if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked during fuzzing:" >&2
  grep -A5 panicked "$work/server.log" >&2
  status=1
fi
exit $status
