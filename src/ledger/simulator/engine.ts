/**
 * The simulation: a FIFO queue served by the scenario's workers (an M/G/c queue), driven in time order. Jobs arrive
 * (load.ts), wait, are claimed by the worker that is free first, and run attempts (generators/attempt.ts); workers
 * heartbeat all along and may die (worker-down). Events come out sorted by occurred_at: an event is released only
 * once nothing that can still be generated could be earlier (the watermark), so a 30-day history streams in
 * constant memory and `--live` can write each event when its moment comes.
 */
import type { LedgerEvent } from '../ledgerEvent';
import { runAttempt } from './generators/attempt';
import type { SimJob } from './generators/context';
import { heartbeat, nextHeartbeatAt } from './generators/heartbeats';
import { workerError } from './generators/incidents';
import { jobCreated } from './generators/jobs';
import { TimeHeap } from './heap';
import { arrivals, createLoad, type Arrival } from './load';
import { createRandom, hashSeed, type Random } from './rng';
import { parseDuration, type Scenario } from './scenario';
import {
  conditionsReader,
  ofType,
  scheduleAnomalies,
  type Interval,
  type Placement,
  type ScheduledAnomaly,
} from './schedule';

/** What to simulate. */
export interface SimulationOptions {
  scenario: Scenario;
  seed: number;
  /** Start of the window, epoch ms: the queue is empty and every worker idle at this moment. */
  start: number;
  /** End of the window (exclusive); undefined simulates forever (live mode). */
  end?: number;
  /** Multiplies the job rate and the number of workers (at least one); 1 is the scenario as written. */
  scale?: number;
  /** Where anomalies go; by default once, at their offsets from `start`. */
  placement?: Placement;
}

interface WorkerState {
  id: string;
  freeAt: number;
  /** The worker's attempts that may still overlap a future heartbeat, in claim order. */
  busy: Array<{ from: number; to: number; jobId: string }>;
  nextHeartbeat: number;
  random: Random;
  /** worker-down occurrences that have not struck yet, in time order. */
  pendingDeaths: Interval[];
  /** When the worker was (or will be) down: decided as claims are processed, so always known before it matters. */
  deaths: Interval[];
}

/** Number of workers at a scale. */
export function workerCount(scenario: Scenario, scale: number): number {
  return Math.max(1, Math.round(scenario.team.workers * scale));
}

/** Worker id of a 1-based index: worker-01 … */
export const workerId = (index: number): string => `worker-${String(index).padStart(2, '0')}`;

/** First moment at or after t when the worker is not down. */
function upAt(worker: WorkerState, t: number): number {
  let at = t;
  for (const death of worker.deaths) {
    if (at >= death.from && at < death.to) {
      at = death.to;
    }
  }
  return at;
}

/**
 * When a worker that claims a job at claimAt dies during it (+Infinity if it does not). A worker-down anomaly strikes
 * mid-job, so that its job is left running for the sweeper: at the occurrence's start if the worker is busy then,
 * otherwise a few seconds into the first job it claims after that start.
 */
function deathDuring(worker: WorkerState, claimAt: number, random: Random): number {
  while (worker.pendingDeaths[0] && worker.pendingDeaths[0].to <= claimAt) {
    worker.pendingDeaths.shift(); // idle all through it: nothing to die in
  }
  const next = worker.pendingDeaths[0];
  if (!next) {
    return Number.POSITIVE_INFINITY;
  }
  return next.from <= claimAt ? claimAt + random.int(2_000, 20_000) : next.from;
}

/** Records that the worker died at `at`: it stays down as long as the anomaly lasts. */
function strike(worker: WorkerState, at: number): void {
  const next = worker.pendingDeaths.shift()!;
  worker.deaths.push({ from: at, to: at + (next.to - next.from) });
}

/** Error events of `failures` anomalies (an upstream outage reported by the workers), in time order. */
function* outageErrors(
  schedule: readonly ScheduledAnomaly[],
  workers: readonly WorkerState[],
  seed: number,
  start: number,
  end: number | undefined
): Generator<LedgerEvent> {
  const occurrences = ofType(schedule, 'failures')
    .filter((s) => s.anomaly.errorsPerMinute > 0)
    .flatMap((s) => s.occurrences.map((o) => ({ ...o, perMinute: s.anomaly.errorsPerMinute })))
    .sort((a, b) => a.from - b.from);
  for (const o of occurrences) {
    const random = createRandom(hashSeed(`outage:${o.from}`, seed));
    for (
      let t = o.from + random.exponential(60_000 / o.perMinute);
      t < o.to;
      t += random.exponential(60_000 / o.perMinute)
    ) {
      const at = Math.round(t);
      if (at >= start && (end === undefined || at < end)) {
        const worker = random.pick(workers).id;
        yield workerError(worker, at, 'UpstreamUnavailable', 'model provider returned 503');
      }
    }
    if (end !== undefined && o.from >= end) {
      return;
    }
  }
}

