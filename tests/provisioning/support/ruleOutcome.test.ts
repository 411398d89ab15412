/**
 * Rule-level outcomes of the alert evaluator, as ngalert decides them:
 * - pkg/services/ngalert/eval/eval.go `evaluateExecutionResult` (documented there): an error is one Error result;
 *   a data query without data makes the evaluation NoData, labelled datasource_uid and ref_id; otherwise per condition
 *   value 0 → Normal, null → NoData, non-zero "e.g 1.2, NaN" → Alerting; a time series condition or duplicate labels
 *   → Error;
 * - pkg/services/ngalert/state (resultNoData / resultError) and Grafana's "No Data and Error states" docs: NoData
 *   becomes noDataState (NoData, Alerting, OK → Normal, KeepLast), Error becomes execErrState (Error, Alerting, OK,
 *   KeepLast).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { DataResponse } from '../../../src/backend/plugin/types';
import {
  evaluateRule,
  instanceStates,
  ruleState,
  type DataRunner,
  type ProvisionedRule,
  type RuleQuery,
} from './expressions';
import type { Labels } from './exprValues';

const query = (refId: string): RuleQuery => ({ refId, datasourceUid: 'ds', model: { refId } });
const expression = (refId: string, model: Record<string, unknown>): RuleQuery => ({
  refId,
  datasourceUid: '__expr__',
  model: { refId, ...model },
});
const gtZero = (input: string) =>
  expression('T', { type: 'threshold', expression: input, conditions: [{ evaluator: { type: 'gt', params: [0] } }] });

function rule(data: RuleQuery[], condition: string, states: Partial<ProvisionedRule> = {}): ProvisionedRule {
  return { uid: 'r', title: 'r', condition, noDataState: 'NoData', execErrState: 'Error', data, ...states };
}

/** A numeric-multi response: one frame per labelled value. */
function numbers(...items: Array<[Labels, number | null]>): DataResponse {
  const frames = items.map(([labels, value]) => ({
    name: 'm',
    meta: { type: 'numeric-multi', typeVersion: [0, 1] },
    fields: [{ name: 'm', type: 'number', labels, values: [value] }],
  }));
  return { frames } as unknown as DataResponse;
}
const noDataFrame = { frames: [{ name: 'm', meta: { type: 'numeric-multi', typeVersion: [0, 1] }, fields: [] }] };
const NO_DATA = noDataFrame as unknown as DataResponse;

const runner =
  (responses: Record<string, DataResponse>): DataRunner =>
  async (q) =>
    responses[q.refId]!;

const evaluate = (r: ProvisionedRule, responses: Record<string, DataResponse>) => evaluateRule(r, 0, runner(responses));
const states = (instances: Array<{ labels: Labels; state: string }>) =>
  instances.map(({ labels, state }) => [JSON.stringify(labels), state]);

