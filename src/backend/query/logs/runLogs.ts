/** Runs a logs plan: SQL from logsSql, the frame from logFrame. */
import { withReadOnlySession } from '../../db/session';
import type { CheckedFrame } from '../../frames/frame';
import type { ExecutionTarget } from '../execute';
import type { LogsPlan } from '../plan';
import { toEventRow, type RawEventRow } from './eventRow';
import { logFrame } from './logFrames';
import { logsSql } from './logsSql';

/** A logs answer and the ledger position it covers (the newest seq its snapshot could see). */
export interface LogsAnswer {
  frames: CheckedFrame[];
  headSeq: number;
}

/** Executes one logs plan. */
export async function runLogs(plan: LogsPlan, target: ExecutionTarget, signal: AbortSignal): Promise<CheckedFrame[]> {
  return (await runLogsAt(plan, target, signal, false)).frames;
}

/**
 * Executes a logs plan and reads, in the same snapshot, the newest seq: a live tail that continues from there sends
 * exactly the events the answer could not contain (#9, tests/regressions/0008-log-tail-gap-after-query.test.ts).
 */
export function runLogsWithHead(plan: LogsPlan, target: ExecutionTarget, signal: AbortSignal): Promise<LogsAnswer> {
  return runLogsAt(plan, target, signal, true);
}

async function runLogsAt(
  plan: LogsPlan,
  target: ExecutionTarget,
  signal: AbortSignal,
  withHead: boolean
): Promise<LogsAnswer> {
  const statement = logsSql(plan);
  const { rows, headSeq } = await withReadOnlySession(
    target.pool,
    target.settings,
    async (session) => {
      const result = await session.query<RawEventRow>(statement.text, statement.values);
      if (!withHead) {
        return { rows: result.rows, headSeq: -1 };
      }
      const head = await session.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM ledger_events');
      return { rows: result.rows, headSeq: Number(head.rows[0]?.seq ?? 0) };
    },
    { signal, snapshot: withHead }
  );
  const cut = rows.length > plan.limit;
  const events = (cut ? rows.slice(0, plan.limit) : rows).map(toEventRow);
  return {
    frames: [logFrame(events, statement.text, { uid: target.uid, name: target.name }, cut ? plan.limit : undefined)],
    headSeq,
  };
}
