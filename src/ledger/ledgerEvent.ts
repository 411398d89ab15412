/**
 * The ledger's event vocabulary and the zod schema every writer validates against before a row reaches PostgreSQL.
 * The per-kind rules mirror the CHECK constraints of migration 0002 (ledgerEvent.test.ts proves both reject the
 * same rows), so a worker gets a readable error instead of a constraint name.
 */
import { z } from 'zod';

/** Every `ledger_events.kind`; docs/ledger.md says which columns each one fills. */
export const LEDGER_EVENT_KINDS = [
  'job.created',
  'job.claimed',
  'job.completed',
  'job.failed',
  'job.requeued',
  'worker.heartbeat',
  'agent.loop',
  'llm.call',
  'tool.call',
  'escalation',
  'error',
  'budget.exceeded',
  'conversation.message',
  'insight',
] as const;

/** One kind of fact in the ledger. */
export type LedgerEventKind = (typeof LEDGER_EVENT_KINDS)[number];

/** The `name` of a `conversation.message` event. */
export const CONVERSATION_ROLES = ['user', 'assistant', 'system', 'tool'] as const;

/** Fields a kind cannot do without (the database's *_required CHECK constraints). */
export const REQUIRED_FIELDS: Readonly<Record<LedgerEventKind, readonly RequiredField[]>> = {
  'job.created': ['jobId'],
  'job.claimed': ['jobId', 'workerId'],
  'job.completed': ['jobId'],
  'job.failed': ['jobId', 'name'],
  'job.requeued': ['jobId', 'name'],
  'worker.heartbeat': ['workerId'],
  'agent.loop': ['traceId', 'spanId'],
  'llm.call': ['name'],
  'tool.call': ['name'],
  escalation: ['name'],
  error: ['name'],
  'budget.exceeded': ['jobId', 'value'],
  'conversation.message': ['conversationId', 'name'],
  insight: ['name', 'value'],
};
type RequiredField = 'jobId' | 'workerId' | 'traceId' | 'spanId' | 'name' | 'conversationId' | 'value';

// PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate would silently become U+FFFD on the way in:
// both are refused here so that what is stored is exactly what was written.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) {
    return 'contains a NUL character (\\u0000), which PostgreSQL cannot store';
  }
  if (LONE_SURROGATE.test(value)) {
    return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  }
  return undefined;
}

