-- What: keeps workers up to date as ledger rows arrive (statement-level AFTER INSERT trigger, like jobs).
-- Why:  the health view and the "worker heartbeat missing" alert read it. Order-independent merge rules
--       (docs/ledger.md, "jobs and workers state"):
--       - first_seen_at / last_seen_at: earliest / latest event carrying the worker_id;
--         last_heartbeat_at: latest worker.heartbeat.
--       - current_job_id follows the worker's latest heartbeat, claim, completion, failure or requeue (by
--         occurred_at): a heartbeat or claim sets it to that event's job_id (NULL for an idle heartbeat), the others
--         clear it. At equal occurred_at a claim beats a finish, which beats a heartbeat.
--       - jobs_processed counts the worker's job.completed and job.failed events.
-- Safe on live data: yes. Rows inserted before this migration are not replayed (see docs/ledger.md to rebuild).
CREATE FUNCTION ledger_events_apply_to_workers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  WITH ev AS (
    SELECT n.seq, n.occurred_at, n.kind, n.worker_id, n.job_id
    FROM new_events n
    WHERE n.worker_id IS NOT NULL
  ),
  totals AS (
    SELECT worker_id,
           min(occurred_at) AS first_at,
           max(occurred_at) AS last_at,
           max(occurred_at) FILTER (WHERE kind = 'worker.heartbeat') AS heartbeat_at,
           count(*) FILTER (WHERE kind IN ('job.completed', 'job.failed')) AS processed,
           max(seq) AS max_seq
    FROM ev
    GROUP BY worker_id
  ),
  current_job AS (
    SELECT DISTINCT ON (worker_id) worker_id, occurred_at,
           CASE WHEN kind IN ('worker.heartbeat', 'job.claimed') THEN job_id END AS job_id
    FROM ev
    WHERE kind IN ('worker.heartbeat', 'job.claimed', 'job.completed', 'job.failed', 'job.requeued')
    ORDER BY worker_id, occurred_at DESC,
             CASE kind WHEN 'job.claimed' THEN 2 WHEN 'worker.heartbeat' THEN 0 ELSE 1 END DESC, seq DESC
  )
  INSERT INTO workers AS w (worker_id, first_seen_at, last_seen_at, last_heartbeat_at, current_job_id,
                            current_job_since, jobs_processed, updated_seq)
  SELECT t.worker_id, t.first_at, t.last_at, t.heartbeat_at, c.job_id, c.occurred_at, t.processed, t.max_seq
  FROM totals t
  LEFT JOIN current_job c USING (worker_id)
  ORDER BY t.worker_id -- lock rows in one fixed order, so concurrent batches cannot deadlock on workers
  ON CONFLICT (worker_id) DO UPDATE SET
    first_seen_at = least(w.first_seen_at, EXCLUDED.first_seen_at),
    last_seen_at = greatest(w.last_seen_at, EXCLUDED.last_seen_at),
    last_heartbeat_at = greatest(w.last_heartbeat_at, EXCLUDED.last_heartbeat_at),
    current_job_id = CASE WHEN EXCLUDED.current_job_since > coalesce(w.current_job_since, '-infinity')
                          THEN EXCLUDED.current_job_id ELSE w.current_job_id END,
    current_job_since = greatest(w.current_job_since, EXCLUDED.current_job_since),
    jobs_processed = w.jobs_processed + EXCLUDED.jobs_processed,
    updated_seq = greatest(w.updated_seq, EXCLUDED.updated_seq);
  RETURN NULL;
END
$$;

CREATE TRIGGER ledger_events_apply_to_workers
  AFTER INSERT ON ledger_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_apply_to_workers();
