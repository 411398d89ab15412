-- What: one NOTIFY on channel ledger_events per INSERT/COPY statement, carrying the batch's seq range, row count,
--       kinds and occurred_at range as JSON, e.g.
--       {"min_seq":101,"max_seq":124,"count":24,"kinds":["llm.call","tool.call"],
--        "min_occurred_at":"2026-11-29T10:00:00+00:00","max_occurred_at":"2026-11-29T10:00:02+00:00"}
-- Why:  live panels LISTEN and then catch up with "seq > cursor"; one message per statement (not per row) keeps a
--       100k-row COPY from flooding every listener. Notifications are delivered at commit and dropped on rollback,
--       so a listener never hears about rows it cannot see. The payload stays far below NOTIFY's 8000-byte limit
--       (at most 14 kinds).
-- Safe on live data: yes.
CREATE FUNCTION ledger_events_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  message text;
BEGIN
  SELECT json_build_object(
           'min_seq', min(seq), 'max_seq', max(seq), 'count', count(*),
           'kinds', array_agg(DISTINCT kind ORDER BY kind),
           'min_occurred_at', min(occurred_at), 'max_occurred_at', max(occurred_at))::text
    INTO message
  FROM new_events
  HAVING count(*) > 0; -- an INSERT ... SELECT that inserted nothing stays silent
  IF message IS NOT NULL THEN
    PERFORM pg_notify('ledger_events', message);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER ledger_events_notify
  AFTER INSERT ON ledger_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_notify();