/** Describes why `value` cannot be stored as jsonb without loss, or undefined when it can. */
export function jsonProblem(value: unknown, path = 'payload'): string | undefined {
  if (value === null || typeof value === 'boolean') {
    return undefined;
  }
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem && `${path} ${problem}`;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot represent`;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const problem = jsonProblem(item, `${path}[${i}]`);
      if (problem) {
        return problem;
      }
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) {
        continue; // JSON.stringify omits it, as everywhere in JavaScript
      }
      const problem = textProblem(key)
        ? `${path} has a key that ${textProblem(key)}`
        : jsonProblem(item, `${path}.${key}`);
      if (problem) {
        return problem;
      }
    }
    return undefined;
  }
  const what =
    value instanceof Object
      ? `a ${value.constructor.name}`
      : typeof value === 'undefined'
        ? 'undefined'
        : `a ${typeof value}`;
  return `${path} is ${what}, which is not JSON`;
}

/** Longest id or label (every text column but payload), in UTF-8 bytes: CHECK ledger_events_text_length_valid. */
export const MAX_TEXT_BYTES = 256;

const text = z
  .string()
  .min(1, { error: 'must not be empty' })
  .superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
    }
    // a UTF-16 code unit takes at most 3 bytes in UTF-8, so short strings need no counting
    if (value.length * 3 > MAX_TEXT_BYTES && Buffer.byteLength(value, 'utf8') > MAX_TEXT_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `is longer than ${MAX_TEXT_BYTES} bytes (UTF-8): ids and labels are indexed; put long text in payload`,
      });
    }
  });
const optionalText = text.nullish();
// zod 4 numbers already refuse NaN and ±Infinity, which JSON and the CHECKs would refuse too
const nonNegative = z.number().nonnegative().nullish();
const tokenCount = z.number().int().nonnegative().max(2_147_483_647).nullish();

/** The zod schema of one event as a writer hands it over (camelCase, optional columns may be omitted). */
export const ledgerEventSchema = z
  .strictObject({
    kind: z.enum(LEDGER_EVENT_KINDS),
    occurredAt: z.union(
      [
        z.date(),
        // a string keeps PostgreSQL's microsecond precision; it must say its offset, never a local time
        z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp with an offset, e.g. 2026-11-29T10:00Z' }),
      ],
      { error: 'must be a valid Date or an ISO 8601 timestamp with an offset, e.g. 2026-11-29T10:00:00.000Z' }
    ),
    jobId: optionalText,
    workerId: optionalText,
    mode: optionalText,
    agent: optionalText,
    traceId: optionalText,
    spanId: optionalText,
    parentSpanId: optionalText,
    name: optionalText,
    status: optionalText,
    durationMs: nonNegative,
    tokensIn: tokenCount,
    tokensOut: tokenCount,
    costUsd: nonNegative,
    conversationId: optionalText,
    value: z.number().nullish(),
    payload: z
      .record(z.string(), z.unknown())
      .superRefine((payload, ctx) => {
        const problem = jsonProblem(payload);
        if (problem) {
          ctx.addIssue({ code: 'custom', message: problem });
        }
      })
      .optional(),
  })
  .superRefine((event, ctx) => {
    for (const field of REQUIRED_FIELDS[event.kind]) {
      if (event[field] === undefined || event[field] === null) {
        ctx.addIssue({ code: 'custom', path: [field], message: `is required for ${event.kind}` });
      }
    }
    if (
      event.kind === 'conversation.message' &&
      event.name &&
      !(CONVERSATION_ROLES as readonly string[]).includes(event.name)
    ) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: `must be a role: ${CONVERSATION_ROLES.join(', ')}` });
    }
    if (event.kind === 'insight' && typeof event.value === 'number' && (event.value < 0 || event.value > 1)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'is an insight confidence and must be within 0..1' });
    }
  });

/** An event as a writer hands it to `appendEvents` / `copyEvents`. */
export type LedgerEvent = z.input<typeof ledgerEventSchema>;

/** An event that passed validation. */
export type ValidLedgerEvent = z.output<typeof ledgerEventSchema>;

/** One problem with one event of a batch. */
export interface LedgerEventIssue {
  index: number;
  /** The event's kind when it had a string one, to help find it in a batch. */
  kind?: string;
  path: string;
  message: string;
}

/** Thrown when events fail validation; nothing of the batch has been written. */
export class LedgerEventError extends Error {
  override name = 'LedgerEventError';
  constructor(readonly issues: readonly LedgerEventIssue[]) {
    const shown = issues
      .slice(0, 5)
      .map((i) => `event #${i.index}${i.kind ? ` (${i.kind})` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
    super(`invalid ledger event${issues.length === 1 ? '' : 's'}: ${shown.join('; ')}${more}`);
  }
}

function issuesOf(index: number, event: unknown, error: z.ZodError): LedgerEventIssue[] {
  const kind = typeof event === 'object' && event !== null && 'kind' in event ? event.kind : undefined;
  return error.issues.map((issue) => ({
    index,
    ...(typeof kind === 'string' ? { kind } : {}),
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** Validates one event; `index` is its position in the caller's batch, for the error message. */
export function parseLedgerEvent(event: unknown, index = 0): ValidLedgerEvent {
  const result = ledgerEventSchema.safeParse(event);
  if (!result.success) {
    throw new LedgerEventError(issuesOf(index, event, result.error));
  }
  return result.data;
}

/** Validates a whole batch, reporting every bad event at once. */
export function parseLedgerEvents(events: readonly unknown[]): ValidLedgerEvent[] {
  const valid: ValidLedgerEvent[] = [];
  const issues: LedgerEventIssue[] = [];
  events.forEach((event, index) => {
    const result = ledgerEventSchema.safeParse(event);
    if (result.success) {
      valid.push(result.data);
    } else {
      issues.push(...issuesOf(index, event, result.error));
    }
  });
  if (issues.length > 0) {
    throw new LedgerEventError(issues);
  }
  return valid;
}
