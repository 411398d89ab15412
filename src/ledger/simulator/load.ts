/**
 * When jobs arrive: a non-homogeneous Poisson process whose rate follows the day (a cosine peaking at peakHourUtc),
 * the week (quieter weekends) and random bursts, plus the jobs of `batch` anomalies. Bursts are a pure function of
 * the seed and the UTC day, so a moment has the same load whichever window it is generated in.
 */
import { createRandom, hashSeed, type Random } from './rng';
import { parseDuration, type Scenario } from './scenario';
import { ofType, type ScheduledAnomaly } from './schedule';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** One burst of extra load. */
interface Burst {
  from: number;
  to: number;
  factor: number;
}

/** A job arrival. */
export interface Arrival {
  at: number;
  /** Unique and deterministic: derived from the arrival time and the arrival stream. */
  jobId: string;
}

/** The load of a scenario: arrival rate per ms at any moment. */
export interface Load {
  /** Jobs per millisecond at t. */
  rateAt(t: number): number;
  /** An upper bound of rateAt, for thinning. */
  maxRate: number;
}

/** Builds the load model (scale multiplies the job rate). */
export function createLoad(scenario: Scenario, seed: number, scale: number): Load {
  const { load } = scenario;
  const burstCache = new Map<number, Burst[]>();
  const [minLength, maxLength] = load.burstLength.map(parseDuration) as [number, number];
  const burstsOfDay = (day: number): Burst[] => {
    let bursts = burstCache.get(day);
    if (!bursts) {
      const random = createRandom(hashSeed(`bursts:${day}`, seed));
      bursts = [];
      if (load.burstsPerDay > 0) {
        for (let t = day * DAY_MS + random.exponential(DAY_MS / load.burstsPerDay); t < (day + 1) * DAY_MS; ) {
          const length = random.between(minLength, maxLength);
          bursts.push({ from: t, to: t + length, factor: random.between(load.burstFactor[0], load.burstFactor[1]) });
          t += random.exponential(DAY_MS / load.burstsPerDay);
        }
      }
      if (burstCache.size > 64) {
        burstCache.clear(); // generation moves forward in time; old days are not asked for again
      }
      burstCache.set(day, bursts);
    }
    return bursts;
  };
  const burstFactor = (t: number): number => {
    const day = Math.floor(t / DAY_MS);
    let factor = 1;
    for (const burst of [...burstsOfDay(day - 1), ...burstsOfDay(day)]) {
      if (t >= burst.from && t < burst.to) {
        factor = Math.max(factor, burst.factor);
      }
    }
    return factor;
  };
  const perMs = (load.jobsPerHour * scale) / HOUR_MS;
  return {
    rateAt(t) {
      const hour = (t % DAY_MS) / HOUR_MS;
      const diurnal = 1 + load.diurnalAmplitude * Math.cos((2 * Math.PI * (hour - load.peakHourUtc)) / 24);
      const weekday = new Date(t).getUTCDay();
      const week = weekday === 0 || weekday === 6 ? load.weekendFactor : 1;
      return perMs * diurnal * week * burstFactor(t);
    },
    maxRate: perMs * (1 + load.diurnalAmplitude) * Math.max(1, load.weekendFactor) * Math.max(1, ...load.burstFactor),
  };
}

/** Poisson arrivals by thinning, from `start` until `end` (forever when undefined). */
function* poissonArrivals(load: Load, random: Random, start: number, end: number | undefined): Generator<number> {
  for (let t = start + random.exponential(1 / load.maxRate); end === undefined || t < end; ) {
    if (random.next() * load.maxRate < load.rateAt(t)) {
      yield t;
    }
    t += random.exponential(1 / load.maxRate);
  }
}

/** The jobs of batch anomalies (a CI bot enqueues hundreds at once), in time order. */
function* batchArrivals(
  schedule: readonly ScheduledAnomaly[],
  seed: number,
  start: number,
  end: number | undefined
): Generator<number> {
  const occurrences = ofType(schedule, 'batch')
    .flatMap((s) => s.occurrences.map((o) => ({ ...o, jobs: s.anomaly.jobs })))
    .filter((o) => o.to > start && (end === undefined || o.from < end))
    .sort((a, b) => a.from - b.from);
  for (const occurrence of occurrences) {
    const random = createRandom(hashSeed(`batch:${occurrence.from}`, seed));
    const times = Array.from({ length: occurrence.jobs }, () => random.between(occurrence.from, occurrence.to)).sort(
      (a, b) => a - b
    );
    yield* times.filter((t) => t >= start && (end === undefined || t < end));
  }
}

/** Every arrival from `start` to `end`, in time order, each with its job id. */
export function* arrivals(
  load: Load,
  schedule: readonly ScheduledAnomaly[],
  seed: number,
  start: number,
  end: number | undefined
): Generator<Arrival> {
  const random = createRandom(hashSeed(`arrivals:${start}`, seed));
  const poisson = poissonArrivals(load, random, start, end);
  const batch = batchArrivals(schedule, seed, start, end);
  let p = poisson.next();
  let b = batch.next();
  while (!p.done || !b.done) {
    const fromBatch = p.done || (!b.done && b.value < p.value);
    const at = Math.round(fromBatch ? (b.value as number) : (p.value as number));
    yield { at, jobId: `job-${at.toString(36)}-${random.hex(4)}` };
    if (fromBatch) {
      b = batch.next();
    } else {
      p = poisson.next();
    }
  }
}
