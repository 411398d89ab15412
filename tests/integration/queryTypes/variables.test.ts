/** Variables queries: the distinct values of a dimension in the time range, most frequent first, as text/value. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { LedgerEvent } from '../../../src/ledger/ledgerEvent';
import { FIXTURE_EVENTS, FIXTURE_RANGE, T0 } from '../fixtures/queryTypesFixture';
import { createHarness, onlyFrame, values, type Harness } from './harness';

const LATER = T0 + 3 * 3_600_000;
/** 1100 distinct insight categories, after the fixture range. */
const MANY: LedgerEvent[] = Array.from({ length: 1100 }, (_, i) => ({
  kind: 'insight',
  occurredAt: new Date(LATER + i),
  name: `cat-${String(i).padStart(4, '0')}`,
  value: 0.5,
}));

describe('variables queries', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('variables', [...FIXTURE_EVENTS, ...MANY]);
  });
  after(() => h?.close());

  /** Independent answer: values of `column` among `kinds` in the fixture range, by count desc then value. */
  async function expected(column: string, kinds?: string[]): Promise<string[]> {
    const { rows } = await h.admin.query(
      `SELECT ${column} AS v, count(*) FROM ledger_events WHERE occurred_at >= $1 AND occurred_at < $2 AND ${column} IS NOT NULL
       ${kinds ? 'AND kind = ANY($3)' : ''} GROUP BY 1 ORDER BY 2 DESC, 1`,
      [new Date(FIXTURE_RANGE.from), new Date(FIXTURE_RANGE.to), ...(kinds ? [kinds] : [])]
    );
    return rows.map((r) => r.v);
  }

  it('lists the values of each dimension as text and value, most frequent first', async () => {
    const dimensions: Array<[string, string, string[]?]> = [
      ['mode', 'mode'],
      ['worker', 'worker_id'],
      ['kind', 'kind'],
      ['job', 'job_id'],
      ['tool', 'name', ['tool.call']],
      ['model', 'name', ['llm.call']],
      ['error_type', 'name', ['job.failed', 'error']],
      ['reason', 'name', ['escalation', 'job.requeued']],
      ['role', 'name', ['conversation.message']],
    ];
    const response = await h.query(
      dimensions.map(([dimension]) => ({ refId: dimension, json: { queryType: 'variables', dimension } }))
    );
    for (const [dimension, column, kinds] of dimensions) {
      const frame = onlyFrame(response.get(dimension));
      assert.deepEqual(
        frame.fields.map((f) => `${f.name}:${f.type}`),
        ['text:string', 'value:string']
      );
      assert.deepEqual(values(frame, 'value'), await expected(column, kinds), dimension);
      assert.deepEqual(values(frame, 'text'), values(frame, 'value'));
    }
    assert.deepEqual(values(onlyFrame(response.get('model')), 'value'), ['claude-sonnet', 'gpt-x']);
  });

  it('narrows by filters and time range', async () => {
    const response = await h.query([
      {
        refId: 'A',
        json: {
          queryType: 'variables',
          dimension: 'worker',
          filters: [{ key: 'mode', operator: '=', value: 'mechanic' }],
        },
      },
      { refId: 'B', json: { queryType: 'variables', dimension: 'tool' }, range: { from: T0, to: T0 + 31_000 } },
    ]);
    assert.deepEqual(values(onlyFrame(response.get('A')), 'value'), ['w3']);
    assert.deepEqual(values(onlyFrame(response.get('B')), 'value'), ['read_file']);
  });

  it('returns at most 1000 values', async () => {
    const frame = onlyFrame(
      (
        await h.query([
          {
            refId: 'A',
            json: { queryType: 'variables', dimension: 'category' },
            range: { from: LATER, to: LATER + 60_000 },
          },
        ])
      ).get('A')
    );
    assert.equal(values(frame, 'value').length, 1000);
  });

  it('needs a known dimension', async () => {
    const response = await h.query([
      { refId: 'A', json: { queryType: 'variables' } },
      { refId: 'B', json: { queryType: 'variables', dimension: 'name; DROP TABLE jobs' } },
    ]);
    assert.match(response.get('A')?.error?.message ?? '', /choose the dimension/);
    assert.equal(response.get('B')?.error?.status, 400);
  });
});
