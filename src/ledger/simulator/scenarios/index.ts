/**
 * The named scenarios (README.md describes each one's window and signal). JSON is data; `scenario.ts` validates it
 * and resolves `extends`.
 */
import { resolveScenario, type Scenario } from '../scenario';
import escalationStorm from './escalation-storm.json';
import failureSpike from './failure-spike.json';
import queueBacklog from './queue-backlog.json';
import slowTools from './slow-tools.json';
import steady from './steady.json';
import tokenSpike from './token-spike.json';
import workerDown from './worker-down.json';

/** Raw scenario JSON by name. */
export const SCENARIO_LIBRARY: Readonly<Record<string, unknown>> = {
  steady,
  'failure-spike': failureSpike,
  'queue-backlog': queueBacklog,
  'token-spike': tokenSpike,
  'worker-down': workerDown,
  'escalation-storm': escalationStorm,
  'slow-tools': slowTools,
};

/** Names of the shipped scenarios. */
export const SCENARIO_NAMES = Object.keys(SCENARIO_LIBRARY);

/**
 * Why there is no slow-database scenario: database.latency_ms times `SELECT 1` round trips from the plugin, and a
 * workload writer cannot make those honestly slow (README.md, "slow-database").
 */
export const SLOW_DATABASE_SKIPPED =
  'slow-database is not simulated: database.latency_ms times SELECT 1 round trips, which take no locks and read no ' +
  'table, so no ledger workload can make them take a second short of freezing the server; see ' +
  'src/ledger/simulator/README.md';

/** A validated scenario by name. */
export function loadScenario(name: string): Scenario {
  if (name === 'slow-database') {
    throw new Error(SLOW_DATABASE_SKIPPED);
  }
  return resolveScenario(name, SCENARIO_LIBRARY);
}
