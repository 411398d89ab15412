import type { ScopedVars } from '@grafana/data';

import { ALL_VALUE, dashboardScene, type DashboardScene } from './__testSupport__/sceneTemplateSrv';
import { formatSqlVariable, interpolateFilter, interpolateQuery } from './interpolateQuery';

/**
 * Every expectation here is checked against Grafana's own interpolation (`sceneGraph.interpolate` from
 * @grafana/scenes, what TemplateSrv hands over to on dashboards), not against a stand-in. The expected strings are
 * Grafana's documented formats (csv `a,b`; sqlstring `'a','b'`; regex `(a|b)`, escaped; pipe `a|b`) and the
 * PostgreSQL datasource's quoting, written out by hand.
 */
const MODES = ['genius', 'mechanic', 'debugger'];

let dashboard: DashboardScene;
beforeEach(() => {
  dashboard = dashboardScene([
    { name: 'mode', options: MODES, value: ['genius', 'mechanic'], isMulti: true },
    { name: 'worker', options: ['w1', "w'2", 'w.3+(x)'], value: 'w1' },
    { name: 'job', options: ["job-'7'"], value: "job-'7'" },
    { name: 'errorType', options: ["it's", 'a.b|c', 'x'], value: ["it's", 'a.b|c'], isMulti: true },
    { name: 'anyMode', options: MODES, value: ALL_VALUE, isMulti: true, includeAll: true },
    { name: 'modePattern', options: MODES, value: ALL_VALUE, isMulti: true, includeAll: true, allValue: 'gen.*' },
  ]);
});
afterEach(() => dashboard.deactivate());

const sql = (rawSql: string, scopedVars?: ScopedVars) =>
  interpolateQuery({ refId: 'A', queryType: 'sql', rawSql }, dashboard.templateSrv, scopedVars).rawSql;

describe('interpolateQuery: raw SQL', () => {
  it('quotes SQL values like the PostgreSQL datasource', () => {
    expect(sql("SELECT * FROM jobs WHERE mode IN ($mode) AND worker_id = '$worker' AND id = '$job'")).toBe(
      "SELECT * FROM jobs WHERE mode IN ('genius','mechanic') AND worker_id = 'w1' AND id = 'job-''7'''"
    );
  });

  it('quotes each selected value of a multi-value variable, quotes doubled', () => {
    expect(sql('error_type IN ($errorType)')).toBe("error_type IN ('it''s','a.b|c')");
  });

  it('gives All every option, quoted, and a custom all value as it is', () => {
    expect(sql('mode IN ($anyMode)')).toBe("mode IN ('genius','mechanic','debugger')");
    expect(sql("mode ~ '$modePattern'")).toBe("mode ~ 'gen.*'");
  });

  it('lets an explicit format win over the datasource quoting', () => {
    expect(sql("mode IN (${mode:sqlstring}) AND x = '${mode:csv}'")).toBe(
      "mode IN ('genius','mechanic') AND x = 'genius,mechanic'"
    );
    expect(sql("mode ~ '^${mode:regex}$' AND m = '${mode:pipe}'")).toBe(
      "mode ~ '^(genius|mechanic)$' AND m = 'genius|mechanic'"
    );
    expect(sql("id = ${job:sqlstring} AND w ~ '${worker:regex}'")).toBe("id = 'job-''7''' AND w ~ 'w1'");
  });

  it('takes scoped variables over the dashboard, and quotes a multi-value variable in each of its repeats', () => {
    expect(sql("worker_id = '$worker' GROUP BY $__interval", { worker: { text: "w'2", value: "w'2" } })).toBe(
      "worker_id = 'w''2' GROUP BY $__interval"
    );
    expect(sql('GROUP BY $__interval', { __interval: { text: '5m', value: '5m' } })).toBe('GROUP BY 5m');
    expect(sql('mode IN ($mode)', dashboard.repeatScope('mode', 'mechanic'))).toBe("mode IN ('mechanic')");
  });
});

