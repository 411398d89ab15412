import { METRICS } from '../../contract/metrics';
import { describeFilter, summarizeQuery } from './querySummary';

describe('summarizeQuery', () => {
  it('reads a metrics query as one line', () => {
    expect(
      summarizeQuery({
        refId: 'A',
        queryType: 'metrics',
        metric: 'job.completed',
        aggregation: 'count',
        groupBy: ['mode'],
        filters: [{ key: 'worker', operator: '=', value: 'w1' }],
        format: 'timeseries',
      })
    ).toBe('count of job.completed by mode, where worker = w1, per $__interval');
  });

  it('uses the metric default aggregation and says instant, table and live', () => {
    const failureRate = METRICS.find((m) => m.id === 'job.failure_rate');
    expect(summarizeQuery({ refId: 'A', metric: 'job.failure_rate', format: 'instant' }, METRICS)).toBe(
      `${failureRate?.defaultAggregation} of job.failure_rate, over the whole time range`
    );
    expect(summarizeQuery({ refId: 'A', metric: 'job.completed', aggregation: 'rate', format: 'table' })).toBe(
      'rate of job.completed, per $__interval as a table'
    );
    expect(summarizeQuery({ refId: 'A', metric: 'job.completed', aggregation: 'count', live: true })).toMatch(
      /\(live\)$/
    );
  });

  it('leaves out filters without a value and lists multi-value filters', () => {
    const summary = summarizeQuery({
      refId: 'A',
      metric: 'job.failed',
      aggregation: 'count',
      filters: [
        { key: 'mode', operator: 'in', value: ['genius', 'mechanic'] },
        { key: 'worker', operator: '=', value: '' },
      ],
    });
    expect(summary).toBe('count of job.failed, where mode in (genius, mechanic), per $__interval');
  });

  it('asks for what is missing', () => {
    expect(summarizeQuery({ refId: 'A', queryType: 'metrics' })).toBe('Choose a metric');
    expect(summarizeQuery({ refId: 'A', queryType: 'traces' })).toBe('Enter a job id or trace id');
    expect(summarizeQuery({ refId: 'A', queryType: 'sql', rawSql: '  ' })).toBe('Write a SQL query');
  });

  it('summarizes logs, traces, sql, variables and annotations', () => {
    expect(summarizeQuery({ refId: 'A', queryType: 'logs', search: 'timeout', limit: 100, live: true })).toBe(
      'ledger events matching "timeout", newest 100 (live tail)'
    );
    expect(summarizeQuery({ refId: 'A', queryType: 'traces', traceId: 'job-1' })).toBe('trace of job-1');
    expect(summarizeQuery({ refId: 'A', queryType: 'sql', rawSql: 'SELECT 1\nFROM jobs' })).toBe('SQL: SELECT 1');
    expect(
      summarizeQuery({
        refId: 'A',
        queryType: 'variables',
        dimension: 'worker',
        filters: [{ key: 'mode', operator: '=', value: '$mode' }],
      })
    ).toBe('values of worker, where mode = $mode');
    expect(summarizeQuery({ refId: 'A', queryType: 'annotations', annotationSources: ['escalation'] })).toBe(
      'annotations: escalation'
    );
  });

  it('reads a jobs listing as one line, with its defaults', () => {
    expect(summarizeQuery({ refId: 'A', queryType: 'jobs' })).toBe(
      'jobs finished in the time range, by finished descending, first 100'
    );
    expect(
      summarizeQuery({
        refId: 'A',
        queryType: 'jobs',
        jobWindow: 'active',
        filters: [{ key: 'mode', operator: '=', value: 'genius' }],
        jobConditions: [{ field: 'token_cap_used', operator: '>', value: 100 }],
        sortBy: 'tokens_used',
        sortDesc: false,
        limit: 20,
      })
    ).toBe(
      'jobs active in the time range, where mode = genius and token_cap_used > 100, by tokens_used ascending, first 20'
    );
    expect(
      summarizeQuery({
        refId: 'A',
        queryType: 'jobs',
        jobConditions: [{ field: 'duration_ms', operator: '>', value: 60000 }],
      })
    ).toBe('jobs finished in the time range, where duration_ms > 60000, by finished descending, first 100');
  });

  it('describes each operator', () => {
    expect(describeFilter({ key: 'tool', operator: '=~', value: 'read_.*' })).toBe('tool =~ read_.*');
    expect(describeFilter({ key: 'mode', operator: 'not in', value: ['a'] })).toBe('mode not in (a)');
  });
});
