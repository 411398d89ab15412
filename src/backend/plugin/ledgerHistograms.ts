/**
 * Exact Prometheus histogram buckets of ledger durations at a cost that does not grow with the ledger (#14).
 *
 * `_count` and `_sum` come from ledger_rollup_hourly. Bucket counts (`le`) cannot: the rollup keeps no distribution,
 * and the daily duration histogram has neither the job mode nor bin edges at the exported `le` values. So the
 * buckets are counted from raw rows once per UTC hour and kept here, each hour with the event count it was counted
 * from. The rollup's per-hour counts (read in the same snapshot) say which hours changed since: normally only the
 * current hour, or an old hour a late event landed in. Only those hours are re-read from ledger_events. The ledger
 * is append-only, so an hour whose count has not changed holds the same events and its cached buckets are exact.
 * Most collections check only the recent hours (`since`); a periodic full check catches late events in older ones
 * (ledgerMetrics.ts).
 *
 * A cold cache (first scrape after start or after the datasource was evicted) would have to read every hour; it
 * reads at most RAW_EVENTS_PER_COLLECTION events' worth of hours per scrape, newest first, and the family is left
 * out of the scrape until it is complete, so no scrape is slow and no exported bucket ever goes down.
 */
import type { Session } from '../db/session';

/** Raw events a single collection may read to fill hours it has not counted yet. */
export const RAW_EVENTS_PER_COLLECTION = 100_000;

/** One exported histogram: which events, which label, which bucket bounds (seconds). */
export interface HistogramSpec {
  kinds: readonly string[];
  /** ledger_events / ledger_rollup_hourly column that labels the series (`mode`, `name`). */
  column: 'mode' | 'name';
  bucketsS: readonly number[];
}

/** Per label: cumulative counts per `le` bucket, total count and sum of durations (seconds). */
export interface HistogramSeries {
  label: string | null;
  buckets: number[];
  count: number;
  sumS: number;
}

/** One hour's counts per label, from the rollup: `n` events with a duration summing to `sumMs`; `buckets[i]` of them
 * ≤ bucketsS[i], once counted from raw rows. */
type HourCounts = Map<string | null, { n: number; sumMs: number; buckets?: number[] }>;

const LABEL_SQL = { mode: 'mode', name: 'name' } as const;

/** Bucket counts per UTC hour for one histogram of one datasource. */
export class HourlyBuckets {
  private readonly hours = new Map<number, HourCounts>();

  constructor(private readonly spec: HistogramSpec) {}

  /**
   * The histogram's series, or undefined while hours remain uncounted (cold cache; see the file comment). Hours
   * from `since` on (epoch ms; every hour when undefined) are checked against the rollup; earlier ones are taken
   * from the last check that covered them.
   */
  async collect(session: Session, since?: number): Promise<HistogramSeries[] | undefined> {
    const rollup = await this.rollupHours(session, since);
    for (const hour of this.hours.keys()) {
      if ((since === undefined || hour >= since) && !rollup.has(hour)) {
        this.hours.delete(hour); // cannot happen on an append-only ledger; a rebuilt database, say
      }
    }
    for (const [hour, counts] of rollup) {
      if (!sameCounts(this.hours.get(hour), counts)) {
        this.hours.set(hour, counts); // new or changed: its buckets are counted (again) below
      }
    }
    const uncounted = [...this.hours]
      .filter(([, counts]) => [...counts.values()].some((c) => c.buckets === undefined))
      .sort(([a], [b]) => b - a);
    let budget = RAW_EVENTS_PER_COLLECTION;
    const batch = uncounted
      .filter(([, counts], i) => {
        const events = total(counts);
        const take = i === 0 || events <= budget;
        budget -= events;
        return take;
      })
      .map(([hour]) => hour);
    await this.countRaw(session, batch);
    return batch.length < uncounted.length ? undefined : this.series();
  }

  private async rollupHours(session: Session, since: number | undefined): Promise<Map<number, HourCounts>> {
    const { rows } = await session.queryArrays(
      `SELECT date_part('epoch', bucket) * 1000, ${LABEL_SQL[this.spec.column]}, sum(duration_n)::float8,
              sum(duration_sum)
       FROM ledger_rollup_hourly WHERE kind = ANY($1::text[]) AND bucket >= $2
       GROUP BY 1, 2 HAVING sum(duration_n) > 0`,
      [this.spec.kinds, since === undefined ? '-infinity' : new Date(since).toISOString()]
    );
    const hours = new Map<number, HourCounts>();
    for (const [hour, label, n, sumMs] of rows as Array<[number, string | null, number, number]>) {
      const counts = hours.get(hour) ?? new Map();
      counts.set(label, { n, sumMs });
      hours.set(hour, counts);
    }
    return hours;
  }

  /** Counts the given hours' buckets from raw rows. */
  private async countRaw(session: Session, hours: readonly number[]): Promise<void> {
    if (hours.length === 0) {
      return;
    }
    const { bucketsS, column } = this.spec;
    const filters = bucketsS.map((le) => `count(*) FILTER (WHERE e.duration_ms <= ${le * 1000})::float8`).join(', ');
    const { rows } = await session.queryArrays(
      // One probe of the (kind, occurred_at) index per kind and hour: equality on kind keeps every probe to the
      // hour's rows of that kind, whatever else the hour holds.
      `SELECT date_part('epoch', h.start) * 1000, e.${LABEL_SQL[column]}, ${filters}
       FROM unnest($1::text[]) AS k(kind)
       CROSS JOIN unnest($2::timestamptz[]) AS h(start)
       JOIN ledger_events e ON e.kind = k.kind
         AND e.occurred_at >= h.start AND e.occurred_at < h.start + interval '1 hour'
       WHERE e.duration_ms IS NOT NULL
       GROUP BY 1, 2`,
      [this.spec.kinds, hours.map((hour) => new Date(hour).toISOString())]
    );
    const counted = new Map<string, number[]>();
    for (const [hour, label, ...buckets] of rows as Array<[number, string | null, ...number[]]>) {
      counted.set(`${hour}\n${label}`, buckets);
    }
    for (const hour of hours) {
      // Every label the rollup names gets its buckets (zeros if the raw rows had none: one snapshot, so never).
      this.hours.get(hour)?.forEach((counts, label) => {
        counts.buckets = counted.get(`${hour}\n${label}`) ?? bucketsS.map(() => 0);
      });
    }
  }

  private series(): HistogramSeries[] {
    const byLabel = new Map<string | null, HistogramSeries>();
    for (const counts of this.hours.values()) {
      for (const [label, { n, sumMs, buckets }] of counts) {
        let series = byLabel.get(label);
        if (!series) {
          series = { label, buckets: this.spec.bucketsS.map(() => 0), count: 0, sumS: 0 };
          byLabel.set(label, series);
        }
        series.count += n;
        series.sumS += sumMs / 1000;
        buckets?.forEach((count, i) => (series.buckets[i]! += count));
      }
    }
    return [...byLabel.values()].sort((a, b) => (a.label ?? '').localeCompare(b.label ?? ''));
  }
}

function total(counts: HourCounts): number {
  let n = 0;
  counts.forEach((c) => (n += c.n));
  return n;
}

function sameCounts(cached: HourCounts | undefined, rollup: HourCounts): boolean {
  if (!cached || cached.size !== rollup.size) {
    return false;
  }
  for (const [label, { n }] of rollup) {
    if (cached.get(label)?.n !== n) {
      return false;
    }
  }
  return true;
}
