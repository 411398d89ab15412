/**
 * Runs a validated plan against the ledger and returns frames: a dispatcher over the query kinds. Every kind runs
 * its SQL through db/session.ts (read-only, rolled-back transaction, statement timeout, cancellation).
 */
import type pg from 'pg';

import { QueryError } from '../errors';
import type { CheckedFrame } from '../frames/frame';
import type { LedgerSettings } from '../settings/parseSettings';
import { runAnnotations } from './annotations/runAnnotations';
import { runJobs } from './jobs/runJobs';
import { runLogs } from './logs/runLogs';
import { runMetrics } from './metrics/runMetrics';
import type { QueryPlan } from './plan';
import { runSql } from './sql/runSql';
import { runTraces } from './traces/runTraces';
import { runVariables } from './variables/runVariables';

/** What a plan runs against. */
export interface ExecutionTarget {
  pool: pg.Pool;
  settings: LedgerSettings;
  /** The datasource's uid and name, for links back to it (log line → trace). */
  uid?: string;
  name?: string;
}

/** Executes one plan; throws QueryError. */
export async function executePlan(
  plan: QueryPlan,
  target: ExecutionTarget,
  signal: AbortSignal
): Promise<CheckedFrame[]> {
  switch (plan.kind) {
    case 'metrics':
      return runMetrics(plan, target, signal);
    case 'jobs':
      return runJobs(plan, target, signal);
    case 'logs':
      return runLogs(plan, target, signal);
    case 'traces':
      return runTraces(plan, target, signal);
    case 'sql':
      return runSql(plan, target, signal);
    case 'variables':
      return runVariables(plan, target, signal);
    case 'annotations':
      return runAnnotations(plan, target, signal);
    default: {
      // A new plan kind fails to compile here until it is dispatched.
      const unknown: never = plan;
      throw QueryError.internal(`[plugin] unknown plan kind ${String((unknown as { kind?: unknown }).kind)}`);
    }
  }
}
