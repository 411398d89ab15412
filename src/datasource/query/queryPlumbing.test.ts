import { CoreApp } from '@grafana/data';

import { QUERY_MODEL_VERSION } from '../../contract/query';
import { defaultQueryFor } from './defaultQuery';
import { isRunnableQuery } from './isRunnableQuery';
import { migrateLedgerQuery, needsMigration } from './migrateLedgerQuery';
import type { LedgerQuery } from '../types';

describe('migrateLedgerQuery', () => {
  it('stamps unversioned saved queries with the current version and keeps every field', () => {
    const saved = {
      refId: 'B',
      hide: false,
      datasource: { uid: 'x' },
      metric: 'job.completed',
      groupBy: ['mode' as const],
      rawSql: 'SELECT 1',
    };
    expect(needsMigration(saved)).toBe(true);
    const migrated = migrateLedgerQuery(saved);
    expect(migrated).toEqual({ ...saved, version: QUERY_MODEL_VERSION });
    expect(needsMigration(migrated)).toBe(false);
  });

  it("reads saved nulls as unset and numbers written as strings as numbers, keeping Grafana's keys", () => {
    const saved = {
      refId: 'A',
      datasource: { uid: 'x' },
      queryType: 'logs',
      limit: '250',
      live: null,
      legend: null,
      version: null,
    } as unknown as LedgerQuery;
    const read = migrateLedgerQuery(saved);
    expect(read).toEqual({
      refId: 'A',
      datasource: { uid: 'x' },
      queryType: 'logs',
      limit: 250,
      version: QUERY_MODEL_VERSION,
    });
    expect(needsMigration(saved)).toBe(true);
    expect(migrateLedgerQuery(read)).toBe(read);
  });

  it('leaves values it cannot read for the backend to name', () => {
    const saved = { refId: 'A', version: QUERY_MODEL_VERSION, limit: 'many', filters: 'mode=x' };
    expect(migrateLedgerQuery(saved as unknown as LedgerQuery)).toBe(saved);
  });

  it('returns current queries as they are', () => {
    const current = { refId: 'A', version: QUERY_MODEL_VERSION, metric: 'job.completed' };
    expect(migrateLedgerQuery(current)).toBe(current);
  });
});

describe('defaultQueryFor', () => {
  it('shows completed jobs by mode in a new panel, instant in alert rules', () => {
    expect(defaultQueryFor(CoreApp.Dashboard)).toMatchObject({
      queryType: 'metrics',
      metric: 'job.completed',
      format: 'timeseries',
      version: QUERY_MODEL_VERSION,
    });
    expect(defaultQueryFor(CoreApp.UnifiedAlerting).format).toBe('instant');
  });

  it('gives each new query its own arrays', () => {
    const a = defaultQueryFor(CoreApp.Explore);
    a.groupBy?.push('worker');
    expect(defaultQueryFor(CoreApp.Explore).groupBy).toEqual(['mode']);
  });
});

describe('isRunnableQuery', () => {
  it('skips hidden and empty queries', () => {
    expect(isRunnableQuery({ refId: 'A', metric: 'job.completed' })).toBe(true);
    expect(isRunnableQuery({ refId: 'A', metric: 'job.completed', hide: true })).toBe(false);
    expect(isRunnableQuery({ refId: 'A', queryType: 'metrics' })).toBe(false);
    expect(isRunnableQuery({ refId: 'A', queryType: 'sql', rawSql: ' ' })).toBe(false);
    expect(isRunnableQuery({ refId: 'A', queryType: 'traces', traceId: 'job-1' })).toBe(true);
    expect(isRunnableQuery({ refId: 'A', queryType: 'logs' })).toBe(true);
    expect(isRunnableQuery({ refId: 'A', queryType: 'variables' })).toBe(false);
  });
});
