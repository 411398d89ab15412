/**
 * What a live stream computes, and how it is named on a Grafana Live channel (`ds/<uid>/<path>`).
 *
 * The path identifies the query: `live/j<base64url(spec as a JSON array)>` (or `live/z…` deflated, when that is
 * shorter) whenever it fits comfortably in a channel name (centrifuge limits client channels to 255 characters;
 * Grafana prefixes the org and datasource), so the stream survives a plugin restart. Longer queries get
 * `live/h<hash>` and are remembered by the QueryData call that created them — for that datasource only (org and
 * uid), so a remembered query is never served to another datasource — in memory and in the plugin's private state
 * directory (streamPositions.ts), so they too survive a restart.
 *
 * A logs spec also carries `afterSeq`, the newest ledger seq the QueryData answer could contain: the tail continues
 * from exactly there, so an event appended between the answer and the subscription is neither lost nor repeated.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

import type { LedgerQueryInput } from '../../../contract/query';
import type { DataQuery } from '../types';

/** A live query: the query fields plus the shape of its sliding window. */
export interface LiveSpec {
  v: 1;
  query: LedgerQueryInput & { timezone?: string };
  /** Length of the sliding window (the panel's time range), ms. */
  rangeMs: number;
  intervalMs: number;
  maxDataPoints: number;
  /** Logs: the ledger position the QueryData answer covered; the tail sends what comes after it. */
  afterSeq?: number;
}

/** Longest path we put on a channel. */
export const MAX_PATH_LENGTH = 180;
const PREFIX = 'live/';
/** Remembered long specs, by scope and path; the oldest are forgotten first beyond this many. */
const MAX_REMEMBERED = 10_000;
/** Long specs by `<scope>\n<path>`, with when each was last written to the archive. */
const registry = new Map<string, { spec: LiveSpec; archivedAt: number }>();

/** Where long specs are also kept (the plugin's private state directory), so their paths survive a restart. */
export interface SpecArchive {
  saveRecord(key: string, value: unknown): void;
  loadRecord(key: string): unknown;
}
let archive: SpecArchive | undefined;
/** Rewriting an archived spec this often keeps it from expiring while dashboards still use it. */
const REARCHIVE_MS = 3_600_000;

/**
 * Keeps long specs in `store` as well as in memory: after the plugin is killed and relaunched, Grafana calls
 * RunStream again on the `live/h…` channel its panels hold, and only the archive still knows what it names.
 */
export function archiveLongSpecsIn(store: SpecArchive | undefined): void {
  archive = store;
}

/** The live spec of a query being answered by QueryData (`afterSeq` for logs tails). */
export function liveSpecOf(
  query: DataQuery,
  model: LedgerQueryInput & { timezone?: string },
  afterSeq?: number
): LiveSpec {
  const { queryType, metric, aggregation, groupBy, filters, format, legend, search, limit, timezone } = model;
  return {
    v: 1,
    query: { queryType, metric, aggregation, groupBy, filters, format, legend, search, limit, timezone, live: true },
    rangeMs: Math.max(1_000, query.timeRange.toMs - query.timeRange.fromMs),
    intervalMs: query.intervalMs,
    maxDataPoints: query.maxDataPoints,
    ...(afterSeq !== undefined ? { afterSeq } : {}),
  };
}

// Positional encoding keeps paths short: the query's fields in a fixed order, then the window.
const QUERY_KEYS = [
  'queryType',
  'metric',
  'aggregation',
  'groupBy',
  'filters',
  'format',
  'legend',
  'search',
  'limit',
  'timezone',
] as const;

// Version 1: [1, rangeMs, intervalMs, maxDataPoints, ...query values]; version 2 adds afterSeq after maxDataPoints.
function encode(spec: LiveSpec): string {
  const values: unknown[] = QUERY_KEYS.map((key) => spec.query[key] ?? null);
  while (values.length > 0 && values[values.length - 1] === null) {
    values.pop();
  }
  const window = [spec.rangeMs, spec.intervalMs, spec.maxDataPoints];
  return JSON.stringify(
    spec.afterSeq === undefined ? [1, ...window, ...values] : [2, ...window, spec.afterSeq, ...values]
  );
}

