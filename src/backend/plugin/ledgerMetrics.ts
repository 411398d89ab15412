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

const CACHE_MS = 15_000;
const JOB_BUCKETS_S = [1, 5, 10, 30, 60, 120, 300, 600, 1_800, 3_600];
const TOOL_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type Labels = Record<string, string>;

/** One family in text exposition format. */
class Family {
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

interface CountRow {
  label: string | null;
  n: string;
}

async function counts(session: Session, sql: string): Promise<CountRow[]> {
  return (await session.query<CountRow>(sql)).rows;
}

/** Cumulative histogram rows: label, count per `le` bucket, total count and sum (seconds). */
async function histogram(session: Session, kind: string, labelColumn: string, bucketsS: readonly number[]) {
  const buckets = bucketsS.map((le, i) => `count(*) FILTER (WHERE duration_ms <= ${le * 1000}) AS b${i}`).join(', ');
  const { rows } = await session.query<Record<string, string | null>>(
    `SELECT ${labelColumn} AS label, ${buckets}, count(duration_ms) AS n, coalesce(sum(duration_ms), 0) / 1000.0 AS s
     FROM ledger_events WHERE kind = ANY($1::text[]) AND duration_ms IS NOT NULL GROUP BY 1 ORDER BY 1`,
    [kind.split(',')]
  );
  return rows;
}

const label = (value: string | null | undefined) => value ?? '(none)';

async function collect(session: Session, datasource: string): Promise<Family[]> {
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

  for (const row of await counts(
    session,
    `SELECT mode AS label, count(*) AS n FROM ledger_events WHERE kind = 'job.completed' GROUP BY 1 ORDER BY 1`
  )) {
    completed.sample('', { datasource, mode: label(row.label) }, Number(row.n));
  }
  for (const row of await counts(
    session,
    `SELECT mode AS label, count(*) AS n FROM ledger_events WHERE kind = 'job.failed' GROUP BY 1 ORDER BY 1`
  )) {
    failed.sample('', { datasource, mode: label(row.label) }, Number(row.n));
  }
  for (const row of await counts(
    session,
    `SELECT name AS label, sum(coalesce(tokens_in, 0) + coalesce(tokens_out, 0)) AS n FROM ledger_events WHERE kind = 'llm.call' GROUP BY 1 ORDER BY 1`
  )) {
    tokens.sample('', { datasource, model: label(row.label) }, Number(row.n));
  }
  const [escalationCount] = await counts(
    session,
    `SELECT NULL AS label, count(*) AS n FROM ledger_events WHERE kind = 'escalation'`
  );
  escalations.sample('', { datasource }, Number(escalationCount?.n ?? 0));
  for (const row of await counts(
    session,
    `SELECT name AS label, count(*) AS n FROM ledger_events WHERE kind = 'error' GROUP BY 1 ORDER BY 1`
  )) {
    errors.sample('', { datasource, type: label(row.label) }, Number(row.n));
  }
  const [queued] = await counts(session, `SELECT NULL AS label, count(*) AS n FROM jobs WHERE status = 'queued'`);
  queue.sample('', { datasource }, Number(queued?.n ?? 0));

  const histograms: Array<[Family, string, string, readonly number[], string]> = [
    [jobDuration, 'job.completed,job.failed', 'mode', JOB_BUCKETS_S, 'mode'],
    [toolDuration, 'tool.call', 'name', TOOL_BUCKETS_S, 'tool'],
  ];
  for (const [family, kinds, column, buckets, labelName] of histograms) {
    for (const row of await histogram(session, kinds, column, buckets)) {
      const labels = { datasource, [labelName]: label(row.label) };
      buckets.forEach((le, i) => family.sample('_bucket', { ...labels, le: String(le) }, Number(row[`b${i}`])));
      family.sample('_bucket', { ...labels, le: '+Inf' }, Number(row.n));
      family.sample('_sum', labels, Number(row.s));
      family.sample('_count', labels, Number(row.n));
    }
  }
  return [completed, failed, jobDuration, tokens, escalations, errors, toolDuration, queue];
}

/** Collects (with a short cache) the ledger metrics of every instance. */
export class LedgerMetrics {
  private readonly cache = new Map<string, { at: number; text: Promise<Map<string, string>> }>();

  /** Prometheus text for the given instances' ledgers (families merged across instances). */
  async render(instances: readonly Instance[]): Promise<string> {
    const perInstance = await Promise.all(instances.map((instance) => this.forInstance(instance)));
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

  private forInstance(instance: Instance): Promise<Map<string, string>> {
    const cached = this.cache.get(instance.key);
    if (cached && Date.now() - cached.at < CACHE_MS) {
      return cached.text;
    }
    const up = (value: number) => {
      const family = new Family(
        'ledger_up',
        'gauge',
        'Whether the last collection of ledger metrics from this datasource succeeded.'
      );
      family.sample('', { datasource: instance.uid }, value);
      return family;
    };
    const text = withReadOnlySession(instance.pool, instance.settings, (session) => collect(session, instance.uid), {
      timeoutMs: 10_000,
    })
      .then((families) => [up(1), ...families])
      // A ledger that cannot be read exports only ledger_up 0 (the plugin's own metrics still do).
      .catch(() => [up(0)])
      .then((families) => new Map(families.map((family) => [family.name, family.text()])));
    this.cache.set(instance.key, { at: Date.now(), text });
    return text;
  }
}
