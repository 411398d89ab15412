/** Runs a traces plan: resolve the id, read its events, build the span tree, return one trace frame. */
import { withReadOnlySession } from '../../db/session';
import { QueryError } from '../../errors';
import type { CheckedFrame, Notice } from '../../frames/frame';
import type { ExecutionTarget } from '../execute';
import { toEventRow, type RawEventRow } from '../logs/eventRow';
import type { TracesPlan } from '../plan';
import { buildSpans } from './spanTree';
import { traceFrame } from './traceFrame';
import { identitySql, jobEventsSql, MAX_TRACE_EVENTS, traceEventsSql, type TraceIdentity } from './tracesSql';

/** Executes one traces plan; an id the ledger does not know is a 404 for this query only. */
export async function runTraces(
  plan: TracesPlan,
  target: ExecutionTarget,
  signal: AbortSignal
): Promise<CheckedFrame[]> {
  const id = plan.traceId;
  const { rows, executed, byTrace } = await withReadOnlySession(
    target.pool,
    target.settings,
    async (session) => {
      const lookup = identitySql(id);
      const identity = (await session.query<TraceIdentity>(lookup.text, lookup.values)).rows[0];
      if (!identity || (!identity.is_job && !identity.is_trace)) {
        return { rows: undefined, executed: '', byTrace: false };
      }
      // A string that is both a job id and a trace id is read as the job (its whole history).
      const statement = identity.is_job ? jobEventsSql(id) : traceEventsSql(id, identity.trace_jobs);
      const result = await session.query<RawEventRow>(statement.text, statement.values);
      return { rows: result.rows, executed: statement.text, byTrace: !identity.is_job };
    },
    { signal }
  );
  if (!rows) {
    throw new QueryError(
      `[not found] no job or trace "${id.slice(0, 200)}" in the ledger — check the id (a job id or a trace id; ids are case-sensitive)`,
      404,
      'downstream'
    );
  }
  const notices: Notice[] = [];
  if (rows.length > MAX_TRACE_EVENTS) {
    notices.push({
      severity: 'warning',
      text: `This job has more than ${MAX_TRACE_EVENTS} ledger events; the trace shows the first ${MAX_TRACE_EVENTS}.`,
    });
  }
  const events = rows.slice(0, MAX_TRACE_EVENTS).map(toEventRow);
  const spans = buildSpans(events, byTrace ? id : undefined);
  return [traceFrame(spans, executed, notices)];
}
