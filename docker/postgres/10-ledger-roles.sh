#!/bin/sh
# First start of the ledger database only (docker-entrypoint-initdb.d): the login roles of the stack.
#   ledger_reader / ledger_writer  NOLOGIN groups; the migrations create them too when missing and grant them their
#                                  privileges (src/ledger/migrations/0001, 0011)
#   $LEDGER_READER_USER            what Grafana's Ledger datasource logs in as: a member of ledger_reader only
# Migrations and the simulator connect as the database owner ($POSTGRES_USER).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v reader="$LEDGER_READER_USER" -v reader_password="$LEDGER_READER_PASSWORD" <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ledger_reader') THEN
    CREATE ROLE ledger_reader NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ledger_writer') THEN
    CREATE ROLE ledger_writer NOLOGIN;
  END IF;
END
$$;
CREATE ROLE :"reader" LOGIN PASSWORD :'reader_password' IN ROLE ledger_reader;
SQL
