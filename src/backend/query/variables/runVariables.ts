/**
 * Runs a variables plan: the values of one dimension in the time range (most frequent first, at most 1000) as a
 * frame with `text` and `value` string fields, which Grafana's variable support reads as the options' text and
 * value.
 */
import { withReadOnlySession } from '../../db/session';
import { makeFrame, stringField } from '../../frames/builders';
import { checkFrame, type CheckedFrame } from '../../frames/frame';
import type { ExecutionTarget } from '../execute';
import type { VariablesPlan } from '../plan';
import { dimensionValuesSql, MAX_DIMENSION_VALUES } from './dimensionValuesSql';

/** Executes one variables plan. */
export async function runVariables(
  plan: VariablesPlan,
  target: ExecutionTarget,
  signal: AbortSignal
): Promise<CheckedFrame[]> {
  const statement = dimensionValuesSql({
    dimension: plan.dimension,
    fromMs: plan.window.fromMs,
    toMs: plan.window.toMs,
    filters: plan.filters,
    limit: MAX_DIMENSION_VALUES,
  });
  const result = await withReadOnlySession(
    target.pool,
    target.settings,
    (session) => session.query<{ value: string }>(statement.text, statement.values),
    { signal }
  );
  const values = result.rows.map((row) => row.value);
  return [
    checkFrame(
      makeFrame([stringField('text', values), stringField('value', values)], {
        name: plan.dimension,
        meta: { executedQueryString: statement.text },
      })
    ),
  ];
}
