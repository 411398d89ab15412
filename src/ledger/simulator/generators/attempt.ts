/**
 * One attempt at a job on one worker: claim, conversation, agent loops, an escalation or insight now and then, and
 * the outcome (completed, failed and maybe retried, or abandoned when the worker dies and the sweeper requeues it).
 */
import type { LedgerEvent } from '../../ledgerEvent';
import type { Random } from '../rng';
import { parseDuration, type Scenario } from '../scenario';
import type { Conditions } from '../schedule';
import { agentLoop, type LoopTotals } from './agentLoop';
import { message } from './conversations';
import type { AttemptIds } from './context';
import { escalation, insight, jobError } from './incidents';
import { jobClaimed, jobCompleted, jobFailed, jobRequeuedStale, jobRetried } from './jobs';

/** What an attempt wrote and what happens next. */
export interface AttemptResult {
  events: LedgerEvent[];
  /** When the worker is done with it. */
  end: number;
  result: 'completed' | 'failed' | 'abandoned';
  /** When the job is back in the queue (a retry, or the sweeper after the worker died). */
  requeuedAt?: number;
  /** Tokens this attempt used. */
  tokens: number;
}

/** Runs an attempt claimed at `claimAt`; `diesAt` is when the worker dies, if it does before finishing. */
export function runAttempt(
  random: Random,
  scenario: Scenario,
  conditionsAt: (t: number) => Conditions,
  ids: AttemptIds,
  claimAt: number,
  diesAt = Number.POSITIVE_INFINITY
): AttemptResult {
  const { jobs } = scenario;
  const { job } = ids;
  const events: LedgerEvent[] = [jobClaimed(ids, claimAt), message(ids, 'system', claimAt + 2, 1200)];
  if (job.attempt === 1) {
    events.push(message(ids, 'user', claimAt + 3, random.int(80, 2000)));
  }
  const atClaim = conditionsAt(claimAt);
  const runaway = random.chance(atClaim.runawayProbability);
  const loops = random.int(...job.mode.loops) + (runaway ? atClaim.extraLoops : 0);
  const totals: LoopTotals = { tokensIn: 0, tokensOut: 0, costUsd: 0, jobTokens: job.tokensUsed, overCap: false };
  let t = claimAt + random.int(5, 50);
  for (let i = 0; i < loops && !totals.overCap; i++) {
    const loop = agentLoop(random, scenario, conditionsAt, ids, t, totals);
    events.push(...loop.events);
    t = loop.end + random.int(1, 30);
  }
  const atEnd = conditionsAt(t);
  if (random.chance(atEnd.escalationProbability)) {
    events.push(escalation(ids, t + random.int(5, 500), random.pick(jobs.escalationReasons)));
  }
  if (random.chance(jobs.insightProbability)) {
    const confidence = Math.round(random.between(0.3, 0.99) * 100) / 100;
    events.push(insight(ids, t + random.int(5, 500), random.pick(jobs.insightCategories), confidence));
  }
  const finish = t + random.int(20, 200);
  const failed = totals.overCap || random.chance(atEnd.failureProbability);
  let requeuedAt: number | undefined;
  if (failed) {
    const errorType = totals.overCap ? 'BudgetExceeded' : random.weighted(Object.entries(jobs.errorTypes));
    events.push(jobFailed(ids, finish, finish - claimAt, errorType));
    events.push(jobError(ids, finish + 1, errorType, `job ${job.id} failed: ${errorType}`));
    if (!totals.overCap && job.attempt < jobs.maxAttempts && random.chance(jobs.retryProbability)) {
      requeuedAt = finish + random.int(2_000, 10_000);
      events.push(jobRetried(ids, requeuedAt));
    }
  } else {
    events.push(jobCompleted(ids, finish, finish - claimAt, totals));
  }
  const tokens = totals.jobTokens - job.tokensUsed;
  if (diesAt > finish) {
    return { events, end: finish, result: failed ? 'failed' : 'completed', requeuedAt, tokens };
  }
  return abandoned(random, scenario, ids, events, diesAt);
}

/** The worker died at `diesAt`: what it wrote before stays, and the sweeper requeues the job once it is stale. */
function abandoned(
  random: Random,
  scenario: Scenario,
  ids: AttemptIds,
  events: LedgerEvent[],
  diesAt: number
): AttemptResult {
  const written = events.filter((e) => (e.occurredAt as Date).getTime() < diesAt);
  const tokens = written.reduce(
    (sum, e) => sum + (e.kind === 'llm.call' ? (e.tokensIn ?? 0) + (e.tokensOut ?? 0) : 0),
    0
  );
  const staleAfter = parseDuration(scenario.jobs.staleAfter);
  // the sweeper runs about once a minute
  const requeuedAt = diesAt + staleAfter + random.int(1_000, 60_000);
  written.push(jobRequeuedStale(ids, requeuedAt, diesAt, staleAfter));
  return { events: written, end: diesAt, result: 'abandoned', requeuedAt, tokens };
}
