-- What: keeps ledger_rollup_hourly, ledger_duration_histogram_daily and ledger_duration_top_hourly up to date as
--       rows arrive (one statement-level AFTER INSERT trigger, like jobs and workers), and fills them from the events
--       already in the ledger.
-- Why:  a rollup the database maintains in the inserting transaction is exactly as current as the events: a query
--       sees both through one snapshot, so "rollup for whole hours + raw rows for the edges" is exact. Each INSERT or
--       COPY statement is folded in with one GROUP BY and one upsert per table, rows locked in key order so
--       concurrent batches cannot deadlock. Every merge is a sum, min or max: order-independent, late events land in
--       their own hour.
--       SECURITY DEFINER because writers may only INSERT into ledger_events.
--       The duration tables name only tools and models (ledger_duration_name): other kinds' duration metrics are not
--       grouped by name, and keeping error types would only split their histograms.
-- Safe on live data: yes, but it blocks writers while it runs: creating the trigger takes a SHARE ROW EXCLUSIVE lock
--       on ledger_events (so no row can slip between the backfill and the trigger), and the backfill reads every
--       event (about 40 s per 10 million events on two cores). Run it in a quiet minute.
-- Tool and model for tool.call and llm.call; NULL for every other kind.
CREATE FUNCTION ledger_duration_name(kind text, name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN kind IN ('tool.call', 'llm.call') THEN name END
$$;

-- The 64 largest of two descending arrays, descending.
CREATE FUNCTION ledger_duration_top_merge(a double precision[], b double precision[]) RETURNS double precision[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_agg(v ORDER BY v DESC) FROM (SELECT v FROM unnest(a || b) AS v ORDER BY v DESC LIMIT 64) s
$$;

CREATE FUNCTION ledger_events_apply_to_rollups() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  INSERT INTO ledger_rollup_hourly AS r (kind, bucket, mode, agent, worker_id, name, status, events, first_at,
      last_at, duration_n, duration_sum, duration_min, duration_max, tokens_in, tokens_out, tokens_in_max,
      tokens_out_max, tokens_max, cost_usd, cost_max, value_n, value_sum, value_min, value_max)
  SELECT n.kind, date_bin('1 hour', n.occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00'), n.mode, n.agent,
         CASE WHEN n.kind = 'worker.heartbeat' THEN n.worker_id END,
         n.name, n.status,
         count(*), min(n.occurred_at), max(n.occurred_at),
         count(n.duration_ms), coalesce(sum(n.duration_ms), 0), min(n.duration_ms), max(n.duration_ms),
         sum(coalesce(n.tokens_in, 0)), sum(coalesce(n.tokens_out, 0)),
         max(coalesce(n.tokens_in, 0)), max(coalesce(n.tokens_out, 0)),
         max(coalesce(n.tokens_in, 0)::bigint + coalesce(n.tokens_out, 0)),
         sum(coalesce(n.cost_usd, 0)), max(coalesce(n.cost_usd, 0)),
         count(n.value), coalesce(sum(n.value), 0), min(n.value), max(n.value)
  FROM new_events n
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  ORDER BY 1, 2, 3, 4, 5, 6, 7 -- one lock order for every batch: concurrent writers cannot deadlock
  ON CONFLICT ON CONSTRAINT ledger_rollup_hourly_key DO UPDATE SET
    events = r.events + EXCLUDED.events,
    first_at = least(r.first_at, EXCLUDED.first_at),
    last_at = greatest(r.last_at, EXCLUDED.last_at),
    duration_n = r.duration_n + EXCLUDED.duration_n,
    duration_sum = r.duration_sum + EXCLUDED.duration_sum,
    duration_min = least(r.duration_min, EXCLUDED.duration_min),
    duration_max = greatest(r.duration_max, EXCLUDED.duration_max),
    tokens_in = r.tokens_in + EXCLUDED.tokens_in,
    tokens_out = r.tokens_out + EXCLUDED.tokens_out,
    tokens_in_max = greatest(r.tokens_in_max, EXCLUDED.tokens_in_max),
    tokens_out_max = greatest(r.tokens_out_max, EXCLUDED.tokens_out_max),
    tokens_max = greatest(r.tokens_max, EXCLUDED.tokens_max),
    cost_usd = r.cost_usd + EXCLUDED.cost_usd,
    cost_max = greatest(r.cost_max, EXCLUDED.cost_max),
    value_n = r.value_n + EXCLUDED.value_n,
    value_sum = r.value_sum + EXCLUDED.value_sum,
    value_min = least(r.value_min, EXCLUDED.value_min),
    value_max = greatest(r.value_max, EXCLUDED.value_max);

  INSERT INTO ledger_duration_histogram_daily AS h (kind, bucket, name, bin, events)
  SELECT n.kind, date_bin('1 day', n.occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00'),
         ledger_duration_name(n.kind, n.name), ledger_duration_bin(n.duration_ms), count(*)
  FROM new_events n
  WHERE n.duration_ms IS NOT NULL
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT ON CONSTRAINT ledger_duration_histogram_daily_key DO UPDATE SET events = h.events + EXCLUDED.events;

  INSERT INTO ledger_duration_top_hourly AS t (kind, bucket, name, events, top)
  SELECT n.kind, date_bin('1 hour', n.occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00'),
         ledger_duration_name(n.kind, n.name), count(*), (array_agg(n.duration_ms ORDER BY n.duration_ms DESC))[1:64]
  FROM new_events n
  WHERE n.duration_ms IS NOT NULL
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT ledger_duration_top_hourly_key DO UPDATE SET
    events = t.events + EXCLUDED.events,
    top = ledger_duration_top_merge(t.top, EXCLUDED.top);
  RETURN NULL;
END
$$;

REVOKE EXECUTE ON FUNCTION ledger_events_apply_to_rollups() FROM PUBLIC;

CREATE TRIGGER ledger_events_apply_to_rollups
  AFTER INSERT ON ledger_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_apply_to_rollups();

-- The events already in the ledger (none on a new database). The trigger's lock keeps writers out until commit.
INSERT INTO ledger_rollup_hourly (kind, bucket, mode, agent, worker_id, name, status, events, first_at, last_at,
    duration_n, duration_sum, duration_min, duration_max, tokens_in, tokens_out, tokens_in_max, tokens_out_max,
    tokens_max, cost_usd, cost_max, value_n, value_sum, value_min, value_max)
SELECT e.kind, date_bin('1 hour', e.occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00'), e.mode, e.agent,
       CASE WHEN e.kind = 'worker.heartbeat' THEN e.worker_id END,
       e.name, e.status,
       count(*), min(e.occurred_at), max(e.occurred_at),
       count(e.duration_ms), coalesce(sum(e.duration_ms), 0), min(e.duration_ms), max(e.duration_ms),
       sum(coalesce(e.tokens_in, 0)), sum(coalesce(e.tokens_out, 0)),
       max(coalesce(e.tokens_in, 0)), max(coalesce(e.tokens_out, 0)),
       max(coalesce(e.tokens_in, 0)::bigint + coalesce(e.tokens_out, 0)),
       sum(coalesce(e.cost_usd, 0)), max(coalesce(e.cost_usd, 0)),
       count(e.value), coalesce(sum(e.value), 0), min(e.value), max(e.value)
FROM ledger_events e
GROUP BY 1, 2, 3, 4, 5, 6, 7;

INSERT INTO ledger_duration_histogram_daily (kind, bucket, name, bin, events)
SELECT e.kind, date_bin('1 day', e.occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00'),
       ledger_duration_name(e.kind, e.name), ledger_duration_bin(e.duration_ms), count(*)
FROM ledger_events e
WHERE e.duration_ms IS NOT NULL
GROUP BY 1, 2, 3, 4;

INSERT INTO ledger_duration_top_hourly (kind, bucket, name, events, top)
SELECT e.kind, date_bin('1 hour', e.occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00'),
       ledger_duration_name(e.kind, e.name), count(*), (array_agg(e.duration_ms ORDER BY e.duration_ms DESC))[1:64]
FROM ledger_events e
WHERE e.duration_ms IS NOT NULL
GROUP BY 1, 2, 3;
