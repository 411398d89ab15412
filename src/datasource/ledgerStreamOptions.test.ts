import { dateTime, StreamingFrameAction, type DataFrame, type DataQueryRequest } from '@grafana/data';

import { ledgerStreamOptions } from './LedgerDataSource';
import type { LedgerQuery } from './types';

const request = (to: string) =>
  ({
    maxDataPoints: 720,
    range: { from: dateTime(1_000_000), to: dateTime(4_600_000), raw: { from: 'now-1h', to } },
    rangeRaw: { from: 'now-1h', to },
  }) as unknown as DataQueryRequest<LedgerQuery>;

const frame = (liveAction?: string): DataFrame => ({
  fields: [],
  length: 0,
  meta: liveAction ? { custom: { liveAction } } : undefined,
});

describe('ledgerStreamOptions', () => {
  it('replaces the frame for recomputed metric streams, so the current bucket is updated and never duplicated', () => {
    expect(ledgerStreamOptions(request('now'), frame('replace'))).toEqual({
      maxLength: 720,
      maxDelta: 3_600_000,
      action: StreamingFrameAction.Replace,
    });
  });

  it('appends log lines, and keeps old points when the range does not end now', () => {
    expect(ledgerStreamOptions(request('2026-11-29T10:00:00Z'), frame('append'))).toEqual({
      maxLength: 720,
      maxDelta: undefined,
      action: StreamingFrameAction.Append,
    });
    expect(ledgerStreamOptions(request('now'), frame()).action).toBe(StreamingFrameAction.Append);
  });
});
