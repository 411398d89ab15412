import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dimensionValuesSql } from './dimensionValuesSql';

const base = { fromMs: 0, toMs: 3_600_000, limit: 100 };

describe('dimensionValuesSql', () => {
  it('reads the allow-listed column, most frequent first, values as parameters', () => {
    const { text, values } = dimensionValuesSql({ ...base, dimension: 'worker', search: "w1%'" });
    assert.match(text, /^SELECT e\.worker_id AS value, count\(\*\) AS n\nFROM ledger_events e\n/);
    assert.match(
      text,
      /AND e\.worker_id IS NOT NULL AND e\.worker_id ILIKE \$3::text\nGROUP BY 1\nORDER BY n DESC, 1\nLIMIT \$4::int8$/
    );
    assert.deepEqual(values, ['1970-01-01T00:00:00.000Z', '1970-01-01T01:00:00.000Z', "%w1\\%'%", 100]);
  });

  it('restricts dimensions stored in `name` to the kinds where `name` means them', () => {
    const cases: Array<[Parameters<typeof dimensionValuesSql>[0]['dimension'], string[] | undefined]> = [
      ['tool', ['tool.call']],
      ['model', ['llm.call']],
      ['error_type', ['job.failed', 'error']],
      ['reason', ['escalation', 'job.requeued']],
      ['role', ['conversation.message']],
      ['category', ['insight']],
      ['mode', undefined],
    ];
    for (const [dimension, kinds] of cases) {
      const { text, values } = dimensionValuesSql({ ...base, dimension });
      assert.equal(text.includes('e.kind = ANY($3::text[])'), kinds !== undefined, dimension);
      assert.deepEqual(kinds ? values[2] : undefined, kinds, dimension);
    }
  });

  it('bounds the limit to 1..1000', () => {
    assert.equal(dimensionValuesSql({ ...base, dimension: 'mode', limit: 5000 }).values.at(-1), 1000);
    assert.equal(dimensionValuesSql({ ...base, dimension: 'mode', limit: 0 }).values.at(-1), 1);
  });
});
