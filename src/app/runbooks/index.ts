/**
 * The runbooks the app serves at /a/aicodeteam-ledger-app/runbooks/<id>. Provisioned alert rules link their
 * `runbook_url` annotation to these routes: RUNBOOK_IDS is the list to check them against.
 */
import { runbookUrl } from '../../constants';
import { highFailureRate } from './highFailureRate';
import { escalationStorm, errorSpike, tokenSpike } from './spikeRunbooks';
import { queueBacklog } from './queueBacklog';
import { slowJobs, slowTools } from './latencyRunbooks';
import { tokenBudget } from './tokenBudget';
import type { Runbook } from './runbookTypes';
import { databaseLatency, workerHeartbeatMissing } from './workerRunbooks';

export type { DiagnosticQuery, RemediationStep, Runbook, RunbookStep } from './runbookTypes';

/** Every runbook, most urgent first. */
export const RUNBOOKS: readonly Runbook[] = [
  highFailureRate,
  queueBacklog,
  tokenBudget,
  workerHeartbeatMissing,
  databaseLatency,
  slowJobs,
  slowTools,
  escalationStorm,
  errorSpike,
  tokenSpike,
];

/** The runbook ids (route segments). */
export const RUNBOOK_IDS: readonly string[] = RUNBOOKS.map((runbook) => runbook.id);

/** Looks up a runbook by id. */
export function findRunbook(id: string | undefined): Runbook | undefined {
  return RUNBOOKS.find((runbook) => runbook.id === id);
}

/** The app route of a runbook (prefix it with Grafana's root URL for an alert's runbook_url). */
export function runbookPath(id: string): string {
  return runbookUrl(id);
}
