-- What: creates ledger_events, the append-only table of facts about jobs, workers, agent loops, LLM and tool calls.
-- Why:  the single source of truth that every dashboard, alert, trace and stream reads (docs/ledger.md).
--       seq is an identity column (GENERATED ALWAYS): writers cannot forge or reuse an append sequence number.
--       Per-kind CHECKs keep rows usable by the queries (a tool call without a tool name is not a fact we can chart);
--       the writer's zod schema mirrors them so most mistakes are caught before the database sees them.
-- Safe on live data: yes (new table).
CREATE TABLE ledger_events (
  seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1),
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL,
  job_id text,
  worker_id text,
  mode text,
  agent text,
  trace_id text,
  span_id text,
  parent_span_id text,
  name text,
  status text,
  duration_ms double precision,
  tokens_in integer,
  tokens_out integer,
  cost_usd double precision,
  conversation_id text,
  value double precision,
  payload jsonb NOT NULL DEFAULT '{}',
  CONSTRAINT ledger_events_pkey PRIMARY KEY (seq),
  CONSTRAINT ledger_events_kind_known CHECK (kind IN (
    'job.created', 'job.claimed', 'job.completed', 'job.failed', 'job.requeued',
    'worker.heartbeat', 'agent.loop', 'llm.call', 'tool.call', 'escalation', 'error',
    'budget.exceeded', 'conversation.message', 'insight'
  )),
  -- NaN sorts above 'Infinity' in PostgreSQL, so "< 'Infinity'" rejects both NaN and infinities.
  CONSTRAINT ledger_events_duration_ms_valid CHECK (duration_ms >= 0 AND duration_ms < 'Infinity'),
  CONSTRAINT ledger_events_tokens_in_valid CHECK (tokens_in >= 0),
  CONSTRAINT ledger_events_tokens_out_valid CHECK (tokens_out >= 0),
  CONSTRAINT ledger_events_cost_usd_valid CHECK (cost_usd >= 0 AND cost_usd < 'Infinity'),
  CONSTRAINT ledger_events_value_finite CHECK (value > '-Infinity' AND value < 'Infinity'),
  CONSTRAINT ledger_events_payload_is_object CHECK (jsonb_typeof(payload) = 'object'),
  CONSTRAINT ledger_events_job_id_required CHECK (
    job_id IS NOT NULL OR kind NOT IN ('job.created', 'job.claimed', 'job.completed', 'job.failed', 'job.requeued',
                                       'budget.exceeded')),
  CONSTRAINT ledger_events_worker_id_required CHECK (
    worker_id IS NOT NULL OR kind NOT IN ('job.claimed', 'worker.heartbeat')),
  CONSTRAINT ledger_events_name_required CHECK (
    name IS NOT NULL OR kind NOT IN ('job.failed', 'job.requeued', 'llm.call', 'tool.call', 'escalation', 'error',
                                     'conversation.message', 'insight')),
  CONSTRAINT ledger_events_span_required CHECK (
    (trace_id IS NOT NULL AND span_id IS NOT NULL) OR kind <> 'agent.loop'),
  CONSTRAINT ledger_events_conversation_message_valid CHECK (
    kind <> 'conversation.message'
    OR (conversation_id IS NOT NULL AND name IS NOT NULL AND name IN ('user', 'assistant', 'system', 'tool'))),
  CONSTRAINT ledger_events_insight_confidence_valid CHECK (
    kind <> 'insight' OR (value IS NOT NULL AND value >= 0 AND value <= 1)),
  CONSTRAINT ledger_events_budget_value_required CHECK (
    kind <> 'budget.exceeded' OR value IS NOT NULL)
);

COMMENT ON TABLE ledger_events IS
  'Append-only facts of the AI coding team (docs/ledger.md). INSERT only: UPDATE, DELETE and TRUNCATE are rejected.';
COMMENT ON COLUMN ledger_events.seq IS
  'Append sequence: unique, increasing in assignment order (not commit order); stream catch-up cursor.';
COMMENT ON COLUMN ledger_events.occurred_at IS 'When the fact happened, as reported by the writer.';
COMMENT ON COLUMN ledger_events.recorded_at IS 'When the ledger received it (transaction start of the insert).';
COMMENT ON COLUMN ledger_events.name IS
  'Tool (tool.call), model (llm.call), error type (job.failed, error), role (conversation.message), '
  'category (insight), reason (escalation, job.requeued).';
COMMENT ON COLUMN ledger_events.value IS
  'Generic measured value: insight confidence 0..1, tokens used for budget.exceeded.';
