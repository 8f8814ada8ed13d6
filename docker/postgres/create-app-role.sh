#!/bin/sh
# First start of the data volume only (docker-entrypoint-initdb.d): the login role the
# long-running apps use. The AppRole migration grants it what they need and nothing it
# could use to alter the schema; it owns nothing. Migrations and the CLI log in as the owner.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$LEDGER_APP_PASSWORD" <<'SQL'
CREATE ROLE ledger_app LOGIN PASSWORD :'password';
SQL
