-- What: a partial index on (worker_id, occurred_at) of worker.heartbeat events.
-- Why:  heartbeat age asks, per worker, for its latest heartbeat before a moment. Through (kind, occurred_at) that
--       walks back over every worker's heartbeats until it meets one of this worker: instant for a live worker,
--       but a silent one (the very case the "heartbeat missing" alert is about) costs a scan of everything since it
--       went quiet. With this index it is one descent per worker.
-- Safe on live data: on a small table, yes. On a large live table create it by hand first with CREATE INDEX
--       CONCURRENTLY under the same name, then migrate.
CREATE INDEX IF NOT EXISTS ledger_events_heartbeat_worker_idx ON ledger_events (worker_id, occurred_at)
  WHERE kind = 'worker.heartbeat';
