/**
 * How a ledger event reads as a log line: its severity, a one-line body that says what happened in words, and its
 * labels. Pure functions of one event; docs/queries.md lists the mapping.
 */
import { formatDuration, isFailedStatus, NAME_DIMENSION_BY_KIND, payloadMessage, type EventRow } from './eventRow';

/** Log levels Grafana colours (data plane `severity`). */
export type Severity = 'critical' | 'error' | 'warning' | 'info' | 'debug';

/** The severity of an event: lost jobs are critical, errors and failed calls errors, human or budget trouble warnings. */
export function severityOf(event: EventRow): Severity {
  switch (event.kind) {
    case 'job.failed':
      return 'critical';
    case 'error':
      return 'error';
    case 'escalation':
    case 'budget.exceeded':
    case 'job.requeued':
      return 'warning';
    case 'worker.heartbeat':
      return 'debug';
    default:
      return isFailedStatus(event.status) ? 'error' : 'info';
  }
}

const job = (e: EventRow) => e.jobId ?? '(no job)';
const modeNote = (e: EventRow) => (e.mode ? ` (mode ${e.mode})` : '');
const onWorker = (e: EventRow) => (e.workerId ? ` on worker ${e.workerId}` : '');
const forJob = (e: EventRow) => (e.jobId ? ` for ${e.jobId}` : '');
const took = (e: EventRow, word = 'in') => (e.durationMs !== null ? ` ${word} ${formatDuration(e.durationMs)}` : '');
const message = (e: EventRow) => {
  const text = payloadMessage(e);
  return text ? `: ${text}` : '';
};

function tokens(e: EventRow): string {
  const parts: string[] = [];
  if (e.tokensIn !== null || e.tokensOut !== null) {
    parts.push(`${e.tokensIn ?? 0} in / ${e.tokensOut ?? 0} out tokens`);
  }
  if (e.costUsd !== null) {
    parts.push(`$${e.costUsd.toFixed(4)}`);
  }
  if (e.durationMs !== null) {
    parts.push(formatDuration(e.durationMs));
  }
  return parts.join(', ');
}

function callStatus(e: EventRow): string {
  return e.status ? ` ${e.status}` : '';
}

/** One line that reads well per kind, e.g. `job.failed job-42 (mode genius) on worker w1: TimeoutError after 61.2 s`. */
export function bodyOf(e: EventRow): string {
  switch (e.kind) {
    case 'job.created':
      return `job.created ${job(e)}${modeNote(e)} queued${message(e)}`;
    case 'job.claimed':
      return `job.claimed ${job(e)}${modeNote(e)} by worker ${e.workerId ?? '?'}`;
    case 'job.completed':
      return `job.completed ${job(e)}${modeNote(e)}${onWorker(e)}${took(e)}`;
    case 'job.failed':
      return `job.failed ${job(e)}${modeNote(e)}${onWorker(e)}: ${e.name ?? 'error'}${took(e, 'after')}${message(e)}`;
    case 'job.requeued':
      return `job.requeued ${job(e)}${modeNote(e)}: ${e.name ?? 'requeued'}${message(e)}`;
    case 'worker.heartbeat':
      return `worker.heartbeat ${e.workerId ?? '?'} ${e.jobId ? `running ${e.jobId}` : 'idle'}`;
    case 'agent.loop':
      return `agent.loop ${e.agent ?? 'agent'}${forJob(e)}${callStatus(e)}${took(e)}${message(e)}`;
    case 'llm.call': {
      const detail = tokens(e);
      return `llm.call ${e.name ?? '?'}${forJob(e)}${callStatus(e)}${detail ? `: ${detail}` : ''}${message(e)}`;
    }
    case 'tool.call':
      return `tool.call ${e.name ?? '?'}${forJob(e)}${e.status ? `: ${e.status}` : ''}${took(e)}${message(e)}`;
    case 'escalation':
      return `escalation${forJob(e)}: ${e.name ?? 'escalated'}${message(e)}`;
    case 'error':
      return `error ${e.name ?? '?'}${forJob(e)}${message(e)}`;
    case 'budget.exceeded': {
      const cap = e.payload.token_cap;
      const capNote = typeof cap === 'number' ? `, cap ${cap}` : '';
      return `budget.exceeded ${job(e)}: ${e.value ?? '?'} tokens used${capNote}`;
    }
    case 'conversation.message':
      return `conversation.message ${e.name ?? '?'} in ${e.conversationId ?? '?'}${e.jobId ? ` (${e.jobId})` : ''}${message(e)}`;
    case 'insight':
      return `insight ${e.name ?? '?'}${e.value !== null ? ` (confidence ${e.value.toFixed(2)})` : ''}${message(e)}`;
    default:
      return `${e.kind}${forJob(e)}${message(e)}`;
  }
}

/** Labels of a log line: the event's dimensions (only those it has), named like the query dimensions. */
export function labelsOf(e: EventRow): Record<string, string> {
  const labels: Record<string, string> = { kind: e.kind };
  const add = (key: string, value: string | null) => {
    if (value !== null && value !== '') {
      labels[key] = value;
    }
  };
  add('job', e.jobId);
  add('worker', e.workerId);
  add('mode', e.mode);
  add('agent', e.agent);
  add(NAME_DIMENSION_BY_KIND[e.kind] ?? 'name', e.name);
  add('status', e.status);
  add('trace_id', e.traceId);
  add('conversation', e.conversationId);
  return labels;
}

/** What the "Trace" link of a line opens: the job (its whole trace) or, for events without a job, their trace. */
export function traceKeyOf(e: EventRow): string | null {
  return e.jobId ?? e.traceId ?? null;
}
