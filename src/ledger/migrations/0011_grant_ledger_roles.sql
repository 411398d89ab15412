-- What: grants the least privileges each role needs.
--       ledger_reader: SELECT on ledger_events, jobs, workers, ledger_schema_migrations. Nothing else.
--       ledger_writer: INSERT on ledger_events for every column except seq and recorded_at (so the append sequence
--       and the ingest time cannot be forged), SELECT on seq alone (INSERT ... RETURNING seq needs it), and EXECUTE
--       on requeue_stale_jobs. No UPDATE, DELETE or TRUNCATE anywhere, no access to jobs or workers (the trigger
--       maintains them). No sequence privilege: an identity column draws its values without one, and USAGE would
--       let a writer burn sequence values with nextval().
-- Why:  the datasource must be unable to write even if its SQL editor is abused; workers must only append.
-- Safe on live data: yes. Grants are per database, so every ledger database on a server runs this.
GRANT USAGE ON SCHEMA public TO ledger_reader, ledger_writer;

GRANT SELECT ON ledger_events, jobs, workers, ledger_schema_migrations TO ledger_reader;

GRANT INSERT (occurred_at, kind, job_id, worker_id, mode, agent, trace_id, span_id, parent_span_id, name, status,
              duration_ms, tokens_in, tokens_out, cost_usd, conversation_id, value, payload)
  ON ledger_events TO ledger_writer;
GRANT SELECT (seq) ON ledger_events TO ledger_writer;

-- Functions are executable by PUBLIC by default; the ones that write go to writers only.
REVOKE EXECUTE ON FUNCTION requeue_stale_jobs(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION requeue_stale_jobs(interval) TO ledger_writer;
REVOKE EXECUTE ON FUNCTION ledger_events_reject_change(), ledger_events_apply_to_jobs(),
  ledger_events_apply_to_workers(), ledger_events_notify() FROM PUBLIC;
