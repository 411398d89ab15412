-- What: an index on jobs (created_at).
-- Why:  the datasource's jobs listing selects "jobs created in the time range" (and the app's tables of new jobs);
--       without it every such listing scans the whole jobs table: 76 ms (EXPLAIN ANALYZE) for the last hour over 192k
--       jobs (a 30-day, 10M-event ledger has ~250k), 0.4 ms with it. finished_at already has its index (0005).
-- Safe on live data: on a small table, yes. On a large live table create it by hand first with CREATE INDEX
--       CONCURRENTLY under the same name, then migrate.
CREATE INDEX IF NOT EXISTS jobs_created_at_idx ON jobs (created_at);
