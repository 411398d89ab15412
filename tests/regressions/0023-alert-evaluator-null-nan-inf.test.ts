/**
 * #13: the alert evaluator behind the provisioning tests (tests/provisioning/support/expressions.ts) differed from
 * Grafana's server-side expressions: nulls became NaN (so a null value was Normal where Grafana says NoData), a NaN
 * condition counted as not firing (ngalert: "Nonzero (e.g 1.2, NaN) results in Alerting"), dropNN kept ±Inf, and
 * `reduce last` of a series ending in null gave NaN instead of null (NoData). A rule change relying on any of these
 * would have passed the provisioning tests and behaved differently in Grafana.
 * Fixed in tests/provisioning/support/exprValues.ts, exprMath.ts, exprCommands.ts and expressions.ts.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import type { DataResponse } from '../../src/backend/plugin/types';
import { loadRules } from '../provisioning/support/alertRules';
import { evaluateRule, ruleState, type DataRunner, type ProvisionedRule } from '../provisioning/support/expressions';

const RULES = loadRules();
const provisioned = (uid: string) => RULES.find((r) => r.uid === uid)!;
const meta = (type: string) => ({ type, typeVersion: [0, 1] });

/** Every data query of the rule answers with this response. */
const answering =
  (response: unknown): DataRunner =>
  async () =>
    response as DataResponse;

const instant = (value: number | null) => ({
  frames: [{ name: 'v', meta: meta('numeric-multi'), fields: [{ name: 'v', type: 'number', values: [value] }] }],
});
const timeseries = (values: Array<number | null>) => ({
  frames: [
    {
      name: 'v',
      meta: meta('timeseries-multi'),
      fields: [
        { name: 'time', type: 'time', values: values.map((_, i) => i * 60_000) },
        { name: 'v', type: 'number', values },
      ],
    },
  ],
});

it('a null instant value is NoData for its instance, so the rule takes its noDataState', async () => {
  const rule = provisioned('ledger-database-latency'); // noDataState: NoData
  const evaluation = await evaluateRule(rule, 0, answering(instant(null)));
  assert.equal(ruleState(rule, evaluation), 'NoData');
});

it('dropNN drops ±Inf before `last`', async () => {
  const rule = provisioned('ledger-queue-backlog'); // reduce last (dropNN) → threshold > 100
  const evaluation = await evaluateRule(rule, 0, answering(timeseries([50, Infinity])));
  assert.equal(ruleState(rule, evaluation), 'Normal');
});

const synthetic = (expressions: Array<Record<string, unknown>>, condition: string): ProvisionedRule => ({
  uid: 'synthetic',
  title: 'synthetic',
  condition,
  noDataState: 'NoData',
  execErrState: 'Error',
  data: [
    { refId: 'A', datasourceUid: 'ledger', model: { refId: 'A' } },
    ...expressions.map((model) => ({ refId: String(model.refId), datasourceUid: '__expr__', model })),
  ],
});

it('a NaN condition value fires', async () => {
  const rule = synthetic([{ refId: 'B', type: 'math', expression: '$A / $A' }], 'B');
  const evaluation = await evaluateRule(rule, 0, answering(instant(0)));
  assert.equal(ruleState(rule, evaluation), 'Alerting');
});

it('`reduce last` of a series ending in null is NoData, not a quiet NaN', async () => {
  const rule = synthetic(
    [
      { refId: 'B', type: 'reduce', expression: 'A', reducer: 'last' },
      { refId: 'C', type: 'threshold', expression: 'B', conditions: [{ evaluator: { type: 'gt', params: [0] } }] },
    ],
    'C'
  );
  const evaluation = await evaluateRule(rule, 0, answering(timeseries([5, null])));
  assert.equal(ruleState(rule, evaluation), 'NoData');
});
