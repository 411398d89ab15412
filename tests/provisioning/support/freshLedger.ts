/**
 * The fresh-ledger suite (#12): every provisioned dashboard query (variables, annotations, panels) at several time
 * ranges, and every alert rule, on a ledger bulk-loaded a moment ago with no statistics. Shared by the test
 * (freshLedger.test.ts: each query within its budget, the same answers after ANALYZE) and the benchmark
 * (tests/bench/freshLedger.bench.ts: the times).
 */
import type { CheckedFrame } from '../../../src/backend/frames/frame';
import type { DataResponse } from '../../../src/backend/plugin/types';
import { loadRules } from './alertRules';
import { dashboardQueries, resolveVariables } from './dashboardQueries';
import type { ExecutableQuery } from './executableQueries';
import { evaluateRule } from './expressions';
import { dashboards, type Json } from './provisioningFiles';
import { ANCHOR, HOUR, createScenarioLedger, type ScenarioLedger } from './scenarioLedger';

/**
 * Every statement's budget, enforced as the datasource's statement timeout (jsonData.statementTimeoutMs): generous
 * for two shared cores, far below what a plan built on guessed row counts costs (the old workers.alive took 7-12 s
 * for 1 h and hit the 30 s default timeout for longer ranges).
 */
export const QUERY_BUDGET_MS = 5_000;

/** Days of the steady scenario (scale 1: 8 workers, ~255,000 events a day) ending at ANCHOR. */
export const FRESH_LEDGER_DAYS = 2;

/** The ranges every dashboard is run with: its default (6 h), shorter, longer, and one over whole-hour buckets. */
export const FRESH_RANGES: ReadonlyArray<{ label: string; ms: number }> = [
  { label: '1 h', ms: HOUR },
  { label: '6 h', ms: 6 * HOUR },
  { label: '24 h', ms: 24 * HOUR },
  { label: '30 d', ms: 30 * 24 * HOUR },
];

/** Loads the suite's ledger: the steady scenario through the simulator's bulk path, without its ANALYZE. */
export function createFreshLedger(prefix: string): Promise<ScenarioLedger> {
  return createScenarioLedger(
    prefix,
    [{ scenario: 'steady', from: ANCHOR - FRESH_LEDGER_DAYS * 24 * HOUR, to: ANCHOR }],
    { unanalyzed: true, batchSize: 50_000 }
  );
}

/** The id of a failed job, for the dashboards' job variable. */
export async function failedJobId(ledger: ScenarioLedger): Promise<string> {
  const client = await ledger.ledger.connect();
  const { rows } = await client.query<{ job_id: string }>(
    `SELECT job_id FROM ledger_events WHERE kind = 'job.failed' AND occurred_at < $1 ORDER BY occurred_at DESC LIMIT 1`,
    [new Date(ANCHOR)]
  );
  const jobId = rows[0]?.job_id;
  if (!jobId) {
    throw new Error('the fresh ledger has no failed job to open');
  }
  return jobId;
}

/** One answered query: where it comes from, what it answered and how long it took (wall clock). */
export interface AnsweredQuery {
  /** Unique in one run: range and dashboard query, or rule and refId. */
  key: string;
  model: Record<string, unknown>;
  response: DataResponse;
  ms: number;
}

/** Runs every dashboard query at every range and every alert rule, one query at a time. */
export async function runEveryQuery(
  run: (query: ExecutableQuery) => Promise<DataResponse>,
  jobId: string
): Promise<AnsweredQuery[]> {
  const answered: AnsweredQuery[] = [];
  const timed = async (key: string, query: ExecutableQuery) => {
    const started = performance.now();
    const response = await run(query);
    answered.push({ key, model: query.model, response, ms: performance.now() - started });
    return response;
  };
  for (const { label, ms } of FRESH_RANGES) {
    const range = { from: ANCHOR - ms, to: ANCHOR };
    for (const [file, dashboard] of dashboards()) {
      const runVariable = async (model: Json, refId: string): Promise<CheckedFrame[]> => {
        const where = `${label} ${file} variable ${refId}`;
        const response = await timed(where, { refId, model, range, intervalMs: 60_000, maxDataPoints: 1_000 });
        if (response.error) {
          throw new Error(`${where}: ${response.error.message}`);
        }
        return response.frames;
      };
      const variables = await resolveVariables(dashboard, runVariable, jobId);
      for (const query of dashboardQueries(file, dashboard, variables, range)) {
        await timed(`${label} ${query.where}`, { ...query, range });
      }
    }
  }
  for (const rule of loadRules()) {
    await evaluateRule(rule, ANCHOR, (query, range) =>
      timed(`rule ${rule.uid} ${query.refId}`, {
        refId: query.refId,
        model: query.model,
        range,
        intervalMs: typeof query.model.intervalMs === 'number' ? query.model.intervalMs : 1_000,
        maxDataPoints: typeof query.model.maxDataPoints === 'number' ? query.model.maxDataPoints : 43_200,
        headers: { FromAlert: 'true' },
      })
    );
  }
  return answered;
}
