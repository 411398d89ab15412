import type { LedgerQuery } from '../../../datasource/types';
import type { TimeWindow } from '../../data/runLedgerQuery';

/** One figure on the overview page: an instant metrics query and how to read it. */
export interface OverviewTile {
  id: string;
  title: string;
  /** What the number covers, e.g. "last 15 minutes". */
  window: string;
  metric: string;
  aggregation: LedgerQuery['aggregation'];
  unit: string;
  /** How several series combine into one figure. */
  combine: 'sum' | 'max';
  /** The time range the query covers, ending now. */
  range: (now: number) => TimeWindow;
  /** When the figure needs attention, and the runbook that explains what to do. */
  alert?: { when: (value: number) => boolean; runbook: string; text: string };
}

const minutes = (n: number) => (now: number) => ({ from: now - n * 60_000, to: now });
const sinceLocalMidnight = (now: number) => {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  return { from: midnight.getTime(), to: now };
};

/** The overview's tiles, in reading order. Ids are the catalog's (src/contract/metrics.ts). */
export const OVERVIEW_TILES: readonly OverviewTile[] = [
  {
    id: 'workers',
    title: 'Workers alive',
    window: 'heartbeat in the last minute',
    metric: 'workers.alive',
    aggregation: 'count',
    unit: 'short',
    combine: 'sum',
    range: minutes(5),
    alert: { when: (v) => v === 0, runbook: 'worker-heartbeat-missing', text: 'No worker is sending heartbeats' },
  },
  {
    id: 'queue',
    title: 'Queue depth',
    window: 'jobs waiting now',
    metric: 'queue.depth',
    aggregation: 'last',
    unit: 'short',
    combine: 'sum',
    range: minutes(5),
    alert: { when: (v) => v > 100, runbook: 'queue-backlog', text: 'More than 100 jobs are waiting' },
  },
  {
    id: 'failure-rate',
    title: 'Failure rate',
    window: 'last 15 minutes',
    metric: 'job.failure_rate',
    aggregation: 'avg',
    unit: 'percentunit',
    combine: 'max',
    range: minutes(15),
    alert: { when: (v) => v > 0.2, runbook: 'high-failure-rate', text: 'More than 20% of jobs fail' },
  },
  {
    id: 'completed',
    title: 'Jobs completed',
    window: 'last hour',
    metric: 'job.completed',
    aggregation: 'count',
    unit: 'short',
    combine: 'sum',
    range: minutes(60),
  },
  {
    id: 'spend',
    title: 'Spend today',
    window: 'since midnight',
    metric: 'cost.usd',
    aggregation: 'sum',
    unit: 'currencyUSD',
    combine: 'sum',
    range: sinceLocalMidnight,
  },
  {
    id: 'escalations',
    title: 'Escalations',
    window: 'last hour',
    metric: 'escalation.total',
    aggregation: 'count',
    unit: 'short',
    combine: 'sum',
    range: minutes(60),
    alert: { when: (v) => v > 10, runbook: 'escalation-storm', text: 'More than 10 escalations in an hour' },
  },
];

/** The instant query of a tile. */
export function tileQuery(tile: OverviewTile): LedgerQuery {
  return {
    refId: tile.id,
    queryType: 'metrics',
    metric: tile.metric,
    aggregation: tile.aggregation,
    groupBy: [],
    filters: [],
    format: 'instant',
    // In Grafana the figure follows the ledger as rows arrive (Grafana Live); the page's refresh is the fallback.
    live: true,
  };
}
