#!/usr/bin/env bash
# src/db/schema.rs is exactly what `diesel print-schema` writes for migrations/
# (see diesel.toml): this runs the migrations on a fresh SQLite file, prints
# the schema and fails, showing the difference, when the file is not that.
# Usage: .ci/schema.sh           check (CI runs this before the tests)
#        .ci/schema.sh --write   rewrite src/db/schema.rs from the migrations
# Installs diesel_cli into ~/.cargo/bin the first time (a few minutes, once).
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: another diesel_cli may print the same schema differently, and the
# check compares bytes. Move it with the diesel of Cargo.lock.
version=2.3.14
diesel="${CARGO_HOME:-$HOME/.cargo}/bin/diesel"
installed=$("$diesel" --version 2>/dev/null || true)
if ! grep -qx " *Version: $version" <<< "$installed"; then
  echo "== installing diesel_cli $version (SQLite only) into ${CARGO_HOME:-$HOME/.cargo}/bin"
  # Its own temporary target folder: not the project's build cache.
  env -u CARGO_TARGET_DIR cargo install --quiet --locked --force --version "$version" \
    diesel_cli --no-default-features --features sqlite-bundled
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Migrations run under an empty configuration: with diesel.toml they would
# rewrite schema.rs themselves, and this is meant to check it.
: > "$work/none.toml"
"$diesel" migration run --config-file "$work/none.toml" \
  --database-url "$work/schema.sqlite" --migration-dir migrations > /dev/null
"$diesel" print-schema --config-file diesel.toml \
  --database-url "$work/schema.sqlite" > "$work/schema.rs"

if [ "${1:-}" = "--write" ]; then
  cp "$work/schema.rs" src/db/schema.rs
  echo "src/db/schema.rs written from migrations/"
elif ! diff -u --label src/db/schema.rs --label "diesel print-schema" \
  src/db/schema.rs "$work/schema.rs"; then
  echo >&2
  echo "src/db/schema.rs is not what diesel print-schema writes for migrations/." >&2
  echo "It is generated, never edited by hand: run .ci/schema.sh --write and commit it." >&2
  exit 1
else
  echo "src/db/schema.rs is what diesel print-schema writes for migrations/"
fi
