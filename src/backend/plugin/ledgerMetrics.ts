/**
 * The ledger's own Prometheus metrics, under the names the team's monitoring guide uses (job_completed_total{mode},
 * job_duration_seconds, tokens_used_total, escalation_total, error_total{type}, tool_duration_seconds{tool},
 * queue_depth…), derived from the ledger of every datasource instance this process serves, labelled by datasource.
 *
 * Grafana's CollectMetrics carries no datasource, so the instances are those that have served a request since the
 * plugin started (alert rules and dashboards make that happen within a minute). Results are cached briefly: a
 * Prometheus scrape every 15 s must not turn into full ledger scans every 15 s.
 */
import { withReadOnlySession, type Session } from '../db/session';
import type { Instance } from './instances';
import { HourlyBuckets } from './ledgerHistograms';

const CACHE_MS = 15_000;
const JOB_BUCKETS_S = [1, 5, 10, 30, 60, 120, 300, 600, 1_800, 3_600];
const TOOL_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type Labels = Record<string, string>;

/** One family in text exposition format. */
export class Family {
  private readonly lines: string[] = [];
  constructor(
    readonly name: string,
    private readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly help: string
  ) {}

  sample(suffix: string, labels: Labels, value: number): void {
    const rendered = Object.entries(labels)
      .map(([key, v]) => `${key}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
      .join(',');
    const number = Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
    this.lines.push(`${this.name}${suffix}${rendered ? `{${rendered}}` : ''} ${number}`);
  }

  text(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...this.lines].join('\n');
  }
}

/**
 * Scrapes read only the rollup's recent hours (from `since`); every FULL_CHECK_MS a full check re-reads every hour,
 * so an event that arrives late for an older hour shows within that period. Counters stay monotonic: the older
 * part only changes at a full check, and then only upwards (the ledger is append-only).
 */
const RECENT_MS = 24 * 3_600_000;
const FULL_CHECK_MS = 10 * 60_000;

/** What the collections of one datasource keep between scrapes. */
export interface LedgerCaches {
  /** Start of the recent hours (epoch ms, on an hour) and when the last full check ran. */
  window?: { since: number; checkedAt: number };
  /** Counter totals over the hours before `window.since`, by kind and label. */
  older: Map<string, number>;
  jobDuration: HourlyBuckets;
  toolDuration: HourlyBuckets;
}

/** Fresh (cold) caches for one datasource. */
export function ledgerCaches(): LedgerCaches {
  return {
    older: new Map(),
    jobDuration: new HourlyBuckets({ kinds: ['job.completed', 'job.failed'], column: 'mode', bucketsS: JOB_BUCKETS_S }),
    toolDuration: new HourlyBuckets({ kinds: ['tool.call'], column: 'name', bucketsS: TOOL_BUCKETS_S }),
  };
}

/** Stands for a NULL label in the totals' keys (text columns cannot hold NUL). */
const NULL_LABEL = '\u0000';
const COUNTER_KINDS = ['job.completed', 'job.failed', 'llm.call', 'escalation', 'error'];
const HOUR_MS = 3_600_000;

/**
 * Counter totals by kind and label (`kind\nlabel`; tokens under `tokens\nmodel`): the recent hours from the rollup,
 * plus the older hours' totals kept from the last full check, which recomputes them.
 */
async function counterTotals(session: Session, caches: LedgerCaches, full: boolean, since: number) {
  const { rows } = await session.queryArrays(
    `SELECT bucket >= $2, kind, CASE WHEN kind IN ('llm.call', 'error') THEN name ELSE mode END, sum(events)::float8,
            sum(tokens_in + tokens_out)::float8
     FROM ledger_rollup_hourly WHERE kind = ANY($1::text[]) AND bucket >= $3 GROUP BY 1, 2, 3`,
    [COUNTER_KINDS, new Date(since).toISOString(), full ? '-infinity' : new Date(since).toISOString()]
  );
  if (full) {
    caches.older.clear();
  }
  const totals = new Map(caches.older);
  for (const [recent, kind, key, events, tokens] of rows as Array<[boolean, string, string | null, number, number]>) {
    const into = recent ? totals : caches.older;
    const add = (name: string, value: number) => {
      into.set(name, (into.get(name) ?? 0) + value);
      if (!recent) {
        totals.set(name, (totals.get(name) ?? 0) + value);
      }
    };
    add(`${kind}\n${key ?? NULL_LABEL}`, events);
    if (kind === 'llm.call') {
      add(`tokens\n${key ?? NULL_LABEL}`, tokens);
    }
  }
  return totals;
}

const label = (value: string | null | undefined) => value ?? '(none)';

/**
 * Reads the ledger's families in one snapshot. Counters are sums over ledger_rollup_hourly, which the ledger's
 * trigger keeps in the inserting transaction (current hour included): exact monotonic totals from ~100 rows per hour
 * instead of a scan of every event (#14). Histograms: see ledgerHistograms.ts.
 */
export async function collectLedgerFamilies(
  session: Session,
  datasource: string,
  caches: LedgerCaches,
  now = Date.now()
): Promise<Family[]> {
  const completed = new Family(
    'job_completed_total',
    'counter',
    'Jobs completed, by mode (job.completed events in the ledger).'
  );
  const failed = new Family('job_failed_total', 'counter', 'Jobs failed, by mode (job.failed events in the ledger).');
  const tokens = new Family('tokens_used_total', 'counter', 'Tokens used by LLM calls (input + output), by model.');
  const escalations = new Family('escalation_total', 'counter', 'Escalations to a human.');
  const errors = new Family('error_total', 'counter', 'Errors reported by agents and workers, by type.');
  const queue = new Family('queue_depth', 'gauge', 'Jobs waiting to be claimed now.');
  const jobDuration = new Family(
    'job_duration_seconds',
    'histogram',
    'Claim-to-finish time of completed and failed jobs, by mode.'
  );
  const toolDuration = new Family('tool_duration_seconds', 'histogram', 'Execution time of tool calls, by tool.');

  const full = caches.window === undefined || now - caches.window.checkedAt >= FULL_CHECK_MS;
  const since = full ? Math.floor((now - RECENT_MS) / HOUR_MS) * HOUR_MS : caches.window!.since;
  const totals = await counterTotals(session, caches, full, since);
  let escalationCount = 0;
  for (const [name, value] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
    const [kind, key] = name.split('\n') as [string, string];
    const labelValue = label(key === NULL_LABEL ? null : key);
    if (kind === 'job.completed') {
      completed.sample('', { datasource, mode: labelValue }, value);
    } else if (kind === 'job.failed') {
      failed.sample('', { datasource, mode: labelValue }, value);
    } else if (kind === 'tokens') {
      tokens.sample('', { datasource, model: labelValue }, value);
    } else if (kind === 'error') {
      errors.sample('', { datasource, type: labelValue }, value);
    } else if (kind === 'escalation') {
      escalationCount += value;
    }
  }
  escalations.sample('', { datasource }, escalationCount);
  // The jobs table holds each job's current status: one index range, whatever the ledger's size.
  const queued = await session.queryArrays(`SELECT count(*)::float8 FROM jobs WHERE status = 'queued'`);
  queue.sample('', { datasource }, Number(queued.rows[0]?.[0] ?? 0));

  const histograms: Array<[Family, HourlyBuckets, string, readonly number[]]> = [
    [jobDuration, caches.jobDuration, 'mode', JOB_BUCKETS_S],
    [toolDuration, caches.toolDuration, 'tool', TOOL_BUCKETS_S],
  ];
  const families = [completed, failed, tokens, escalations, errors, queue];
  for (const [family, cache, labelName, buckets] of histograms) {
    const series = await cache.collect(session, full ? undefined : since);
    if (series === undefined) {
      continue; // still counting the history of a cold cache: absent rather than too low
    }
    for (const row of series) {
      const labels = { datasource, [labelName]: label(row.label) };
      buckets.forEach((le, i) => family.sample('_bucket', { ...labels, le: String(le) }, row.buckets[i]!));
      family.sample('_bucket', { ...labels, le: '+Inf' }, row.count);
      family.sample('_sum', labels, row.sumS);
      family.sample('_count', labels, row.count);
    }
    families.push(family);
  }
  if (full) {
    caches.window = { since, checkedAt: now };
  }
  return families;
}

/** Runs background work on an instance while keeping it from idle eviction (InstanceManager.hold). */
export type HoldInstance = <T>(instance: Instance, work: () => Promise<T>) => Promise<T>;

interface InstanceEntry {
  /** The instance the entry was built for: a rebuilt instance (new settings, or after eviction) starts afresh. */
  instance: Instance;
  at: number;
  text: Promise<Map<string, string>>;
  caches: LedgerCaches;
}

/** Collects (with a short cache) the ledger metrics of every instance. */
export class LedgerMetrics {
  private readonly entries = new Map<string, InstanceEntry>();

  constructor(private readonly cacheMs = CACHE_MS) {}

  /**
   * Prometheus text for the given instances' ledgers (families merged across instances). What was kept for an
   * instance that is no longer among them (evicted, or rebuilt with new settings) is dropped with it.
   */
  async render(instances: readonly Instance[], hold: HoldInstance = (_instance, work) => work()): Promise<string> {
    const live = new Set(instances);
    for (const [key, entry] of this.entries) {
      if (!live.has(entry.instance)) {
        this.entries.delete(key);
      }
    }
    const perInstance = await Promise.all(instances.map((instance) => this.forInstance(instance, hold)));
    const merged = new Map<string, string[]>();
    for (const families of perInstance) {
      for (const [name, text] of families) {
        merged.set(name, [...(merged.get(name) ?? []), text]);
      }
    }
    return [...merged.values()]
      .map((texts) =>
        [texts[0]!, ...texts.slice(1).map((t) => t.split('\n').slice(2).join('\n'))].filter(Boolean).join('\n')
      )
      .join('\n');
  }

  private forInstance(instance: Instance, hold: HoldInstance): Promise<Map<string, string>> {
    const previous = this.entries.get(instance.key);
    if (previous && Date.now() - previous.at < this.cacheMs) {
      return previous.text;
    }
    const caches = previous?.caches ?? ledgerCaches();
    const up = (value: number) => {
      const family = new Family(
        'ledger_up',
        'gauge',
        'Whether the last collection of ledger metrics from this datasource succeeded.'
      );
      family.sample('', { datasource: instance.uid }, value);
      return family;
    };
    const text = hold(instance, () =>
      withReadOnlySession(
        instance.pool,
        instance.settings,
        (session) => collectLedgerFamilies(session, instance.uid, caches),
        // One snapshot: the rollup's hour counts must describe the very rows the histograms count.
        { timeoutMs: 10_000, snapshot: true }
      )
    )
      .then((families) => [up(1), ...families])
      // A ledger that cannot be read exports only ledger_up 0 (the plugin's own metrics still do).
      .catch(() => [up(0)])
      .then((families) => new Map(families.map((family) => [family.name, family.text()])));
    this.entries.set(instance.key, { instance, at: Date.now(), text, caches });
    return text;
  }
}
