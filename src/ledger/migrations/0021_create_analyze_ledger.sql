-- What: analyze_ledger(), which runs ANALYZE on ledger_events, jobs, workers and the three rollups; EXECUTE for
--       ledger_writer.
-- Why:  a bulk load (the simulator's --bulk and --live backfill, a user's own COPY) leaves the tables without
--       statistics until autovacuum gets to them, and until then the planner guesses row counts (#12). Bulk loaders
--       call this when they finish. ANALYZE needs the table owner (PostgreSQL 15), and loaders connect as a
--       ledger_writer member: SECURITY DEFINER lets them analyze these tables and nothing else.
-- Safe on live data: yes (new function; ANALYZE takes a lock that does not block reads or writes).
CREATE FUNCTION analyze_ledger() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  ANALYZE ledger_events, jobs, workers, ledger_rollup_hourly, ledger_duration_histogram_daily,
    ledger_duration_top_hourly;
END
$$;

REVOKE EXECUTE ON FUNCTION analyze_ledger() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION analyze_ledger() TO ledger_writer;