/** Simulates the scenario; yields events in occurred_at order. */
export function* simulate(options: SimulationOptions): Generator<LedgerEvent> {
  const { scenario, seed, start, end } = options;
  const scale = options.scale ?? 1;
  const schedule = scheduleAnomalies(scenario, options.placement ?? { mode: 'window', start });
  const conditionsAt = conditionsReader(scenario, schedule);
  const heartbeatEvery = parseDuration(scenario.team.heartbeatEvery);
  const root = createRandom(seed);
  const engine = root.fork('engine');
  const admissions = root.fork('admissions');
  const modes = scenario.team.modes.map((mode) => [mode, mode.weight] as const);
  const downs = ofType(schedule, 'workerDown');
  const workers: WorkerState[] = Array.from({ length: workerCount(scenario, scale) }, (_, i) => {
    const random = root.fork(`heartbeats:${i + 1}`);
    return {
      id: workerId(i + 1),
      freeAt: start,
      busy: [],
      nextHeartbeat: start + random.int(0, heartbeatEvery - 1),
      random,
      pendingDeaths: downs
        .filter((d) => d.anomaly.worker === i + 1)
        .flatMap((d) => d.occurrences)
        .filter((o) => o.to > start)
        .sort((a, b) => a.from - b.from),
      deaths: [],
    };
  });
  const arrivalStream = arrivals(createLoad(scenario, seed, scale), schedule, seed, start, end);
  const errors = outageErrors(schedule, workers, seed, start, end);
  let nextError = errors.next();
  let nextArrival = arrivalStream.next();
  const ready = new TimeHeap<SimJob>();
  const out = new TimeHeap<LedgerEvent>();
  const horizon = end ?? Number.POSITIVE_INFINITY;

  const admit = (arrival: Arrival) => {
    const mode = admissions.weighted(modes);
    const job: SimJob = {
      id: arrival.jobId,
      mode,
      agent: admissions.pick(mode.agents),
      tokenCap: mode.tokenCap,
      priority: admissions.int(1, 3),
      createdAt: arrival.at,
      attempt: 1,
      tokensUsed: 0,
      conversationId: `conv-${arrival.jobId.slice(4)}`,
    };
    out.push(arrival.at, jobCreated(job));
    ready.push(arrival.at, job);
  };

  const firstFree = (): WorkerState | undefined => {
    let best: WorkerState | undefined;
    let bestAt = Number.POSITIVE_INFINITY;
    for (const worker of workers) {
      worker.freeAt = upAt(worker, worker.freeAt);
      if (worker.freeAt < bestAt) {
        best = worker;
        bestAt = worker.freeAt;
      }
    }
    return best;
  };

  // Everything before `until` is final: heartbeats and outage errors up to it, then release the sorted events.
  function* release(until: number): Generator<LedgerEvent> {
    const limit = Math.min(until, horizon);
    for (const worker of workers) {
      while (worker.nextHeartbeat < limit) {
        const at = worker.nextHeartbeat;
        const up = upAt(worker, at);
        if (up > at) {
          worker.nextHeartbeat = up + worker.random.int(0, heartbeatEvery - 1); // back after a restart
          continue;
        }
        while (worker.busy.length > 0 && worker.busy[0]!.to <= at) {
          worker.busy.shift();
        }
        const current = worker.busy[0];
        out.push(at, heartbeat(worker.id, at, current && current.from <= at ? current.jobId : undefined));
        worker.nextHeartbeat = nextHeartbeatAt(worker.random, at, heartbeatEvery);
      }
    }
    while (!nextError.done && (nextError.value.occurredAt as Date).getTime() < limit) {
      out.push((nextError.value.occurredAt as Date).getTime(), nextError.value);
      nextError = errors.next();
    }
    while (out.peekTime() < limit) {
      yield out.pop()!;
    }
  }

  for (;;) {
    const arrivalAt = nextArrival.done ? Number.POSITIVE_INFINITY : nextArrival.value.at;
    const worker = firstFree();
    const claimFrom = Math.max(worker?.freeAt ?? Number.POSITIVE_INFINITY, ready.peekTime());
    if (arrivalAt <= claimFrom) {
      if (nextArrival.done) {
        break; // no arrivals left and nothing can be claimed
      }
      admit(nextArrival.value);
      nextArrival = arrivalStream.next();
    } else {
      if (claimFrom >= horizon || worker === undefined) {
        break;
      }
      const claimAt = Math.round(
        claimFrom + engine.logNormal(scenario.jobs.pickupMs.median, scenario.jobs.pickupMs.sigma)
      );
      const job = ready.pop()!;
      const random = root.fork(`attempt:${job.id}:${job.attempt}`);
      const ids = { job, workerId: worker.id, traceId: random.hex(32), jobSpanId: random.hex(16) };
      const result = runAttempt(random, scenario, conditionsAt, ids, claimAt, deathDuring(worker, claimAt, engine));
      if (result.result === 'abandoned') {
        strike(worker, result.end);
      }
      for (const event of result.events) {
        out.push((event.occurredAt as Date).getTime(), event);
      }
      worker.busy.push({ from: claimAt, to: result.end, jobId: job.id });
      worker.freeAt =
        result.end + Math.round(engine.logNormal(scenario.jobs.idleMs.median, scenario.jobs.idleMs.sigma));
      job.tokensUsed += result.tokens;
      if (result.requeuedAt !== undefined) {
        job.attempt += 1;
        ready.push(result.requeuedAt, job);
      }
    }
    // No future claim can start before the earliest free worker meets the earliest waiting job (or arrival), and
    // no arrival before the next one: everything earlier is final.
    const nextArrivalAt = nextArrival.done ? Number.POSITIVE_INFINITY : nextArrival.value.at;
    const free = firstFree()?.freeAt ?? Number.POSITIVE_INFINITY;
    const watermark = Math.min(nextArrivalAt, Math.max(free, Math.min(ready.peekTime(), nextArrivalAt)));
    yield* release(watermark);
    if (watermark >= horizon) {
      break;
    }
  }
  yield* release(horizon);
}
