-- What: creates the NOLOGIN group roles ledger_reader (the Grafana datasource) and ledger_writer (workers, the
--       simulator). Privileges are granted in a later migration, once the objects exist.
-- Why:  the datasource must never be able to change the ledger, and writers must only append. Login roles are made
--       members of these groups (CREATE ROLE grafana LOGIN PASSWORD '...' IN ROLE ledger_reader), so credentials
--       never live in migrations.
-- Safe on live data: yes. Roles are cluster-wide, so this is idempotent: an existing role is left as it is, and two
--       databases migrating at the same time on one server do not trip over each other.
DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['ledger_reader', 'ledger_writer'] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
      EXCEPTION
        -- another database on the same server created it a moment ago
        WHEN duplicate_object OR unique_violation THEN NULL;
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'cannot create role %: the migrating user lacks CREATEROLE', role_name
            USING HINT = 'Create ledger_reader and ledger_writer once as a superuser (CREATE ROLE ... NOLOGIN), '
                         'or run migrations as a role with CREATEROLE.';
      END;
    END IF;
  END LOOP;
END
$$;
