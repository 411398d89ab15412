/**
 * #14: a 30-day panel ~1000 px wide gets 30-minute buckets from Grafana, a 7-day one 10-minute buckets, and in India
 * or Nepal even hour buckets start at :30 or :45 UTC. The hourly rollup cannot be split between such buckets, so
 * every one of these panels read all its raw rows (1-13 s on 10M events). Now whole 5 minutes come from
 * ledger_rollup_5min and raw rows only for the under-5-minute remainders at the window's edges: the statements must
 * read the 5-minute rollup, and raw rows only between the window's bounds and the nearest 5 minutes inside them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { DataQuery } from '../../src/backend/plugin/types';
import { metricsSql } from '../../src/backend/query/metrics/metricsSql';
import { planQuery, type MetricsPlan } from '../../src/backend/query/plan';
import { parseSettings } from '../../src/backend/settings/parseSettings';

const SETTINGS = parseSettings({
  id: 1,
  uid: 'ledger-test',
  name: 'Ledger',
  url: '127.0.0.1:5432',
  user: 'grafana',
  database: '',
  jsonData: { database: 'ledger', sslmode: 'disable' },
  secureJsonData: { password: 'x' },
  lastUpdatedMS: 1,
});

const DAY = 86_400_000;
const TO = Date.UTC(2026, 10, 30, 17, 43, 12, 345);

function statement(metric: string, rangeMs: number, intervalMs: number, timezone: string) {
  const query: DataQuery = {
    refId: 'A',
    queryType: 'metrics',
    maxDataPoints: 1_000,
    intervalMs,
    timeRange: { fromMs: TO - rangeMs, toMs: TO },
    json: Buffer.from(
      JSON.stringify({ queryType: 'metrics', metric, aggregation: 'count', format: 'timeseries', timezone })
    ),
  };
  return metricsSql(planQuery(query) as MetricsPlan, SETTINGS).sql;
}

describe('#14 sub-hour buckets are served by the 5-minute rollup', () => {
  for (const [range, interval, zone] of [
    [30 * DAY, 1_800_000, 'UTC'],
    [7 * DAY, 600_000, 'Europe/Berlin'],
    [30 * DAY, 3_600_000, 'Asia/Kathmandu'],
    [30 * DAY, 1_800_000, 'Asia/Kolkata'],
  ] as const) {
    it(`${range / DAY} d at ${interval / 60_000} min buckets in ${zone}`, () => {
      for (const metric of ['job.finished', 'tool.calls', 'workers.alive']) {
        const { text, values } = statement(metric, range, interval, zone);
        assert.match(text, /ledger_rollup_5min/, `${metric} reads the 5-minute rollup`);
        if (metric === 'workers.alive') {
          continue; // one probe of the rollup per bucket, no raw rows at all
        }
        // every raw part is bounded by the window's edges and the first/last whole 5 minutes inside it
        const bounds = values.filter((v): v is string => typeof v === 'string' && /^\d{4}-/.test(v)).map(Date.parse);
        const raw = text.split('UNION ALL').filter((part) => part.includes('FROM ledger_events'));
        assert.ok(raw.length <= 2, `${metric}: raw rows at the two edges at most`);
        const grain = 300_000;
        assert.ok(
          bounds.some((ms) => ms === Math.ceil((TO - range) / grain) * grain),
          `${metric}: the head's raw rows stop at the first whole 5 minutes`
        );
        assert.ok(
          bounds.some((ms) => ms === Math.floor(TO / grain) * grain),
          `${metric}: the tail's raw rows start at the last whole 5 minutes`
        );
      }
    });
  }
});
