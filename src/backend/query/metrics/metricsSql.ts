/**
 * Metrics plan → the statement that computes it and the layout of its rows. Dispatches on the metric's source
 * (definitions.ts); every builder is pure (plan in, SQL + parameters out).
 */
import { QueryError } from '../../errors';
import type { LedgerSettings } from '../../settings/parseSettings';
import type { MetricsPlan } from '../plan';
import type { Sql } from '../sql';
import { aggregateSql } from './aggregateSql';
import { METRIC_SOURCES, type MetricSource } from './definitions';
import { lifecycleSql } from './lifecycleSql';
import type { RowLayout } from './seriesSql';
import { entriesSql, ingestLagSql, jobsByStatusSql, overTokenCapSql, storageSql } from './stateSql';
import { heartbeatAgeSql, workersAliveSql } from './workerSql';

/** A statement plus how to read its rows. `plan` may differ from the input (e.g. a forced group-by). */
export interface MetricStatement {
  sql: Sql;
  layout: RowLayout;
  plan: MetricsPlan;
}

/** The source of a metric id (every catalog metric has one; a test checks it). */
export function sourceOf(plan: MetricsPlan): MetricSource {
  const source = METRIC_SOURCES[plan.metric.id];
  if (!source) {
    throw QueryError.internal(`[plugin] metric ${plan.metric.id} has no source`);
  }
  return source;
}

/** Builds the statement of an SQL-computed metric (everything but the probe and the snapshot). */
export function metricsSql(plan: MetricsPlan, settings: LedgerSettings): MetricStatement {
  const source = sourceOf(plan);
  const layout: RowLayout =
    plan.format === 'instant' || !plan.metric.formats.includes('timeseries') ? 'instant' : 'series';
  switch (source.type) {
    case 'events':
      return { sql: aggregateSql(plan, source, layout, settings), layout, plan };
    case 'jobs':
      return { sql: aggregateSql(plan, source, layout, settings), layout, plan };
    case 'queueDepth':
      return { sql: lifecycleSql(plan, 'queueDepth', layout), layout, plan };
    case 'running':
      return { sql: lifecycleSql(plan, 'running', layout), layout, plan };
    case 'jobsByStatus':
      return { sql: jobsByStatusSql(plan), layout: 'instant', plan };
    case 'overTokenCap':
      return { sql: overTokenCapSql(plan), layout: 'instant', plan };
    case 'workersAlive':
      return { sql: workersAliveSql(plan, layout), layout, plan };
    case 'heartbeatAge': {
      // One series per worker, always labelled by worker, so alert rules fire per worker.
      const perWorker: MetricsPlan = { ...plan, groupBy: ['worker'] };
      return { sql: heartbeatAgeSql(perWorker, layout), layout, plan: perWorker };
    }
    case 'entries':
      if (layout === 'instant') {
        return { sql: entriesSql(plan, false), layout, plan };
      }
      return { sql: aggregateSql(plan, { type: 'events', kinds: [] }, layout, settings), layout, plan };
    case 'entries24h':
      return { sql: entriesSql(plan, true), layout: 'instant', plan };
    case 'storage':
      return { sql: storageSql(), layout: 'instant', plan };
    case 'ingestLag':
      return { sql: ingestLagSql(), layout: 'instant', plan };
    case 'databaseLatency':
    case 'snapshot':
      break;
  }
  throw QueryError.internal(`[plugin] metric ${plan.metric.id} is not computed by a single statement`);
}
