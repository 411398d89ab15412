import { findMetric } from '../../../contract/metrics';
import { STARTER_SQL } from '../sql/sqlMacros';
import { applyMetricChange } from './applyMetricChange';
import { switchQueryType } from './switchQueryType';

describe('switchQueryType', () => {
  it('keeps the builder state through SQL and back', () => {
    const builder = {
      refId: 'A',
      queryType: 'metrics' as const,
      metric: 'job.failed',
      aggregation: 'rate' as const,
      groupBy: ['mode' as const],
      filters: [{ key: 'worker' as const, operator: '=' as const, value: 'w1' }],
    };
    const sql = switchQueryType(builder, 'sql');
    expect(sql.rawSql).toBe(STARTER_SQL);
    const back = switchQueryType({ ...sql, rawSql: 'SELECT 2' }, 'metrics');
    expect(back).toEqual({ ...builder, rawSql: 'SELECT 2' });
  });

  it('drops a logs line limit a jobs listing cannot take, and keeps one it can', () => {
    expect(switchQueryType({ refId: 'A', queryType: 'logs', limit: 10_000 }, 'jobs')).toEqual({
      refId: 'A',
      queryType: 'jobs',
    });
    expect(switchQueryType({ refId: 'A', queryType: 'logs', limit: 50 }, 'jobs').limit).toBe(50);
  });

  it('keeps typed SQL', () => {
    expect(switchQueryType({ refId: 'A', rawSql: 'SELECT 1' }, 'sql').rawSql).toBe('SELECT 1');
  });
});

describe('applyMetricChange', () => {
  it('keeps what the new metric accepts and replaces the rest', () => {
    const queueDepth = findMetric('queue.depth')!;
    const next = applyMetricChange(
      {
        refId: 'A',
        metric: 'job.completed',
        aggregation: 'rate',
        groupBy: ['mode', 'worker'],
        filters: [
          { key: 'worker', operator: '=', value: 'w1' },
          { key: 'mode', operator: '=', value: 'genius' },
        ],
        format: 'timeseries',
        legend: '{{mode}}',
      },
      queueDepth
    );
    expect(next).toEqual({
      refId: 'A',
      metric: 'queue.depth',
      aggregation: queueDepth.defaultAggregation,
      groupBy: ['mode'],
      filters: [{ key: 'mode', operator: '=', value: 'genius' }],
      format: 'timeseries',
      legend: '{{mode}}',
    });
  });

  it('moves to a format the metric supports', () => {
    const snapshot = findMetric('snapshot')!;
    expect(applyMetricChange({ refId: 'A', format: 'timeseries' }, snapshot).format).toBe('table');
  });
});
