-- What: keeps jobs up to date as ledger rows arrive: one statement-level AFTER INSERT trigger that folds the whole
--       batch (a multi-row INSERT or a COPY) into jobs with a single INSERT ... ON CONFLICT.
-- Why:  statement-level with a transition table keeps bulk loads fast (one set-based pass per batch instead of one
--       upsert per row). Every merge is order-independent, so events that arrive late, out of order or in one batch
--       give the same final row (rules in docs/ledger.md, "jobs and workers state"):
--       - status follows the lifecycle event (created, claimed, requeued, completed, failed) with the latest
--         occurred_at; at equal occurred_at the stronger status wins: completed > failed > running > queued.
--         Other job events (heartbeats, calls) never change status; a job first seen through them is 'running'.
--       - worker_id and trace_id come from the latest job.claimed; attempts counts job.claimed events.
--       - finished_at, duration_ms and error_type come from the latest job.completed or job.failed.
--       - created_at is the earliest event; last_heartbeat_at the latest heartbeat or claim;
--         tokens_used and cost_usd sum the job's llm.call events; mode, agent and token_cap keep the first value seen.
--       SECURITY DEFINER because writers may only INSERT into ledger_events, never touch jobs themselves.
-- Safe on live data: yes. Rows inserted before this migration are not replayed (see docs/ledger.md to rebuild).
CREATE FUNCTION ledger_job_status_rank(status text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE status WHEN 'queued' THEN 0 WHEN 'running' THEN 1 WHEN 'failed' THEN 2 WHEN 'completed' THEN 3 END
$$;

-- True when the lifecycle event (new_at, new_status) should replace the status set at old_at.
CREATE FUNCTION ledger_job_status_wins(new_at timestamptz, new_status text, old_at timestamptz, old_status text)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT new_at IS NOT NULL AND (
    old_at IS NULL
    OR (new_at, ledger_job_status_rank(new_status)) > (old_at, ledger_job_status_rank(old_status)))
$$;

CREATE FUNCTION ledger_events_apply_to_jobs() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  WITH ev AS (
    SELECT n.*,
           CASE n.kind WHEN 'job.created' THEN 'queued' WHEN 'job.requeued' THEN 'queued'
                       WHEN 'job.claimed' THEN 'running' WHEN 'job.failed' THEN 'failed'
                       WHEN 'job.completed' THEN 'completed' END AS lifecycle_status,
           -- CASE, not AND: only a JSON number may reach the cast
           CASE WHEN jsonb_typeof(n.payload -> 'token_cap') = 'number'
                THEN (n.payload ->> 'token_cap')::numeric END AS token_cap
    FROM new_events n
    WHERE n.job_id IS NOT NULL
  ),
  totals AS (
    SELECT job_id,
           min(occurred_at) AS first_at,
           max(seq) AS max_seq,
           count(*) FILTER (WHERE kind = 'job.claimed') AS claims,
           max(occurred_at) FILTER (WHERE kind IN ('worker.heartbeat', 'job.claimed')) AS heartbeat_at,
           coalesce(sum(coalesce(tokens_in, 0)::bigint + coalesce(tokens_out, 0)) FILTER (WHERE kind = 'llm.call'), 0)
             AS tokens,
           coalesce(sum(cost_usd) FILTER (WHERE kind = 'llm.call'), 0) AS cost,
           (array_agg(mode ORDER BY occurred_at, seq) FILTER (WHERE mode IS NOT NULL))[1] AS mode,
           (array_agg(agent ORDER BY occurred_at, seq) FILTER (WHERE agent IS NOT NULL))[1] AS agent,
           (array_agg(worker_id ORDER BY occurred_at, seq) FILTER (WHERE worker_id IS NOT NULL))[1] AS any_worker_id,
           (array_agg(trace_id ORDER BY occurred_at, seq) FILTER (WHERE trace_id IS NOT NULL))[1] AS any_trace_id,
           -- a malformed token_cap in a payload is ignored rather than failing the writer's insert
           (array_agg(round(token_cap) ORDER BY occurred_at, seq) FILTER (
              WHERE kind IN ('job.created', 'budget.exceeded') AND token_cap BETWEEN 0 AND 9e18))[1] AS token_cap
    FROM ev
    GROUP BY job_id
  ),
  latest_lifecycle AS (
    SELECT DISTINCT ON (job_id) job_id, occurred_at, lifecycle_status
    FROM ev
    WHERE lifecycle_status IS NOT NULL
    ORDER BY job_id, occurred_at DESC, ledger_job_status_rank(lifecycle_status) DESC
  ),
  latest_claim AS (
    SELECT DISTINCT ON (job_id) job_id, occurred_at, worker_id, trace_id
    FROM ev
    WHERE kind = 'job.claimed'
    ORDER BY job_id, occurred_at DESC, seq DESC
  ),
  latest_finish AS (
    SELECT DISTINCT ON (job_id) job_id, occurred_at, duration_ms,
           CASE WHEN kind = 'job.failed' THEN name END AS error_type
    FROM ev
    WHERE kind IN ('job.completed', 'job.failed')
    ORDER BY job_id, occurred_at DESC, (kind = 'job.completed') DESC, seq DESC
  )
  INSERT INTO jobs AS j (id, status, status_changed_at, mode, worker_id, agent, created_at, claimed_at, finished_at,
                         last_heartbeat_at, attempts, tokens_used, token_cap, cost_usd, duration_ms, error_type,
                         trace_id, updated_seq)
  SELECT t.job_id, coalesce(l.lifecycle_status, 'running'), l.occurred_at, t.mode,
         coalesce(c.worker_id, t.any_worker_id), t.agent, t.first_at, c.occurred_at, f.occurred_at,
         t.heartbeat_at, t.claims, t.tokens, t.token_cap, t.cost, f.duration_ms, f.error_type,
         coalesce(c.trace_id, t.any_trace_id), t.max_seq
  FROM totals t
  LEFT JOIN latest_lifecycle l USING (job_id)
  LEFT JOIN latest_claim c USING (job_id)
  LEFT JOIN latest_finish f USING (job_id)
  ORDER BY t.job_id -- lock rows in one fixed order, so concurrent batches cannot deadlock on jobs
  ON CONFLICT (id) DO UPDATE SET
    status = CASE WHEN ledger_job_status_wins(EXCLUDED.status_changed_at, EXCLUDED.status,
                                              j.status_changed_at, j.status)
                  THEN EXCLUDED.status ELSE j.status END,
    status_changed_at = CASE WHEN ledger_job_status_wins(EXCLUDED.status_changed_at, EXCLUDED.status,
                                                         j.status_changed_at, j.status)
                             THEN EXCLUDED.status_changed_at ELSE j.status_changed_at END,
    mode = coalesce(j.mode, EXCLUDED.mode),
    agent = coalesce(j.agent, EXCLUDED.agent),
    worker_id = CASE WHEN EXCLUDED.claimed_at > coalesce(j.claimed_at, '-infinity')
                     THEN EXCLUDED.worker_id ELSE coalesce(j.worker_id, EXCLUDED.worker_id) END,
    trace_id = CASE WHEN EXCLUDED.claimed_at > coalesce(j.claimed_at, '-infinity') AND EXCLUDED.trace_id IS NOT NULL
                    THEN EXCLUDED.trace_id ELSE coalesce(j.trace_id, EXCLUDED.trace_id) END,
    claimed_at = greatest(j.claimed_at, EXCLUDED.claimed_at),
    created_at = least(j.created_at, EXCLUDED.created_at),
    finished_at = CASE WHEN (EXCLUDED.finished_at, EXCLUDED.error_type IS NULL)
                            > (coalesce(j.finished_at, '-infinity'), j.error_type IS NULL)
                       THEN EXCLUDED.finished_at ELSE j.finished_at END,
    duration_ms = CASE WHEN (EXCLUDED.finished_at, EXCLUDED.error_type IS NULL)
                            > (coalesce(j.finished_at, '-infinity'), j.error_type IS NULL)
                       THEN EXCLUDED.duration_ms ELSE j.duration_ms END,
    error_type = CASE WHEN (EXCLUDED.finished_at, EXCLUDED.error_type IS NULL)
                           > (coalesce(j.finished_at, '-infinity'), j.error_type IS NULL)
                      THEN EXCLUDED.error_type ELSE j.error_type END,
    last_heartbeat_at = greatest(j.last_heartbeat_at, EXCLUDED.last_heartbeat_at),
    attempts = j.attempts + EXCLUDED.attempts,
    tokens_used = j.tokens_used + EXCLUDED.tokens_used,
    cost_usd = j.cost_usd + EXCLUDED.cost_usd,
    token_cap = coalesce(j.token_cap, EXCLUDED.token_cap),
    updated_seq = greatest(j.updated_seq, EXCLUDED.updated_seq);
  RETURN NULL;
END
$$;

CREATE TRIGGER ledger_events_apply_to_jobs
  AFTER INSERT ON ledger_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_apply_to_jobs();
