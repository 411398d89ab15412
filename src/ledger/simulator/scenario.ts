/**
 * What a scenario is: the team (workers, modes, agents, models, tools), its load (jobs per hour, diurnal swing,
 * bursts), how jobs behave (loops, calls, failures, retries, escalations) and the anomalies to inject. Scenarios are
 * JSON data (scenarios/*.json, documented in README.md); this schema validates them, and `extends` lets an anomaly
 * scenario reuse steady's team and change only what it names.
 */
import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "6h", "30d" → milliseconds. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) {
    throw new Error(`"${text}" is not a duration such as 90s, 30m, 6h or 30d`);
  }
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

const duration = z.string().refine((text) => DURATION.test(text.trim()), {
  error: 'must be a duration such as 90s, 30m, 6h or 30d',
});
const probability = z.number().min(0).max(1);
const positive = z.number().positive();
/** A long-tailed quantity: log-normal with this median and log-space sigma. */
const logNormal = z.strictObject({ median: positive, sigma: z.number().min(0).max(3) });
/** [lo, hi] integers, uniformly. */
const intRange = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

const modeSchema = z.strictObject({
  name: z.string().min(1),
  weight: positive,
  agents: z.array(z.string().min(1)).min(1),
  /** Model name → weight. */
  models: z.record(z.string(), positive),
  /** Agent loops per attempt. */
  loops: intRange,
  /** Token cap written into job.created (payload.token_cap). */
  tokenCap: z.number().int().positive(),
});

const modelSchema = z.strictObject({
  /** US dollars per million input / output tokens. */
  inputUsdPerMTok: z.number().min(0),
  outputUsdPerMTok: z.number().min(0),
  latencyMs: logNormal,
  tokensIn: logNormal,
  tokensOut: logNormal,
  errorProbability: probability,
});

const toolSchema = z.strictObject({
  weight: positive,
  durationMs: logNormal,
  errorProbability: probability,
});

const anomalyBase = {
  /** Offset of the anomaly from the start of the scenario's window (bulk), e.g. "5h". */
  at: duration,
  /** How long it lasts. */
  for: duration,
};

/** One injected anomaly; `type` says which knob it turns. */
export const anomalySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('failures'),
    ...anomalyBase,
    failureProbability: probability,
    /** Extra `error` events reported by the workers (an upstream outage), per minute, independent of --scale. */
    errorsPerMinute: z.number().min(0),
  }),
  z.strictObject({
    type: z.literal('batch'),
    ...anomalyBase,
    /** Extra jobs enqueued at once (spread over `for`), independent of --scale: a queue is a count. */
    jobs: z.number().int().positive(),
  }),
  z.strictObject({
    type: z.literal('tokens'),
    ...anomalyBase,
    /** Multiplies the tokens of every LLM call. */
    factor: positive,
    /** Share of jobs that also run away: `extraLoops` more agent loops, until their token cap stops them. */
    runawayProbability: probability,
    extraLoops: z.number().int().min(0),
  }),
  z.strictObject({
    type: z.literal('workerDown'),
    ...anomalyBase,
    /** 1-based index of the worker that dies (worker-01 …). */
    worker: z.number().int().positive(),
  }),
  z.strictObject({ type: z.literal('escalations'), ...anomalyBase, probability }),
  z.strictObject({
    type: z.literal('slowTools'),
    ...anomalyBase,
    factor: positive,
    tools: z.array(z.string().min(1)).min(1),
  }),
]);

/** One injected anomaly. */
export type Anomaly = z.infer<typeof anomalySchema>;

/** A complete scenario (after `extends` is resolved). */
export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  /** Length of the window `--bulk` writes by default (ending now). */
  window: duration,
  /** History `--live` writes before switching to real time. */
  liveBackfill: duration,
  /** In `--live`, the anomalies start 2 minutes after real time begins and recur with this period. */
  liveEvery: duration,
  team: z.strictObject({
    workers: z.number().int().positive(),
    heartbeatEvery: duration,
    modes: z.array(modeSchema).min(1),
    models: z.record(z.string(), modelSchema),
    tools: z.record(z.string(), toolSchema),
  }),
  load: z.strictObject({
    jobsPerHour: positive,
    /** Daily swing: the rate is jobsPerHour × (1 + amplitude × cos(…)), peaking at peakHourUtc. */
    diurnalAmplitude: z.number().min(0).max(0.95),
    peakHourUtc: z.number().min(0).max(24),
    /** Rate multiplier on Saturdays and Sundays (UTC). */
    weekendFactor: positive,
    burstsPerDay: z.number().min(0),
    burstFactor: z.tuple([positive, positive]),
    burstLength: z.tuple([duration, duration]),
  }),
  jobs: z.strictObject({
    /** Delay from "a worker is free and a job is queued" to the claim. */
    pickupMs: logNormal,
    /** Idle time of a worker between two jobs. */
    idleMs: logNormal,
    llmCallsPerLoop: intRange,
    toolCallsPerLlmCall: intRange,
    failureProbability: probability,
    /** Failure type → weight; BudgetExceeded is added by the generator when a job runs over its cap. */
    errorTypes: z.record(z.string(), positive),
    retryProbability: probability,
    maxAttempts: z.number().int().positive(),
    /** A tool call that fails also reports an `error` event with this probability. */
    toolErrorReportProbability: probability,
    escalationProbability: probability,
    escalationReasons: z.array(z.string().min(1)).min(1),
    insightProbability: probability,
    insightCategories: z.array(z.string().min(1)).min(1),
    /** Sweeper's stale-heartbeat threshold: a job whose worker died is requeued this long after its last sign. */
    staleAfter: duration,
  }),
  anomalies: z.array(anomalySchema),
});

/** A complete scenario. */
export type Scenario = z.infer<typeof scenarioSchema>;
/** One mode of a scenario's team. */
export type ModeSpec = Scenario['team']['modes'][number];
/** One model of a scenario's team. */
export type ModelSpec = Scenario['team']['models'][string];
/** One tool of a scenario's team. */
export type ToolSpec = Scenario['team']['tools'][string];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of JSON objects: `over` wins; arrays and scalars are replaced, not merged. */
export function mergeJson(base: Json, over: Json): Json {
  if (!isObject(base) || !isObject(over)) {
    return over;
  }
  const merged: Record<string, Json> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = key in base ? mergeJson(base[key]!, value) : value;
  }
  return merged;
}

/**
 * Resolves `extends` chains against `library` (scenario name → raw JSON) and validates the result. Errors name the
 * scenario and the field.
 */
export function resolveScenario(
  name: string,
  library: Readonly<Record<string, unknown>>,
  seen: string[] = []
): Scenario {
  const raw = library[name];
  if (!isObject(raw)) {
    throw new Error(`unknown scenario "${name}": one of ${Object.keys(library).join(', ')}`);
  }
  if (seen.includes(name)) {
    throw new Error(`scenario "${name}" extends itself (${[...seen, name].join(' → ')})`);
  }
  const { extends: parent, ...own } = raw;
  const merged =
    typeof parent === 'string'
      ? mergeJson(resolveScenario(parent, library, [...seen, name]) as unknown as Json, own)
      : (own as Json);
  const parsed = scenarioSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`scenario "${name}" is invalid: ${issues.join('; ')}`);
  }
  return parsed.data;
}
