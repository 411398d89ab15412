/**
 * The macros of raw SQL queries: Grafana's PostgreSQL macros (pkg/tsdb/grafana-postgresql-datasource/macros.go),
 * with one deliberate difference: `$__timeGroup` returns a timestamptz bucket start rather than epoch seconds,
 * so the column is a time in both formats. Everything a macro writes comes from the time range and interval of
 * the request (numbers and ISO timestamps we format), or from the query text itself.
 * The same list feeds the SQL editor (resource `sql/schema`).
 */
import { QueryError } from '../../errors';
import { formatInterval, parseInterval, secondsLiteral } from './interval';

/** What a macro expansion may use. */
export interface MacroContext {
  fromMs: number;
  toMs: number;
  /** The query's interval ($__interval), in ms (at least 1). */
  intervalMs: number;
}

/** The fill mode of a `$__timeGroup` (third argument), applied to time series results. */
export type Fill = { mode: 'null' } | { mode: 'previous' } | { mode: 'value'; value: number };

/** A `$__timeGroup` seen in the query: its bucket width and optional fill. */
export interface TimeGroup {
  intervalMs: number;
  fill?: Fill;
}

/** One macro: editor documentation plus its expansion. */
export interface MacroDefinition {
  name: string;
  signature: string;
  description: string;
  /** Allowed argument counts. */
  args: readonly number[];
  expand(args: readonly string[], ctx: MacroContext, groups: TimeGroup[]): string;
}

