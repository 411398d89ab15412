-- What: limits every text column of ledger_events except payload (ids, mode, agent, name, status) to 256 bytes
--       (UTF-8), with one CHECK; the writer's zod schema refuses the same values first.
-- Why:  these columns are identifiers and labels, and they are indexed: btree entries cannot exceed ~2.7 kB, so an
--       over-long value would fail the INSERT deep inside an index ("index row size exceeds maximum") instead of
--       being refused with a name. The metric indexes and rollups (next migrations) key on mode, agent, worker_id,
--       name and status together; 256 bytes each keeps every entry well inside the limit. Long text belongs in
--       payload, which is not indexed.
-- Safe on live data: the CHECK is validated against existing rows, a full scan (about 3 s per 10 million rows)
--       under an ACCESS EXCLUSIVE lock that blocks writers meanwhile; it fails, changing nothing, if a row is over
--       the limit.
ALTER TABLE ledger_events ADD CONSTRAINT ledger_events_text_length_valid CHECK (
  octet_length(job_id) <= 256 AND octet_length(worker_id) <= 256 AND octet_length(mode) <= 256
  AND octet_length(agent) <= 256 AND octet_length(trace_id) <= 256 AND octet_length(span_id) <= 256
  AND octet_length(parent_span_id) <= 256 AND octet_length(name) <= 256 AND octet_length(status) <= 256
  AND octet_length(conversation_id) <= 256
);
