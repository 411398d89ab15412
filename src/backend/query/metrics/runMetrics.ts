/** Runs a metrics plan: one statement (metricsSql → metricFrames), the snapshot row, or the latency probe. */
import { withReadOnlySession } from '../../db/session';
import { makeFrame, numberField } from '../../frames/builders';
import { checkFrame, type CheckedFrame } from '../../frames/frame';
import type { ExecutionTarget } from '../execute';
import type { MetricsPlan } from '../plan';
import { metricFrames } from './metricFrames';
import { metricsSql, sourceOf } from './metricsSql';
import { probeLatency } from './probeLatency';
import { SNAPSHOT_COLUMNS, snapshotSql } from './snapshotSql';

async function runSnapshot(plan: MetricsPlan, target: ExecutionTarget, signal: AbortSignal): Promise<CheckedFrame[]> {
  const statement = snapshotSql(plan);
  const result = await withReadOnlySession(
    target.pool,
    target.settings,
    (s) => s.queryArrays(statement.text, statement.values),
    { signal }
  );
  const row = result.rows[0] ?? [];
  const fields = SNAPSHOT_COLUMNS.map((column, i) => {
    const value = row[i] === null || row[i] === undefined ? null : Number(row[i]);
    return numberField(column.name, [value], { config: column.config, nullable: value === null });
  });
  return [
    checkFrame(
      makeFrame(fields, {
        name: 'snapshot',
        meta: { preferredVisualisationType: 'table', executedQueryString: statement.text },
      })
    ),
  ];
}

/** Executes one metrics plan. */
export async function runMetrics(
  plan: MetricsPlan,
  target: ExecutionTarget,
  signal: AbortSignal
): Promise<CheckedFrame[]> {
  const source = sourceOf(plan);
  if (source.type === 'snapshot') {
    return runSnapshot(plan, target, signal);
  }
  if (source.type === 'databaseLatency') {
    const value = await probeLatency(target, plan.aggregation, signal);
    return metricFrames(plan, [[value]], 'instant', 'SELECT 1 -- latency probe');
  }
  const statement = metricsSql(plan, target.settings);
  const result = await withReadOnlySession(
    target.pool,
    target.settings,
    (session) => session.queryArrays(statement.sql.text, statement.sql.values),
    { signal }
  );
  return metricFrames(statement.plan, result.rows, statement.layout, statement.sql.text);
}