const iso = (ms: number) => `'${new Date(ms).toISOString()}'`;
const epochSeconds = (ms: number) => String(Math.floor(ms / 1000));
const epochNanos = (ms: number) => (BigInt(Math.floor(ms)) * 1_000_000n).toString();
// Expressions with operators are parenthesized so BETWEEN / >= apply to the whole of them.
const operand = (expr: string) => (/^[\w."$]+$/.test(expr) ? expr : `(${expr})`);

/** Parses a fill argument: NULL, previous, or a number. */
export function parseFill(text: string, macro: string): Fill {
  const value = text.trim();
  if (/^null$/i.test(value)) {
    return { mode: 'null' };
  }
  if (/^previous$/i.test(value)) {
    return { mode: 'previous' };
  }
  if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(value) && Number.isFinite(Number(value))) {
    return { mode: 'value', value: Number(value) };
  }
  throw QueryError.badQuery(`[macro] ${macro}: fill must be NULL, previous or a number, not "${value.slice(0, 40)}"`);
}

function timeGroup(args: readonly string[], ctx: MacroContext, groups: TimeGroup[], macro: string): number {
  const intervalMs = parseInterval(args[1] ?? '', ctx.intervalMs, macro);
  groups.push({ intervalMs, ...(args[2] !== undefined ? { fill: parseFill(args[2], macro) } : {}) });
  return intervalMs;
}

const bucket = (column: string, ms: number) => {
  const s = secondsLiteral(ms);
  return `to_timestamp(floor(extract(epoch FROM ${column}) / ${s}) * ${s})`;
};
const unixBucket = (column: string, ms: number) => {
  const s = secondsLiteral(ms);
  return `floor(${operand(column)} / ${s}) * ${s}`;
};

/** Every function-style macro, by name (without `$`). */
export const MACROS: readonly MacroDefinition[] = [
  {
    name: '__time',
    signature: '$__time(column)',
    description: 'column AS "time"',
    args: [1],
    expand: ([c]) => `${c} AS "time"`,
  },
  {
    name: '__timeEpoch',
    signature: '$__timeEpoch(column)',
    description: 'The column as epoch seconds, named "time"',
    args: [1],
    expand: ([c]) => `extract(epoch FROM ${c}) AS "time"`,
  },
  {
    name: '__timeFilter',
    signature: '$__timeFilter(column)',
    description: 'column BETWEEN the start and end of the time range',
    args: [1],
    expand: ([c], ctx) => `${operand(c!)} BETWEEN ${iso(ctx.fromMs)} AND ${iso(ctx.toMs)}`,
  },
  {
    name: '__timeFrom',
    signature: '$__timeFrom()',
    description: 'Start of the time range (ISO 8601 literal)',
    args: [0],
    expand: (_, ctx) => iso(ctx.fromMs),
  },
  {
    name: '__timeTo',
    signature: '$__timeTo()',
    description: 'End of the time range (ISO 8601 literal)',
    args: [0],
    expand: (_, ctx) => iso(ctx.toMs),
  },
  {
    name: '__timeGroup',
    signature: "$__timeGroup(column, '5m'[, fill])",
    description:
      'Start of the time bucket (timestamptz, epoch-aligned); fill: NULL, previous or a number (time series format)',
    args: [2, 3],
    expand: (args, ctx, groups) => bucket(args[0]!, timeGroup(args, ctx, groups, '$__timeGroup')),
  },
  {
    name: '__timeGroupAlias',
    signature: "$__timeGroupAlias(column, '5m'[, fill])",
    description: '$__timeGroup(...) AS "time"',
    args: [2, 3],
    expand: (args, ctx, groups) => `${bucket(args[0]!, timeGroup(args, ctx, groups, '$__timeGroupAlias'))} AS "time"`,
  },
  {
    name: '__unixEpochFilter',
    signature: '$__unixEpochFilter(column)',
    description: 'An epoch-seconds column within the time range',
    args: [1],
    expand: ([c], ctx) =>
      `${operand(c!)} >= ${epochSeconds(ctx.fromMs)} AND ${operand(c!)} <= ${epochSeconds(ctx.toMs)}`,
  },
  {
    name: '__unixEpochFrom',
    signature: '$__unixEpochFrom()',
    description: 'Start of the time range, epoch seconds',
    args: [0],
    expand: (_, ctx) => epochSeconds(ctx.fromMs),
  },
  {
    name: '__unixEpochTo',
    signature: '$__unixEpochTo()',
    description: 'End of the time range, epoch seconds',
    args: [0],
    expand: (_, ctx) => epochSeconds(ctx.toMs),
  },
  {
    name: '__unixEpochNanoFilter',
    signature: '$__unixEpochNanoFilter(column)',
    description: 'An epoch-nanoseconds column within the time range',
    args: [1],
    expand: ([c], ctx) => `${operand(c!)} >= ${epochNanos(ctx.fromMs)} AND ${operand(c!)} <= ${epochNanos(ctx.toMs)}`,
  },
  {
    name: '__unixEpochNanoFrom',
    signature: '$__unixEpochNanoFrom()',
    description: 'Start of the time range, epoch ns',
    args: [0],
    expand: (_, ctx) => epochNanos(ctx.fromMs),
  },
  {
    name: '__unixEpochNanoTo',
    signature: '$__unixEpochNanoTo()',
    description: 'End of the time range, epoch ns',
    args: [0],
    expand: (_, ctx) => epochNanos(ctx.toMs),
  },
  {
    name: '__unixEpochGroup',
    signature: "$__unixEpochGroup(column, '5m'[, fill])",
    description: 'Bucket start of an epoch-seconds column; fill as for $__timeGroup',
    args: [2, 3],
    expand: (args, ctx, groups) => unixBucket(args[0]!, timeGroup(args, ctx, groups, '$__unixEpochGroup')),
  },
  {
    name: '__unixEpochGroupAlias',
    signature: "$__unixEpochGroupAlias(column, '5m'[, fill])",
    description: '$__unixEpochGroup(...) AS "time"',
    args: [2, 3],
    expand: (args, ctx, groups) =>
      `${unixBucket(args[0]!, timeGroup(args, ctx, groups, '$__unixEpochGroupAlias'))} AS "time"`,
  },
];

/** Variables: replaced everywhere outside comments, inside string literals too (Grafana interpolates them there). */
export const VARIABLES: ReadonlyArray<{ name: string; description: string; value(ctx: MacroContext): string }> = [
  {
    name: '__interval_ms',
    description: 'The query interval in milliseconds',
    value: (ctx) => String(Math.round(ctx.intervalMs)),
  },
  {
    name: '__interval',
    description: "The query interval as text ('1m', '30s'), a valid PostgreSQL interval",
    value: (ctx) => formatInterval(ctx.intervalMs),
  },
  {
    name: '__from',
    description: 'Start of the time range, epoch milliseconds',
    value: (ctx) => String(Math.floor(ctx.fromMs)),
  },
  {
    name: '__to',
    description: 'End of the time range, epoch milliseconds',
    value: (ctx) => String(Math.floor(ctx.toMs)),
  },
];

/** Looks up a macro or variable by name (without `$`). */
export function findMacro(name: string): MacroDefinition | undefined {
  return MACROS.find((macro) => macro.name === name);
}
