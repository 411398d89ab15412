/**
 * Runs a raw SQL plan: macros expanded, then the statement runs in a read-only transaction that is always rolled
 * back, under the statement timeout, with session state discarded afterwards (a hostile SET cannot leak to the
 * next query on that connection). Reads go through a cursor so that at most rowLimit + 1 rows are fetched: more
 * than rowLimit is an error, never a silent cut.
 */
import { withReadOnlySession } from '../../db/session';
import { QueryError } from '../../errors';
import { BIG_ANSWER_ROWS, releaseMemorySoon } from '../../memoryRelief';
import type { CheckedFrame, FrameMeta, Notice } from '../../frames/frame';
import type { ExecutionTarget } from '../execute';
import type { SqlPlan } from '../plan';
import { expandMacros } from './expandMacros';
import type { MacroContext } from './macroCatalog';
import { tableFrame, typedColumns } from './tableFrame';
import { timeSeriesFrames } from './timeSeriesFrames';

const CURSOR = 'ledger_raw_sql';

/** The macro context of a plan; without an interval from Grafana, the range split into maxDataPoints buckets. */
export function macroContext(plan: SqlPlan): MacroContext {
  const { fromMs, toMs, maxDataPoints } = plan.window;
  const interval = plan.intervalMs > 0 ? plan.intervalMs : (toMs - fromMs) / Math.max(1, maxDataPoints);
  return { fromMs, toMs, intervalMs: Math.max(1, Math.round(interval)) };
}

/** Executes one raw SQL plan. */
export async function runSql(plan: SqlPlan, target: ExecutionTarget, signal: AbortSignal): Promise<CheckedFrame[]> {
  const expanded = expandMacros(plan.rawSql, macroContext(plan));
  const rowLimit = target.settings.rowLimit;
  const result = await withReadOnlySession(
    target.pool,
    target.settings,
    async (session) => {
      if (expanded.mode === 'direct') {
        return session.queryArrays(expanded.sql);
      }
      await session.query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${expanded.sql}`);
      return session.queryArrays(`FETCH FORWARD ${rowLimit + 1} FROM ${CURSOR}`);
    },
    { signal, resetAfter: true }
  );
  if (result.rows.length > rowLimit) {
    throw QueryError.badQuery(
      `[limit] the query returned more than ${rowLimit} rows — add a LIMIT, aggregate (e.g. GROUP BY $__timeGroup(…)), or raise the row limit in the datasource settings`
    );
  }
  if (result.rows.length >= BIG_ANSWER_ROWS) {
    releaseMemorySoon(); // runs after this answer has been encoded and sent
  }
  const columns = typedColumns(result.fields, result.rows);
  const notices: Notice[] = [];
  const fillGroup = expanded.timeGroups.find((group) => group.fill);
  if (fillGroup && plan.format === 'table') {
    notices.push({
      severity: 'info',
      text: 'The fill argument of $__timeGroup applies to the Time series format only.',
    });
  }
  const meta: FrameMeta = { ...(notices.length > 0 ? { notices } : {}), executedQueryString: expanded.sql };
  if (plan.format === 'timeseries') {
    return timeSeriesFrames(columns, plan.window, meta, fillGroup ?? expanded.timeGroups[0]);
  }
  return [tableFrame(columns, meta)];
}
