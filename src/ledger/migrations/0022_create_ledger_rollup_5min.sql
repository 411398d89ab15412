-- What: creates ledger_rollup_5min, the hourly rollup's columns and keys per 5 minutes instead of per hour, keeps it
--       up to date with a second statement-level AFTER INSERT trigger, fills it from the events already in the
--       ledger, and adds it to analyze_ledger().
-- Why:  Grafana asks a ~1000 px panel for 30-minute buckets over 30 days and 10-minute buckets over 7 days (#14).
--       Hourly rows cannot be split between two such buckets, so those panels read raw rows (1-13 s on 10M events).
--       5 minutes divides every step of Grafana's interval ladder from 5 m up, and every real zone offset (all are
--       multiples of 15 minutes), so a 5-minute row belongs to exactly one bucket of any such width in any zone. The
--       query builders read this table when the buckets are not whole hours (the hourly rollup stays for those: it
--       has 12 times fewer rows), with raw rows for the partial 5 minutes at a window's edges (docs/ledger.md,
--       "Scale"). Columns, merge rules and the worker_id rule are those of ledger_rollup_hourly (0014, 0017).
--       A trigger of its own rather than a change to 0017's function: the two stay independent and each is short.
-- Safe on live data: yes, but like 0017 it blocks writers while it runs (creating the trigger locks ledger_events
--       against inserts until commit, so no row slips between the backfill and the trigger); the backfill reads
--       every event once (about as long as 0017's: ~40 s per 10 million events on two cores).
CREATE TABLE ledger_rollup_5min (
  bucket timestamptz NOT NULL,
  kind text NOT NULL,
  mode text,
  agent text,
  worker_id text,
  name text,
  status text,
  events bigint NOT NULL,
  first_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  duration_n bigint NOT NULL,
  duration_sum double precision NOT NULL,
  duration_min double precision,
  duration_max double precision,
  tokens_in bigint NOT NULL,
  tokens_out bigint NOT NULL,
  tokens_in_max bigint NOT NULL,
  tokens_out_max bigint NOT NULL,
  tokens_max bigint NOT NULL,
  cost_usd double precision NOT NULL,
  cost_max double precision NOT NULL,
  value_n bigint NOT NULL,
  value_sum double precision NOT NULL,
  value_min double precision,
  value_max double precision,
  CONSTRAINT ledger_rollup_5min_key UNIQUE NULLS NOT DISTINCT (kind, bucket, mode, agent, worker_id, name, status)
    INCLUDE (events, first_at, last_at, duration_n, duration_sum, duration_min, duration_max, tokens_in, tokens_out,
             tokens_in_max, tokens_out_max, tokens_max, cost_usd, cost_max, value_n, value_sum, value_min, value_max)
);

COMMENT ON TABLE ledger_rollup_5min IS
  '5-minute aggregates of ledger_events by kind and dimensions, maintained by trigger (docs/ledger.md, "Scale").';
COMMENT ON COLUMN ledger_rollup_5min.bucket IS 'Start of the 5 minutes (date_bin from 2001-01-01 00:00 UTC).';
COMMENT ON COLUMN ledger_rollup_5min.worker_id IS 'Kept for worker.heartbeat; NULL for every other kind.';

GRANT SELECT ON ledger_rollup_5min TO ledger_reader;

CREATE FUNCTION ledger_events_apply_to_rollup_5min() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  INSERT INTO ledger_rollup_5min AS r (kind, bucket, mode, agent, worker_id, name, status, events, first_at,
      last_at, duration_n, duration_sum, duration_min, duration_max, tokens_in, tokens_out, tokens_in_max,
      tokens_out_max, tokens_max, cost_usd, cost_max, value_n, value_sum, value_min, value_max)
  SELECT n.kind, date_bin('5 minutes', n.occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00'), n.mode, n.agent,
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
  ON CONFLICT ON CONSTRAINT ledger_rollup_5min_key DO UPDATE SET
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
  RETURN NULL;
END
$$;

REVOKE EXECUTE ON FUNCTION ledger_events_apply_to_rollup_5min() FROM PUBLIC;

CREATE TRIGGER ledger_events_apply_to_rollup_5min
  AFTER INSERT ON ledger_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_apply_to_rollup_5min();

-- The events already in the ledger (none on a new database). The trigger's lock keeps writers out until commit.
INSERT INTO ledger_rollup_5min (kind, bucket, mode, agent, worker_id, name, status, events, first_at, last_at,
    duration_n, duration_sum, duration_min, duration_max, tokens_in, tokens_out, tokens_in_max, tokens_out_max,
    tokens_max, cost_usd, cost_max, value_n, value_sum, value_min, value_max)
SELECT e.kind, date_bin('5 minutes', e.occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00'), e.mode, e.agent,
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

-- Bulk loaders call analyze_ledger() when they finish (0021): the new table needs statistics as much as the others.
CREATE OR REPLACE FUNCTION analyze_ledger() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  ANALYZE ledger_events, jobs, workers, ledger_rollup_hourly, ledger_rollup_5min, ledger_duration_histogram_daily,
    ledger_duration_top_hourly;
END
$$;
