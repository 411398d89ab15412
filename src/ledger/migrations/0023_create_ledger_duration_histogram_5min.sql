-- What: creates ledger_duration_histogram_5min (per 5 minutes × kind × tool or model: how many events had a
--       duration_ms in each of 36 logarithmic bins per doubling), the functions that define those bins,
--       ledger_duration_fine_bin(ms) and ledger_duration_fine_at(bin), a trigger that keeps it as rows arrive, and its
--       backfill; adds it to analyze_ledger().
-- Why:  p50/p95/p99 series over long windows at the bucket widths Grafana asks for (30 minutes over 30 days, 10
--       minutes over 7 days, #14) had no summary to read: the top-64 table is hourly and cannot give a median, so
--       those panels sorted every raw duration. A histogram merges by addition across 5-minute rows into any bucket
--       that is a multiple of 5 minutes in any zone. A bin spans 2^(1/36) = 1.94%, so its geometric middle is within
--       0.97% of every value in it, and a percentile built from such middles (interpolated between two ranks, as
--       percentile_cont does) is within 0.97% of the exact one (docs/metrics.md). Zero durations get their own bin
--       and come back as exactly 0. name is kept for tool.call and llm.call only, as in 0015-0017.
-- Safe on live data: yes, but like 0017 and 0022 it blocks writers while the trigger is created and the backfill
--       reads every event with a duration.
CREATE FUNCTION ledger_duration_fine_bin(duration_ms double precision) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- 36 / ln(2) = 51.937021...: bin b holds [2^(b/36), 2^((b+1)/36)); zero durations get their own bin
  SELECT CASE WHEN duration_ms > 0 THEN floor(ln(duration_ms) * 51.937021472002684)::smallint ELSE -32768 END
$$;

-- The geometric middle of a bin (0 for the zero bin): within 0.97% of every duration in the bin.
CREATE FUNCTION ledger_duration_fine_at(bin smallint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN bin = -32768 THEN 0 ELSE exp((bin + 0.5) / 51.937021472002684) END
$$;

CREATE TABLE ledger_duration_histogram_5min (
  bucket timestamptz NOT NULL,
  kind text NOT NULL,
  name text,
  bin smallint NOT NULL,
  events bigint NOT NULL,
  -- INCLUDE: percentile queries read the histogram with an index-only scan
  CONSTRAINT ledger_duration_histogram_5min_key UNIQUE NULLS NOT DISTINCT (kind, bucket, name, bin) INCLUDE (events)
);

COMMENT ON TABLE ledger_duration_histogram_5min IS
  '5-minute logarithmic histograms (1.94% bins) of duration_ms by kind and tool or model, maintained by trigger.';
COMMENT ON COLUMN ledger_duration_histogram_5min.bucket IS 'Start of the 5 minutes (date_bin from 2001-01-01 UTC).';

GRANT SELECT ON ledger_duration_histogram_5min TO ledger_reader;

CREATE FUNCTION ledger_events_apply_to_duration_histogram_5min() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  INSERT INTO ledger_duration_histogram_5min AS h (kind, bucket, name, bin, events)
  SELECT n.kind, date_bin('5 minutes', n.occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00'),
         ledger_duration_name(n.kind, n.name), ledger_duration_fine_bin(n.duration_ms), count(*)
  FROM new_events n
  WHERE n.duration_ms IS NOT NULL
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4 -- one lock order for every batch: concurrent writers cannot deadlock
  ON CONFLICT ON CONSTRAINT ledger_duration_histogram_5min_key DO UPDATE SET events = h.events + EXCLUDED.events;
  RETURN NULL;
END
$$;

REVOKE EXECUTE ON FUNCTION ledger_events_apply_to_duration_histogram_5min() FROM PUBLIC;

CREATE TRIGGER ledger_events_apply_to_duration_histogram_5min
  AFTER INSERT ON ledger_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_apply_to_duration_histogram_5min();

-- The events already in the ledger (none on a new database). The trigger's lock keeps writers out until commit.
INSERT INTO ledger_duration_histogram_5min (kind, bucket, name, bin, events)
SELECT e.kind, date_bin('5 minutes', e.occurred_at, TIMESTAMPTZ '2001-01-01 00:00:00+00'),
       ledger_duration_name(e.kind, e.name), ledger_duration_fine_bin(e.duration_ms), count(*)
FROM ledger_events e
WHERE e.duration_ms IS NOT NULL
GROUP BY 1, 2, 3, 4;

CREATE OR REPLACE FUNCTION analyze_ledger() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  ANALYZE ledger_events, jobs, workers, ledger_rollup_hourly, ledger_rollup_5min, ledger_duration_histogram_daily,
    ledger_duration_histogram_5min, ledger_duration_top_hourly;
END
$$;
