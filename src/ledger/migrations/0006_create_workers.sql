-- What: creates workers, the current state of every worker, derived from ledger_events (filled by a later migration).
-- Why:  "which workers are alive" and "heartbeat age" are the health view's first questions; answering them from
--       the ledger would mean a max() over every heartbeat ever written.
--       current_job_since remembers which event set current_job_id, so late events merge correctly.
-- Safe on live data: yes (new table).
CREATE TABLE workers (
  worker_id text PRIMARY KEY,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  last_heartbeat_at timestamptz,
  current_job_id text,
  current_job_since timestamptz,
  jobs_processed integer NOT NULL DEFAULT 0 CHECK (jobs_processed >= 0),
  updated_seq bigint NOT NULL
);

CREATE INDEX workers_last_heartbeat_at_idx ON workers (last_heartbeat_at);

COMMENT ON TABLE workers IS 'Current state of each worker, maintained from ledger_events by trigger (docs/ledger.md).';
COMMENT ON COLUMN workers.last_seen_at IS 'Latest event of any kind carrying this worker_id.';
COMMENT ON COLUMN workers.current_job_id IS
  'Job of the worker''s latest heartbeat or claim; NULL when idle or after it finished or lost that job.';
COMMENT ON COLUMN workers.jobs_processed IS 'Number of job.completed plus job.failed events written by this worker.';