describe('evaluation outcome (eval.go evaluateExecutionResult)', () => {
  test('per condition value: 0 Normal, 1 Alerting, NaN Alerting, null NoData', async () => {
    const r = rule([query('A')], 'A');
    const evaluation = await evaluate(r, {
      A: numbers([{ m: 'zero' }, 0], [{ m: 'one' }, 1], [{ m: 'nan' }, Number.NaN], [{ m: 'null' }, null]),
    });
    assert.equal(evaluation.health, 'ok');
    assert.deepEqual(states(evaluation.instances), [
      ['{"m":"zero"}', 'Normal'],
      ['{"m":"one"}', 'Alerting'],
      ['{"m":"nan"}', 'Alerting'],
      ['{"m":"null"}', 'NoData'],
    ]);
  });

  test('a threshold on NaN is 0 (Normal); a threshold on null is null (NoData for that instance)', async () => {
    const r = rule([query('A'), gtZero('A')], 'T');
    const evaluation = await evaluate(r, { A: numbers([{ m: 'nan' }, Number.NaN], [{ m: 'null' }, null]) });
    assert.deepEqual(states(evaluation.instances), [
      ['{"m":"nan"}', 'Normal'],
      ['{"m":"null"}', 'NoData'],
    ]);
  });

  test('a data query without data makes the whole evaluation NoData, labelled with datasource and refIds', async () => {
    const r = rule([query('A'), query('B'), expression('C', { type: 'math', expression: '$A > $B' })], 'C');
    const evaluation = await evaluate(r, { A: numbers([{}, 5]), B: NO_DATA });
    assert.equal(evaluation.health, 'nodata');
    assert.deepEqual(states(evaluation.instances), [['{"datasource_uid":"ds","ref_id":"B"}', 'NoData']]);
    const empty = await evaluate(r, { A: { frames: [] } as unknown as DataResponse, B: NO_DATA });
    assert.deepEqual(states(empty.instances), [['{"datasource_uid":"ds","ref_id":"A,B"}', 'NoData']]);
  });

  test('a failed query is one Error labelled with the query; it wins over NoData', async () => {
    const r = rule([query('A'), query('B'), expression('C', { type: 'math', expression: '$A + $B' })], 'C');
    const failed = { frames: [], error: { message: 'connection refused' } } as unknown as DataResponse;
    const evaluation = await evaluate(r, { A: NO_DATA, B: failed });
    assert.equal(evaluation.health, 'error');
    assert.match(evaluation.error ?? '', /\[B\] connection refused/);
    assert.deepEqual(states(evaluation.instances), [['{"ref_id":"B","datasource_uid":"ds"}', 'Error']]);
  });

  test('a time series condition, an expression error and duplicate labels are Error', async () => {
    const series = {
      frames: [
        {
          name: 's',
          meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
          fields: [
            { name: 'time', type: 'time', values: [1] },
            { name: 's', type: 'number', values: [1] },
          ],
        },
      ],
    } as unknown as DataResponse;
    assert.equal((await evaluate(rule([query('A')], 'A'), { A: series })).health, 'error');
    const badMode = rule(
      [query('A'), expression('B', { type: 'reduce', expression: 'A', reducer: 'last', settings: { mode: 'strict' } })],
      'B'
    );
    assert.equal((await evaluate(badMode, { A: series })).health, 'error');
    const twice = rule([query('A'), expression('B', { type: 'math', expression: '$A * 1' })], 'B');
    const duplicate = await evaluate(twice, { A: numbers([{ m: 'x' }, 1], [{ m: 'x' }, 2]) });
    assert.equal(duplicate.health, 'error');
    assert.match(duplicate.error ?? '', /cannot uniquely be identified/);
  });

  test('a reduce of a series ending in null is NoData for that series; dropNN takes the last number', async () => {
    const series = (values: Array<number | null>) =>
      ({
        frames: [
          {
            name: 's',
            meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
            fields: [
              { name: 'time', type: 'time', values: values.map((_, i) => i * 60_000) },
              { name: 's', type: 'number', values },
            ],
          },
        ],
      }) as unknown as DataResponse;
    const last = (settings?: Record<string, unknown>) =>
      rule(
        [
          query('A'),
          expression('B', { type: 'reduce', expression: 'A', reducer: 'last', ...(settings ? { settings } : {}) }),
          gtZero('B'),
        ],
        'T'
      );
    assert.deepEqual(states((await evaluate(last(), { A: series([5, null]) })).instances), [['{}', 'NoData']]);
    assert.deepEqual(states((await evaluate(last({ mode: 'dropNN' }), { A: series([5, null]) })).instances), [
      ['{}', 'Alerting'],
    ]);
    assert.deepEqual(states((await evaluate(last({ mode: 'dropNN' }), { A: series([null, null]) })).instances), [
      ['{}', 'NoData'],
    ]);
  });
});

describe('noDataState and execErrState (ngalert state manager)', () => {
  const nodataRule = (noDataState: string) => rule([query('A')], 'A', { noDataState });
  const errorRule = (execErrState: string) => rule([query('A')], 'A', { execErrState });
  const failed = { frames: [], error: { message: 'down' } } as unknown as DataResponse;

  const noDataCases: Array<[string, string]> = [
    ['NoData', 'NoData'],
    ['Alerting', 'Alerting'],
    ['OK', 'Normal'],
  ];
  for (const [setting, want] of noDataCases) {
    test(`noDataState ${setting}: a query without data gives ${want}`, async () => {
      const r = nodataRule(setting);
      assert.equal(ruleState(r, await evaluate(r, { A: NO_DATA })), want);
    });
  }
  const errorCases: Array<[string, string]> = [
    ['Error', 'Error'],
    ['Alerting', 'Alerting'],
    ['OK', 'Normal'],
  ];
  for (const [setting, want] of errorCases) {
    test(`execErrState ${setting}: a failed query gives ${want}`, async () => {
      const r = errorRule(setting);
      assert.equal(ruleState(r, await evaluate(r, { A: failed })), want);
    });
  }

  test('KeepLast keeps the previous state (Normal on a first evaluation)', async () => {
    const r = rule([query('A')], 'A', { noDataState: 'KeepLast', execErrState: 'KeepLast' });
    assert.equal(ruleState(r, await evaluate(r, { A: NO_DATA }), 'Alerting'), 'Alerting');
    assert.equal(ruleState(r, await evaluate(r, { A: failed })), 'Normal');
  });

  test('per-instance NoData takes noDataState while the other instances keep theirs', async () => {
    const r = rule([query('A')], 'A', { noDataState: 'OK' });
    const evaluation = await evaluate(r, { A: numbers([{ m: 'a' }, 3], [{ m: 'b' }, null]) });
    assert.deepEqual(states(instanceStates(r, evaluation)), [
      ['{"m":"a"}', 'Alerting'],
      ['{"m":"b"}', 'Normal'],
    ]);
    assert.equal(ruleState(r, evaluation), 'Alerting');
  });

  test('a rule must state both deliberately', async () => {
    const r = rule([query('A')], 'A', { noDataState: undefined });
    const evaluation = await evaluate(r, { A: NO_DATA });
    assert.throws(() => ruleState(r, evaluation), /noDataState "undefined" must be one of/);
  });
});
