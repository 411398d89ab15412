-- What: indexes for the query shapes the datasource runs on ledger_events.
-- Why:  (kind, occurred_at)       metrics: one kind over a time range (llm.call latency, job.failed rate, ...)
--       (occurred_at)             logs: every kind in a time range, newest first, with LIMIT
--       (job_id, occurred_at)     one job's events and the job detail page (partial: many events have no job)
--       (trace_id)                traces: one trace's spans (partial: only spans carry a trace id)
--       The primary key on seq already serves stream catch-up (seq > $cursor ORDER BY seq).
--       More indexes slow every insert, so dimensions such as mode or tool name are left to rollups (docs/ledger.md).
-- Safe on live data: on an empty or small table, yes. On a large live table, CREATE INDEX blocks writes while it
--       builds: create the same indexes by hand with CREATE INDEX CONCURRENTLY first (same names), then migrate.
CREATE INDEX IF NOT EXISTS ledger_events_kind_occurred_at_idx ON ledger_events (kind, occurred_at);
CREATE INDEX IF NOT EXISTS ledger_events_occurred_at_idx ON ledger_events (occurred_at);
CREATE INDEX IF NOT EXISTS ledger_events_job_id_occurred_at_idx ON ledger_events (job_id, occurred_at)
  WHERE job_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ledger_events_trace_id_idx ON ledger_events (trace_id)
  WHERE trace_id IS NOT NULL;
