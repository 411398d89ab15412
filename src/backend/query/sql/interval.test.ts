import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { QueryError } from '../../errors';
import { formatInterval, parseInterval, secondsLiteral } from './interval';

describe('intervals', () => {
  it('parses Grafana interval text, quoted or not, and $__interval', () => {
    const cases: Array<[string, number]> = [
      ["'5m'", 300_000],
      ['5m', 300_000],
      ['1h', 3_600_000],
      ['30s', 30_000],
      ['100ms', 100],
      ["'1.5h'", 5_400_000],
      ['1d', 86_400_000],
      ['1w', 604_800_000],
      ['$__interval', 42_000],
      ["'$__interval'", 42_000],
    ];
    for (const [text, ms] of cases) {
      assert.equal(parseInterval(text, 42_000, '$__timeGroup'), ms, text);
    }
  });

  it('rejects what is not an interval, or zero', () => {
    for (const text of ["'0s'", '0ms', "'5 minutes'", '5', '', "'; DROP TABLE x; --'", '0.5ms', '-5m']) {
      assert.throws(
        () => parseInterval(text, 1000, '$__timeGroup'),
        (error: unknown) =>
          error instanceof QueryError && error.status === 400 && /\[macro\] \$__timeGroup/.test(error.message),
        text
      );
    }
  });

  it('formats with the largest exact unit', () => {
    const cases: Array<[number, string]> = [
      [60_000, '1m'],
      [90_000, '90s'],
      [3_600_000, '1h'],
      [100, '100ms'],
      [86_400_000, '1d'],
      [0, '1ms'],
      [1500, '1500ms'],
    ];
    for (const [ms, text] of cases) {
      assert.equal(formatInterval(ms), text);
    }
  });

  it('writes seconds without exponent or float noise', () => {
    assert.deepEqual([300_000, 100, 1500, 1, 86_400_000].map(secondsLiteral), ['300', '0.1', '1.5', '0.001', '86400']);
  });
});
