-- What: ledger_schema_version(), the schema version (highest applied migration) as one integer.
-- Why:  the datasource's health check compares it with the version it was built for. A function gives a stable
--       contract even if the bookkeeping table changes; SECURITY DEFINER so that a misconfigured login role (one that
--       is not yet a member of ledger_reader) still gets the version, and the health check can then name the
--       missing privilege instead of failing on this query.
-- Safe on live data: yes.
CREATE FUNCTION ledger_schema_version() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT coalesce(max(version), 0) FROM ledger_schema_migrations
$$;

COMMENT ON FUNCTION ledger_schema_version() IS 'Highest applied ledger migration (0 when none).';
GRANT EXECUTE ON FUNCTION ledger_schema_version() TO ledger_reader;
