-- What: creates ledger_duration_top_hourly: per UTC hour × kind × name, the number of events with a duration_ms and
--       the 64 largest durations, in descending order. name is kept for tool.call and llm.call (tool, model) and
--       NULL for the other kinds, whose duration metrics are not grouped by name.
-- Why:  p95 and p99 only depend on the largest values: percentile_cont(0.99) of n values reads the values at
--       descending ranks up to 0.01 * (n - 1) + 1. Merging the top 64 of each part of a group gives the group's exact
--       top 64, so a 30-day "p99 by tool" or "p95 job duration" series with hourly buckets is computed exactly from
--       ~13 small rows per hour, as long as each group's needed rank is below 64 (p99: up to 6,300 events per group,
--       p95: up to 1,260). Larger groups are computed from their raw rows, so the answer stays exact.
-- Safe on live data: yes (new, empty table; a later migration fills it).
CREATE TABLE ledger_duration_top_hourly (
  bucket timestamptz NOT NULL,
  kind text NOT NULL,
  name text,
  events bigint NOT NULL,
  top double precision[] NOT NULL,
  -- INCLUDE: percentile queries read the table with an index-only scan
  CONSTRAINT ledger_duration_top_hourly_key UNIQUE NULLS NOT DISTINCT (kind, bucket, name) INCLUDE (events, top)
);

COMMENT ON TABLE ledger_duration_top_hourly IS
  'Hourly count and 64 largest duration_ms by kind (and tool or model), maintained by trigger (docs/ledger.md).';

GRANT SELECT ON ledger_duration_top_hourly TO ledger_reader;
