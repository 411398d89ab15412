/**
 * When each anomaly is active, and what the team's knobs are at a given moment. In a bulk window an anomaly happens
 * once, at its `at` offset from the window start. In live mode the first anomaly starts shortly after real time
 * begins and the pattern recurs every `liveEvery`, so a demo stack shows alerts firing and resolving.
 */
import { parseDuration, type Anomaly, type Scenario } from './scenario';

/** A half-open time interval in epoch ms. */
export interface Interval {
  from: number;
  to: number;
}

/** Where anomalies are placed. */
export type Placement =
  | { mode: 'window'; start: number }
  | {
      mode: 'live';
      /** When the simulator reaches real time. */
      realTimeFrom: number;
    };

/** Delay between reaching real time and the first live anomaly, so the dashboards show a calm "before". */
export const LIVE_ANOMALY_DELAY_MS = 2 * 60_000;
// Live occurrences are materialised this far ahead: a year of hourly anomalies is ~9k intervals.
const LIVE_HORIZON_MS = 400 * 86_400_000;

/** An anomaly with its concrete occurrences, sorted. */
export interface ScheduledAnomaly<A extends Anomaly = Anomaly> {
  anomaly: A;
  occurrences: Interval[];
}

/** The knobs the generators read at a moment (steady values unless an anomaly turns one). */
export interface Conditions {
  failureProbability: number;
  tokenFactor: number;
  runawayProbability: number;
  extraLoops: number;
  escalationProbability: number;
  /** Tool name → duration multiplier (absent: 1). */
  toolSlowdown: ReadonlyMap<string, number>;
}

/** Places every anomaly of a scenario. */
export function scheduleAnomalies(scenario: Scenario, placement: Placement): ScheduledAnomaly[] {
  const offsets = scenario.anomalies.map((a) => parseDuration(a.at));
  const first = Math.min(...offsets);
  const every = parseDuration(scenario.liveEvery);
  return scenario.anomalies.map((anomaly, i) => {
    const length = parseDuration(anomaly.for);
    if (placement.mode === 'window') {
      const from = placement.start + offsets[i]!;
      return { anomaly, occurrences: [{ from, to: from + length }] };
    }
    const occurrences: Interval[] = [];
    const base = placement.realTimeFrom + LIVE_ANOMALY_DELAY_MS + offsets[i]! - first;
    for (let from = base; from < placement.realTimeFrom + LIVE_HORIZON_MS; from += every) {
      occurrences.push({ from, to: from + length });
    }
    return { anomaly, occurrences };
  });
}

/** The occurrence of `scheduled` that contains t, if any (binary search). */
export function occurrenceAt(scheduled: ScheduledAnomaly, t: number): Interval | undefined {
  const list = scheduled.occurrences;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const o = list[mid]!;
    if (t < o.from) {
      hi = mid - 1;
    } else if (t >= o.to) {
      lo = mid + 1;
    } else {
      return o;
    }
  }
  return undefined;
}

/** The anomalies of one type. */
export function ofType<T extends Anomaly['type']>(
  schedule: readonly ScheduledAnomaly[],
  type: T
): Array<ScheduledAnomaly<Extract<Anomaly, { type: T }>>> {
  return schedule.filter((s): s is ScheduledAnomaly<Extract<Anomaly, { type: T }>> => s.anomaly.type === type);
}

/** Reads the knobs in effect at a moment. */
export function conditionsReader(scenario: Scenario, schedule: readonly ScheduledAnomaly[]): (t: number) => Conditions {
  const steady: Conditions = {
    failureProbability: scenario.jobs.failureProbability,
    tokenFactor: 1,
    runawayProbability: 0,
    extraLoops: 0,
    escalationProbability: scenario.jobs.escalationProbability,
    toolSlowdown: new Map(),
  };
  if (schedule.length === 0) {
    return () => steady;
  }
  return (t) => {
    const active = schedule.filter((s) => occurrenceAt(s, t) !== undefined).map((s) => s.anomaly);
    if (active.length === 0) {
      return steady;
    }
    const conditions = { ...steady, toolSlowdown: new Map<string, number>() };
    for (const anomaly of active) {
      switch (anomaly.type) {
        case 'failures':
          conditions.failureProbability = anomaly.failureProbability;
          break;
        case 'tokens':
          conditions.tokenFactor = anomaly.factor;
          conditions.runawayProbability = anomaly.runawayProbability;
          conditions.extraLoops = anomaly.extraLoops;
          break;
        case 'escalations':
          conditions.escalationProbability = anomaly.probability;
          break;
        case 'slowTools':
          anomaly.tools.forEach((tool) => conditions.toolSlowdown.set(tool, anomaly.factor));
          break;
        case 'batch':
        case 'workerDown':
          break; // handled by the arrival stream and the engine
      }
    }
    return conditions;
  };
}