describe('interpolateFilter', () => {
  it('gives `in` filters every value of a multi-value variable', () => {
    expect(
      interpolateFilter({ key: 'mode', operator: 'in', value: ['$mode', 'debugger'] }, dashboard.templateSrv, {})
    ).toEqual({ key: 'mode', operator: 'in', value: ['genius', 'mechanic', 'debugger'] });
  });

  it('turns = and != with several values into in and not in', () => {
    const filter = (operator: '=' | '!=', value: string, scopedVars: ScopedVars = {}) =>
      interpolateFilter({ key: 'mode', operator, value }, dashboard.templateSrv, scopedVars);
    expect(filter('=', '$mode')).toEqual({ key: 'mode', operator: 'in', value: ['genius', 'mechanic'] });
    expect(filter('!=', '$mode')).toEqual({ key: 'mode', operator: 'not in', value: ['genius', 'mechanic'] });
    expect(filter('=', '${mode}')).toEqual({ key: 'mode', operator: 'in', value: ['genius', 'mechanic'] });
    expect(filter('=', '$worker')).toEqual({ key: 'mode', operator: '=', value: 'w1' });
    // All is every option; in a repeat the variable has one value, so `=` stays `=`.
    expect(filter('!=', '$anyMode')).toEqual({ key: 'mode', operator: 'not in', value: MODES });
    expect(filter('=', '$mode', dashboard.repeatScope('mode', 'debugger'))).toEqual({
      key: 'mode',
      operator: '=',
      value: 'debugger',
    });
  });

  it('keeps quotes and regex characters of values as they are outside regex operators', () => {
    const scoped = { worker: { text: "w'2", value: "w'2" } };
    expect(
      interpolateFilter({ key: 'worker', operator: '=', value: '$worker' }, dashboard.templateSrv, scoped)
    ).toEqual({ key: 'worker', operator: '=', value: "w'2" });
    const repeat = dashboard.repeatScope('worker', 'w.3+(x)');
    expect(
      interpolateFilter({ key: 'worker', operator: 'in', value: ['$worker'] }, dashboard.templateSrv, repeat)
    ).toEqual({ key: 'worker', operator: 'in', value: ['w.3+(x)'] });
  });

  it('uses the regex format for regex operators: values escaped, a custom all value as it is', () => {
    const regex = (value: string, scopedVars: ScopedVars = {}) =>
      interpolateFilter({ key: 'mode', operator: '=~', value }, dashboard.templateSrv, scopedVars).value;
    expect(regex('$mode')).toBe('(genius|mechanic)');
    expect(regex('$anyMode')).toBe('(genius|mechanic|debugger)');
    expect(regex('$modePattern')).toBe('gen.*');
    expect(regex('$worker', dashboard.repeatScope('worker', 'w.3+(x)'))).toBe('w\\.3\\+\\(x\\)');
    expect(
      interpolateFilter({ key: 'mode', operator: '!~', value: ['$mode', 'debug.*'] }, dashboard.templateSrv, {})
    ).toEqual({ key: 'mode', operator: '!~', value: '(genius|mechanic)|debug.*' });
  });

  it('escapes quotes and regex characters of selected values only for regex operators', () => {
    expect(
      interpolateFilter({ key: 'error_type', operator: 'not in', value: '$errorType' }, dashboard.templateSrv, {})
    ).toEqual({
      key: 'error_type',
      operator: 'not in',
      value: ["it's", 'a.b|c'],
    });
    expect(
      interpolateFilter({ key: 'error_type', operator: '=~', value: '$errorType' }, dashboard.templateSrv, {}).value
    ).toBe("(it's|a\\.b\\|c)");
  });

  it('gives an explicitly formatted variable its format, as one value', () => {
    expect(
      interpolateFilter({ key: 'mode', operator: 'in', value: ['${mode:csv}'] }, dashboard.templateSrv, {})
    ).toEqual({ key: 'mode', operator: 'in', value: ['genius,mechanic'] });
  });
});

describe('interpolateQuery: text fields', () => {
  it('interpolates search, trace id and metric, and leaves absent fields absent', () => {
    const query = interpolateQuery(
      { refId: 'A', queryType: 'logs', search: 'worker $worker', traceId: '$job' },
      dashboard.templateSrv
    );
    expect(query.search).toBe('worker w1');
    expect(query.traceId).toBe("job-'7'");
    expect('metric' in query).toBe(false);
    expect('rawSql' in query).toBe(false);
  });

  it('uses Grafana’s default (glob) format and explicit formats in search, and scoped variables', () => {
    const search = (text: string, scopedVars?: ScopedVars) =>
      interpolateQuery({ refId: 'A', queryType: 'logs', search: text }, dashboard.templateSrv, scopedVars).search;
    expect(search('mode $mode')).toBe('mode {genius,mechanic}');
    expect(search('${mode:pipe} ${anyMode:csv}')).toBe('genius|mechanic genius,mechanic,debugger');
    expect(search('worker $worker every $__interval', { __interval: { text: '1m', value: '1m' } })).toBe(
      'worker w1 every 1m'
    );
    expect(search('worker $worker', dashboard.repeatScope('worker', "w'2"))).toBe("worker w'2");
  });
});

describe('formatSqlVariable', () => {
  it('formats numbers and single values for SQL', () => {
    expect(formatSqlVariable(5)).toBe('5');
    expect(formatSqlVariable("it's", { multi: false })).toBe("it''s");
    expect(formatSqlVariable('x', { includeAll: true })).toBe("'x'");
  });
});
