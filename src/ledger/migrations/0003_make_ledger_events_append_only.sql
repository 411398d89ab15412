-- What: makes ledger_events append-only in the database: UPDATE, DELETE and TRUNCATE raise an error for everyone,
--       including the table owner and superusers, and the owner gives up those privileges too.
-- Why:  the ledger is a record of facts; a correction is a new event, never an edit. Enforcing this in SQL (not by
--       convention) means a buggy worker, a hand-typed psql session or a compromised reader cannot rewrite history.
--       The trigger is statement-level so that it also rejects statements that match no rows, MERGE and
--       INSERT ... ON CONFLICT DO UPDATE; it is ENABLE ALWAYS so session_replication_role = replica cannot bypass it.
--       Only someone allowed to ALTER the table (its owner) could drop the trigger: the applications never connect
--       as the owner (docs/ledger.md, roles).
-- Safe on live data: yes (no rows are touched; takes a brief ACCESS EXCLUSIVE lock to add the trigger).
CREATE FUNCTION ledger_events_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Facts are never changed or removed; append a new event (for example job.requeued) instead.';
END
$$;

CREATE TRIGGER ledger_events_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_reject_change();

ALTER TABLE ledger_events ENABLE ALWAYS TRIGGER ledger_events_append_only;

-- Defence in depth: nobody, not even the owner, holds the privileges to change rows. (A superuser bypasses
-- privileges, but not the trigger above.)
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_events FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_events FROM CURRENT_USER;
