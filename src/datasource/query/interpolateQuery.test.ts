import type { ScopedVars } from '@grafana/data';

import { formatSqlVariable, interpolateFilter, interpolateQuery, type TemplateReplacer } from './interpolateQuery';

/** A template service with `$mode` (multi: genius, mechanic), `$worker` (single: w1) and `$job` (single). */
function fakeTemplateSrv(): TemplateReplacer {
  const variables: Record<string, { value: string | string[]; multi: boolean }> = {
    mode: { value: ['genius', 'mechanic'], multi: true },
    worker: { value: 'w1', multi: false },
    job: { value: "job-'7'", multi: false },
  };
  return {
    replace(target = '', _scopedVars?: ScopedVars, format?: string | Function) {
      return target.replace(/\$(\w+)/g, (match, name: string) => {
        const variable = variables[name];
        if (!variable) {
          return match;
        }
        if (typeof format === 'function') {
          return format(variable.value, variable);
        }
        if (format === 'regex') {
          const values = Array.isArray(variable.value) ? variable.value : [variable.value];
          return values.length > 1 ? `(${values.join('|')})` : values[0];
        }
        return Array.isArray(variable.value) ? `{${variable.value.join(',')}}` : variable.value;
      });
    },
  };
}

describe('interpolateQuery', () => {
  const templateSrv = fakeTemplateSrv();

  it('quotes SQL values like the PostgreSQL datasource', () => {
    const query = interpolateQuery(
      {
        refId: 'A',
        queryType: 'sql',
        rawSql: "SELECT * FROM jobs WHERE mode IN ($mode) AND worker_id = '$worker' AND id = '$job'",
      },
      templateSrv
    );
    expect(query.rawSql).toBe(
      "SELECT * FROM jobs WHERE mode IN ('genius','mechanic') AND worker_id = 'w1' AND id = 'job-''7'''"
    );
  });

  it('gives `in` filters every value of a multi-value variable', () => {
    expect(interpolateFilter({ key: 'mode', operator: 'in', value: ['$mode', 'debugger'] }, templateSrv, {})).toEqual({
      key: 'mode',
      operator: 'in',
      value: ['genius', 'mechanic', 'debugger'],
    });
  });

  it('turns = and != with several values into in and not in', () => {
    expect(interpolateFilter({ key: 'mode', operator: '=', value: '$mode' }, templateSrv, {})).toEqual({
      key: 'mode',
      operator: 'in',
      value: ['genius', 'mechanic'],
    });
    expect(interpolateFilter({ key: 'mode', operator: '!=', value: '$mode' }, templateSrv, {})).toEqual({
      key: 'mode',
      operator: 'not in',
      value: ['genius', 'mechanic'],
    });
    expect(interpolateFilter({ key: 'worker', operator: '=', value: '$worker' }, templateSrv, {})).toEqual({
      key: 'worker',
      operator: '=',
      value: 'w1',
    });
  });

  it('uses the regex format for regex operators', () => {
    expect(interpolateFilter({ key: 'mode', operator: '=~', value: '$mode' }, templateSrv, {})).toEqual({
      key: 'mode',
      operator: '=~',
      value: '(genius|mechanic)',
    });
  });

  it('interpolates search, trace id and metric, and leaves absent fields absent', () => {
    const query = interpolateQuery(
      { refId: 'A', queryType: 'logs', search: 'worker $worker', traceId: '$job' },
      templateSrv
    );
    expect(query.search).toBe('worker w1');
    expect(query.traceId).toBe("job-'7'");
    expect('metric' in query).toBe(false);
    expect('rawSql' in query).toBe(false);
  });

  it('formats numbers and single values for SQL', () => {
    expect(formatSqlVariable(5)).toBe('5');
    expect(formatSqlVariable("it's", { multi: false })).toBe("it''s");
    expect(formatSqlVariable('x', { includeAll: true })).toBe("'x'");
  });
});
