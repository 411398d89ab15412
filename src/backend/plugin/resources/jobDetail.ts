/**
 * GET jobs/<id>: one job for the app's job page — its state (the `jobs` table), totals over its ledger events, its
 * conversation, and the time range the page's trace and logs queries should use. 404 when the ledger has no such
 * job.
 */
import type { JobDetailResponse, JobMessage } from '../../../contract/resources';
import { withReadOnlySession } from '../../db/session';
import type { Instance } from '../instances';
import type { ResourceResponse } from '../types';
import { json, NotFound } from './http';

/** Most conversation messages returned (oldest first). */
export const MAX_JOB_MESSAGES = 500;
const MAX_MESSAGE_CHARS = 20_000;
const PAD_MS = 60_000;

const JOB_SQL = `SELECT id, status, mode, worker_id, agent, trace_id, created_at, claimed_at, finished_at, last_heartbeat_at,
       attempts, duration_ms, tokens_used::float8 AS tokens_used, token_cap::float8 AS token_cap, cost_usd, error_type
FROM jobs WHERE id = $1::text`;

const TOTALS_SQL = `SELECT count(*) FILTER (WHERE kind = 'llm.call')::int4 AS llm_calls,
       count(*) FILTER (WHERE kind = 'tool.call')::int4 AS tool_calls,
       count(*) FILTER (WHERE kind IN ('error', 'job.failed'))::int4 AS errors,
       count(*) FILTER (WHERE kind = 'escalation')::int4 AS escalations,
       coalesce(sum(tokens_in) FILTER (WHERE kind = 'llm.call'), 0)::float8 AS tokens_in,
       coalesce(sum(tokens_out) FILTER (WHERE kind = 'llm.call'), 0)::float8 AS tokens_out,
       floor(extract(epoch FROM min(occurred_at)) * 1000)::float8 AS first_ms,
       floor(extract(epoch FROM max(occurred_at)) * 1000)::float8 AS last_ms
FROM ledger_events WHERE job_id = $1::text`;

const MESSAGES_SQL = `SELECT occurred_at, name AS role, conversation_id, payload
FROM ledger_events WHERE job_id = $1::text AND kind = 'conversation.message'
ORDER BY occurred_at, seq LIMIT $2::int8`;

type JobRow = {
  id: string;
  status: string;
  mode: string | null;
  worker_id: string | null;
  agent: string | null;
  trace_id: string | null;
  created_at: Date | null;
  claimed_at: Date | null;
  finished_at: Date | null;
  last_heartbeat_at: Date | null;
  attempts: number;
  duration_ms: number | null;
  tokens_used: number;
  token_cap: number | null;
  cost_usd: number;
  error_type: string | null;
};
type TotalsRow = {
  llm_calls: number;
  tool_calls: number;
  errors: number;
  escalations: number;
  tokens_in: number;
  tokens_out: number;
  first_ms: number | null;
  last_ms: number | null;
};
type MessageRow = { occurred_at: Date; role: string; conversation_id: string; payload: Record<string, unknown> | null };

const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

function messageText(payload: Record<string, unknown> | null): string | undefined {
  for (const key of ['text', 'content', 'message']) {
    const value = payload?.[key];
    if (typeof value === 'string') {
      return value.length > MAX_MESSAGE_CHARS ? `${value.slice(0, MAX_MESSAGE_CHARS - 1)}…` : value;
    }
  }
  return undefined;
}

/** Answers the job detail route. */
export async function jobDetail(instance: Instance, jobId: string, signal: AbortSignal): Promise<ResourceResponse> {
  const found = await withReadOnlySession(
    instance.pool,
    instance.settings,
    async (session) => {
      const job = (await session.query<JobRow>(JOB_SQL, [jobId])).rows[0];
      if (!job) {
        return undefined;
      }
      const totals = (await session.query<TotalsRow>(TOTALS_SQL, [jobId])).rows[0]!;
      const messages = (await session.query<MessageRow>(MESSAGES_SQL, [jobId, MAX_JOB_MESSAGES])).rows;
      return { job, totals, messages };
    },
    { signal }
  );
  if (!found) {
    throw new NotFound(`no job "${jobId.slice(0, 200)}" in the ledger`);
  }
  const { job, totals, messages } = found;
  const firstMs = totals.first_ms ?? job.created_at?.getTime() ?? Date.now();
  const endMs =
    job.finished_at?.getTime() ??
    (job.status === 'running' || job.status === 'queued' ? Date.now() : (totals.last_ms ?? firstMs));
  const body: JobDetailResponse = {
    job: {
      id: job.id,
      status: job.status,
      mode: job.mode,
      workerId: job.worker_id,
      agent: job.agent,
      traceId: job.trace_id,
      createdAt: isoOrNull(job.created_at),
      claimedAt: isoOrNull(job.claimed_at),
      finishedAt: isoOrNull(job.finished_at),
      lastHeartbeatAt: isoOrNull(job.last_heartbeat_at),
      attempts: job.attempts,
      durationMs: job.duration_ms,
      tokensUsed: Number(job.tokens_used),
      tokenCap: job.token_cap === null ? null : Number(job.token_cap),
      costUsd: job.cost_usd,
      errorType: job.error_type,
    },
    totals: {
      llmCalls: totals.llm_calls,
      toolCalls: totals.tool_calls,
      errors: totals.errors,
      escalations: totals.escalations,
      tokensIn: totals.tokens_in,
      tokensOut: totals.tokens_out,
    },
    messages: messages.map((row): JobMessage => {
      const text = messageText(row.payload);
      return {
        at: row.occurred_at.toISOString(),
        role: row.role,
        conversationId: row.conversation_id,
        ...(text !== undefined ? { text } : {}),
      };
    }),
    range: { from: firstMs - PAD_MS, to: Math.max(endMs, totals.last_ms ?? endMs) + PAD_MS },
  };
  return json(200, body);
}
