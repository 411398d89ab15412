-- What: creates jobs, the current state of every job, derived from ledger_events (the next migration fills it).
-- Why:  the runbooks query it as written (status, mode, last_heartbeat_at, tokens_used, token_cap, finished_at), and
--       "how many jobs are queued/running now" must not scan the whole ledger. It is a cache of the ledger, written
--       only by the ledger's own trigger: the ledger stays the truth, this table can always be rebuilt from it.
--       status_changed_at remembers which lifecycle event set status, so late events merge correctly
--       (rules in docs/ledger.md, "jobs and workers state").
-- Safe on live data: yes (new table). On a ledger that already has events, rebuild the table from them by replaying
--       ledger_events into a fresh database (see docs/ledger.md).
CREATE TABLE jobs (
  id text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  status_changed_at timestamptz,
  mode text,
  worker_id text,
  agent text,
  created_at timestamptz NOT NULL,
  claimed_at timestamptz,
  finished_at timestamptz,
  last_heartbeat_at timestamptz,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  tokens_used bigint NOT NULL DEFAULT 0 CHECK (tokens_used >= 0),
  token_cap bigint CHECK (token_cap >= 0),
  cost_usd double precision NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
  duration_ms double precision CHECK (duration_ms >= 0),
  error_type text,
  trace_id text,
  updated_seq bigint NOT NULL
);

-- queue depth and "jobs by status and mode"
CREATE INDEX jobs_status_mode_idx ON jobs (status, mode);
-- the stale-heartbeat sweep and the "running but silent" runbook query
CREATE INDEX jobs_running_last_heartbeat_at_idx ON jobs (last_heartbeat_at) WHERE status = 'running';
-- "finished in the last hour" tables
CREATE INDEX jobs_finished_at_idx ON jobs (finished_at);

COMMENT ON TABLE jobs IS 'Current state of each job, maintained from ledger_events by trigger (docs/ledger.md).';
COMMENT ON COLUMN jobs.status_changed_at IS
  'occurred_at of the lifecycle event that set status; NULL while status is only inferred from other events.';
COMMENT ON COLUMN jobs.last_heartbeat_at IS 'Latest worker.heartbeat or job.claimed for this job.';
COMMENT ON COLUMN jobs.tokens_used IS 'Sum of tokens_in + tokens_out over the job''s llm.call events.';
COMMENT ON COLUMN jobs.duration_ms IS 'duration_ms of the latest job.completed or job.failed (claim to finish).';
COMMENT ON COLUMN jobs.updated_seq IS 'Highest ledger_events.seq applied to this row.';