function decode(json: string): LiveSpec | undefined {
  const array: unknown = JSON.parse(json);
  if (!Array.isArray(array) || (array[0] !== 1 && array[0] !== 2)) {
    return undefined;
  }
  const [, rangeMs, intervalMs, maxDataPoints, ...rest] = array as unknown[];
  const afterSeq = array[0] === 2 ? rest.shift() : undefined;
  if (afterSeq !== undefined && !(typeof afterSeq === 'number' && Number.isSafeInteger(afterSeq) && afterSeq >= 0)) {
    return undefined;
  }
  const values = rest;
  const query: Record<string, unknown> = { live: true };
  QUERY_KEYS.forEach((key, i) => {
    if (values[i] !== null && values[i] !== undefined) {
      query[key] = values[i];
    }
  });
  const numbers = [rangeMs, intervalMs, maxDataPoints];
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    return undefined;
  }
  return {
    v: 1,
    query: query as LiveSpec['query'],
    rangeMs: rangeMs as number,
    intervalMs: intervalMs as number,
    maxDataPoints: maxDataPoints as number,
    ...(afterSeq !== undefined ? { afterSeq } : {}),
  };
}

/**
 * Channel path for a spec. Long specs are remembered in memory for `scope` (`<orgId>/<datasource uid>`) only, so a
 * path another datasource remembered is unknown to this one (#9, tests/hardening/access.test.ts).
 */
export function pathOf(spec: LiveSpec, scope: string): string {
  const json = encode(spec);
  const plain = `${PREFIX}j${Buffer.from(json).toString('base64url')}`;
  const deflated = `${PREFIX}z${deflateRawSync(json).toString('base64url')}`;
  const compact = plain.length <= deflated.length ? plain : deflated;
  if (compact.length <= MAX_PATH_LENGTH) {
    return compact;
  }
  const hashed = `${PREFIX}h${createHash('sha256').update(json).digest('hex').slice(0, 32)}`;
  const key = `${scope}\n${hashed}`;
  const now = Date.now();
  let archivedAt = registry.get(key)?.archivedAt ?? 0;
  if (archive && now - archivedAt > REARCHIVE_MS) {
    archive.saveRecord(`live-spec\n${key}`, json);
    archivedAt = now;
  }
  registry.delete(key); // re-inserted as the newest
  registry.set(key, { spec, archivedAt });
  if (registry.size > MAX_REMEMBERED) {
    registry.delete(registry.keys().next().value!);
  }
  return hashed;
}

function rememberedSpec(key: string): LiveSpec | undefined {
  const known = registry.get(key)?.spec;
  if (known || !archive) {
    return known;
  }
  const json = archive.loadRecord(`live-spec\n${key}`);
  let spec: LiveSpec | undefined;
  try {
    spec = typeof json === 'string' ? decode(json) : undefined;
  } catch {
    spec = undefined; // a damaged record names nothing
  }
  if (spec) {
    // archivedAt 0: the record may be close to expiry, so the next QueryData for this path writes it again
    registry.set(key, { spec, archivedAt: 0 });
  }
  return spec;
}

/** The spec a path names for `scope`, or undefined when the path is unknown or malformed. */
export function specOf(path: string, scope: string): LiveSpec | undefined {
  if (!path.startsWith(PREFIX) || path.length > MAX_PATH_LENGTH + 10) {
    return undefined;
  }
  const token = path.slice(PREFIX.length);
  if (token.startsWith('h')) {
    return rememberedSpec(`${scope}\n${path}`);
  }
  const kind = token[0];
  const body = token.slice(1);
  if ((kind !== 'j' && kind !== 'z') || !/^[A-Za-z0-9_-]+$/.test(body)) {
    return undefined;
  }
  try {
    const bytes = Buffer.from(body, 'base64url');
    const json =
      kind === 'z' ? inflateRawSync(bytes, { maxOutputLength: 64 * 1024 }).toString('utf8') : bytes.toString('utf8');
    return decode(json);
  } catch {
    return undefined;
  }
}

/** The DataQuery a spec stands for, with its window ending at `nowMs`. */
export function queryAt(spec: LiveSpec, nowMs: number): DataQuery {
  return {
    refId: 'A',
    queryType: spec.query.queryType ?? 'metrics',
    intervalMs: spec.intervalMs,
    maxDataPoints: spec.maxDataPoints,
    timeRange: { fromMs: nowMs - spec.rangeMs, toMs: nowMs },
    json: Buffer.from(JSON.stringify({ ...spec.query, live: false })),
  };
}
