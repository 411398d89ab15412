-- What: replaces the (kind, occurred_at) index with one that also carries the columns metrics read (INCLUDE mode,
--       agent, worker_id, name, status, duration_ms, tokens_in, tokens_out, cost_usd, value).
-- Why:  the raw half of a metric (short windows, the partial hours at a window's edges, percentiles) reads one kind
--       over a time range. Rows of one kind are spread over heap pages shared with every other kind (heartbeats are
--       half of them), so the old index led to a heap visit per row; the covering index answers with an index-only
--       scan (measured in docs/ledger.md, "Scale"). Same key, so every query the old index served uses this one.
-- Safe on live data: on a small table, yes. On a large live table CREATE INDEX blocks writes while it builds: create
--       it by hand first (CREATE INDEX CONCURRENTLY ledger_events_kind_occurred_at_covering_idx ...), then migrate.
CREATE INDEX IF NOT EXISTS ledger_events_kind_occurred_at_covering_idx ON ledger_events (kind, occurred_at)
  INCLUDE (mode, agent, worker_id, name, status, duration_ms, tokens_in, tokens_out, cost_usd, value);
DROP INDEX IF EXISTS ledger_events_kind_occurred_at_idx;
