import { dateTime, type DataQueryRequest, type DataSourceInstanceSettings } from '@grafana/data';
import {
  setBackendSrv,
  setTemplateSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type TemplateSrv,
} from '@grafana/runtime';
import { lastValueFrom, of } from 'rxjs';

import { QUERY_MODEL_VERSION } from '../contract/query';
import { LedgerDataSource } from './LedgerDataSource';
import type { LedgerJsonData, LedgerQuery } from './types';

const settings = {
  id: 1,
  uid: 'ledger-test',
  type: 'aicodeteam-ledger-datasource',
  name: 'Ledger',
  meta: { id: 'aicodeteam-ledger-datasource', info: { version: '0.1.0' } },
  jsonData: {},
  access: 'proxy',
  readOnly: false,
} as unknown as DataSourceInstanceSettings<LedgerJsonData>;

function request(targets: LedgerQuery[], timezone = 'Europe/Berlin'): DataQueryRequest<LedgerQuery> {
  const from = dateTime(Date.UTC(2026, 10, 20));
  const to = dateTime(Date.UTC(2026, 10, 21));
  return {
    requestId: 'r',
    interval: '1m',
    intervalMs: 60_000,
    range: { from, to, raw: { from, to } },
    scopedVars: {},
    targets,
    timezone,
    app: 'dashboard',
    startTime: 0,
  };
}

describe('LedgerDataSource.query', () => {
  const sent: BackendSrvRequest[] = [];
  beforeAll(() => {
    setBackendSrv({
      fetch: (options: BackendSrvRequest) => {
        sent.push(options);
        return of({
          data: { results: {} },
          status: 200,
          ok: true,
          headers: new Headers(),
          redirected: false,
          statusText: 'OK',
          type: 'basic',
          url: options.url,
          config: options,
        });
      },
    } as unknown as BackendSrv);
    setTemplateSrv({
      replace: (text?: string) => (text ?? '').replace('$worker', 'w1'),
      getVariables: () => [],
    } as unknown as TemplateSrv);
  });

  it('migrates saved queries, interpolates variables and adds the time zone before sending', async () => {
    const ds = new LedgerDataSource(settings);
    await lastValueFrom(
      ds.query(
        request([
          { refId: 'A', metric: 'job.completed', filters: [{ key: 'worker', operator: '=', value: '$worker' }] },
        ])
      )
    );
    const body = sent[sent.length - 1].data as { queries: Array<LedgerQuery & { timezone: string }> };
    expect(body.queries[0]).toMatchObject({
      refId: 'A',
      version: QUERY_MODEL_VERSION,
      timezone: 'Europe/Berlin',
      filters: [{ key: 'worker', operator: '=', value: 'w1' }],
    });
  });

  it('leaves out filters that have no value yet', async () => {
    const ds = new LedgerDataSource(settings);
    const filters = [
      { key: 'mode' as const, operator: '=' as const, value: '' },
      { key: 'worker' as const, operator: 'in' as const, value: [] },
      { key: 'agent' as const, operator: '=' as const, value: 'coder' },
    ];
    await lastValueFrom(ds.query(request([{ refId: 'A', metric: 'job.completed', filters }])));
    const body = sent[sent.length - 1].data as { queries: LedgerQuery[] };
    expect(body.queries[0].filters).toEqual([{ key: 'agent', operator: '=', value: 'coder' }]);
  });

  it('sends saved queries with null fields as unset, and interpolates them without "null"', async () => {
    const ds = new LedgerDataSource(settings);
    const saved = {
      refId: 'A',
      queryType: 'metrics',
      metric: 'job.completed',
      live: null,
      legend: null,
      search: null,
      filters: [
        { key: 'worker', operator: '=', value: '$worker' },
        { key: 'mode', operator: '=', value: null },
      ],
    } as unknown as LedgerQuery;
    await lastValueFrom(ds.query(request([saved])));
    const body = sent[sent.length - 1].data as { queries: Array<Record<string, unknown>> };
    expect(Object.values(body.queries[0]!)).not.toContain(null);
    expect(body.queries[0]).toMatchObject({ filters: [{ key: 'worker', operator: '=', value: 'w1' }] });
    const interpolated = ds.applyTemplateVariables(saved, {});
    expect(JSON.stringify(interpolated)).not.toMatch(/null/);
  });

  it('resolves the "browser" time zone to an IANA zone', async () => {
    const ds = new LedgerDataSource(settings);
    await lastValueFrom(ds.query(request([{ refId: 'A', metric: 'job.completed' }], 'browser')));
    const body = sent[sent.length - 1].data as { queries: Array<{ timezone: string }> };
    expect(body.queries[0].timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('answers a request it cannot even build with an error instead of throwing', async () => {
    const ds = new LedgerDataSource(settings);
    const response = await lastValueFrom(
      ds.query(request([{ refId: 'A', metric: 'job.completed', datasource: { uid: 'nope' } }]))
    );
    expect(response.errors?.[0]?.message).toBeTruthy();
  });

  it('shows a readable line for collapsed queries and skips empty ones', () => {
    const ds = new LedgerDataSource(settings);
    expect(ds.getQueryDisplayText({ refId: 'A', metric: 'job.completed', aggregation: 'count' })).toBe(
      'count of job.completed, per $__interval'
    );
    expect(ds.filterQuery({ refId: 'A', queryType: 'sql', rawSql: '' })).toBe(false);
    expect(ds.annotations.getDefaultQuery?.()).toMatchObject({ queryType: 'annotations' });
    expect(ds.variables).toBeDefined();
  });
});
