import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { QueryError } from '../../errors';
import type { LogsPlan } from '../plan';
import { escapeLike, logsSql, searchTerms } from './logsSql';

const window = {
  fromMs: Date.UTC(2026, 10, 20),
  toMs: Date.UTC(2026, 10, 21),
  bucketSeconds: 60,
  timezone: 'UTC',
  maxDataPoints: 1000,
};
const plan = (extra: Partial<LogsPlan> = {}): LogsPlan => ({
  kind: 'logs',
  refId: 'A',
  filters: [],
  limit: 100,
  live: false,
  window,
  ...extra,
});

describe('logsSql', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    assert.deepEqual(['a%b', 'a_b', 'a\\b', 'plain'].map(escapeLike), ['a\\%b', 'a\\_b', 'a\\\\b', 'plain']);
  });

  it('splits a search into words and quoted phrases', () => {
    const cases: Array<[string | undefined, string[]]> = [
      [undefined, []],
      ['', []],
      ['  timeout   job-42 ', ['timeout', 'job-42']],
      ['"rate limit" w1', ['rate limit', 'w1']],
      ['"" " "', []],
      ['"unclosed phrase', ['"unclosed', 'phrase']],
    ];
    for (const [search, terms] of cases) {
      assert.deepEqual(searchTerms(search), terms, String(search));
    }
    assert.throws(() => searchTerms(Array.from({ length: 21 }, (_, i) => `t${i}`).join(' ')), QueryError);
  });

  it('reads newest first with limit + 1, values only as parameters', () => {
    const statement = logsSql(
      plan({ search: "100% it's", filters: [{ key: 'mode', operator: '=', value: "genius'; --" }] })
    );
    assert.match(statement.text, /ORDER BY e\.occurred_at DESC, e\.seq DESC\nLIMIT \$6::int8$/);
    assert.match(
      statement.text,
      /e\.occurred_at >= \$1::timestamptz AND e\.occurred_at < \$2::timestamptz AND e\.mode = \$3::text AND concat_ws\(.*\) ILIKE \$4::text AND concat_ws\(.*\) ILIKE \$5::text/
    );
    assert.deepEqual(statement.values, [
      '2026-11-20T00:00:00.000Z',
      '2026-11-21T00:00:00.000Z',
      "genius'; --",
      '%100\\%%',
      "%it's%",
      101,
    ]);
    assert.doesNotMatch(statement.text, /genius|100%|it's/);
  });
});
