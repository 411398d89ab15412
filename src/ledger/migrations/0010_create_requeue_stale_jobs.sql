-- What: requeue_stale_jobs(stale_after), the runbooks' requeueStaleJobs(): for every running job whose latest
--       heartbeat (or claim) is older than stale_after, it APPENDS a job.requeued event (name 'stale heartbeat') and
--       returns the job ids. The jobs trigger then moves those jobs back to 'queued'. It never updates a row itself.
-- Why:  a worker that dies mid-job would otherwise hold the job forever. The event's worker_id stays NULL (the
--       sweeper is not a worker, and the dead worker must not look alive); the previous worker is in
--       payload.previous_worker_id. Locking the candidate jobs rows (FOR UPDATE, in id order) makes two sweepers
--       running at once requeue each job once: the second re-checks status after the first commits.
--       SECURITY DEFINER so that ledger_writer may run it without reading or writing jobs directly.
-- Safe on live data: yes (new function).
CREATE FUNCTION requeue_stale_jobs(stale_after interval DEFAULT '5 minutes') RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF stale_after IS NULL OR stale_after < interval '0' THEN
    RAISE EXCEPTION 'requeue_stale_jobs: stale_after must be a non-negative interval, got %', stale_after
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  WITH stale AS (
    SELECT id, mode, agent, trace_id, worker_id, last_heartbeat_at
    FROM jobs
    WHERE status = 'running'
      AND coalesce(last_heartbeat_at, created_at) < now() - stale_after
    ORDER BY id
    FOR UPDATE
  ),
  appended AS (
    INSERT INTO ledger_events (occurred_at, kind, job_id, mode, agent, trace_id, name, payload)
    SELECT now(), 'job.requeued', id, mode, agent, trace_id, 'stale heartbeat',
           jsonb_build_object('previous_worker_id', worker_id, 'last_heartbeat_at', last_heartbeat_at,
                              'stale_after_s', extract(epoch FROM stale_after))
    FROM stale
    ORDER BY id
    RETURNING job_id
  )
  SELECT job_id FROM appended ORDER BY job_id;
END
$$;

COMMENT ON FUNCTION requeue_stale_jobs(interval) IS
  'Appends job.requeued (reason ''stale heartbeat'') for running jobs silent for longer than stale_after; '
  'returns their ids.';
