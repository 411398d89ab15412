/**
 * The macros of raw SQL queries: Grafana's PostgreSQL macros (pkg/tsdb/grafana-postgresql-datasource/macros.go),
 * with one deliberate difference: `$__timeGroup` returns a timestamptz bucket start rather than epoch seconds,
 * so the column is a time in both formats. Everything a macro writes comes from the time range and interval of
 * the request (numbers and ISO timestamps we format), or from the query text itself.
 * Names, signatures and descriptions live in src/contract/sqlMacros.ts, shared with the SQL editor.
 */
import { QueryError } from '../../errors';
import { sqlMacroDoc } from '../../../contract/sqlMacros';
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
const EXPANSIONS: ReadonlyArray<Omit<MacroDefinition, 'signature' | 'description'>> = [
  {
    name: '__time',
    args: [1],
    expand: ([c]) => `${c} AS "time"`,
  },
  {
    name: '__timeEpoch',
    args: [1],
    expand: ([c]) => `extract(epoch FROM ${c}) AS "time"`,
  },
  {
    name: '__timeFilter',
    args: [1],
    expand: ([c], ctx) => `${operand(c!)} BETWEEN ${iso(ctx.fromMs)} AND ${iso(ctx.toMs)}`,
  },
  {
    name: '__timeFrom',
    args: [0],
    expand: (_, ctx) => iso(ctx.fromMs),
  },
  {
    name: '__timeTo',
    args: [0],
    expand: (_, ctx) => iso(ctx.toMs),
  },
  {
    name: '__timeGroup',
    args: [2, 3],
    expand: (args, ctx, groups) => bucket(args[0]!, timeGroup(args, ctx, groups, '$__timeGroup')),
  },
  {
    name: '__timeGroupAlias',
    args: [2, 3],
    expand: (args, ctx, groups) => `${bucket(args[0]!, timeGroup(args, ctx, groups, '$__timeGroupAlias'))} AS "time"`,
  },
  {
    name: '__unixEpochFilter',
    args: [1],
    expand: ([c], ctx) =>
      `${operand(c!)} >= ${epochSeconds(ctx.fromMs)} AND ${operand(c!)} <= ${epochSeconds(ctx.toMs)}`,
  },
  {
    name: '__unixEpochFrom',
    args: [0],
    expand: (_, ctx) => epochSeconds(ctx.fromMs),
  },
  {
    name: '__unixEpochTo',
    args: [0],
    expand: (_, ctx) => epochSeconds(ctx.toMs),
  },
  {
    name: '__unixEpochNanoFilter',
    args: [1],
    expand: ([c], ctx) => `${operand(c!)} >= ${epochNanos(ctx.fromMs)} AND ${operand(c!)} <= ${epochNanos(ctx.toMs)}`,
  },
  {
    name: '__unixEpochNanoFrom',
    args: [0],
    expand: (_, ctx) => epochNanos(ctx.fromMs),
  },
  {
    name: '__unixEpochNanoTo',
    args: [0],
    expand: (_, ctx) => epochNanos(ctx.toMs),
  },
  {
    name: '__unixEpochGroup',
    args: [2, 3],
    expand: (args, ctx, groups) => unixBucket(args[0]!, timeGroup(args, ctx, groups, '$__unixEpochGroup')),
  },
  {
    name: '__unixEpochGroupAlias',
    args: [2, 3],
    expand: (args, ctx, groups) =>
      `${unixBucket(args[0]!, timeGroup(args, ctx, groups, '$__unixEpochGroupAlias'))} AS "time"`,
  },
];

/** Every function-style macro, by name (without `$`), with its documentation from the contract. */
export const MACROS: readonly MacroDefinition[] = EXPANSIONS.map((macro) => {
  const { signature, description } = sqlMacroDoc(`$${macro.name}`);
  return { ...macro, signature, description };
});

/** Variables: replaced everywhere outside comments, inside string literals too (Grafana interpolates them there). */
const VARIABLE_VALUES: ReadonlyArray<{ name: string; value(ctx: MacroContext): string }> = [
  {
    name: '__interval_ms',
    value: (ctx) => String(Math.round(ctx.intervalMs)),
  },
  {
    name: '__interval',
    value: (ctx) => formatInterval(ctx.intervalMs),
  },
  {
    name: '__from',
    value: (ctx) => String(Math.floor(ctx.fromMs)),
  },
  {
    name: '__to',
    value: (ctx) => String(Math.floor(ctx.toMs)),
  },
];

/** Variables, with their documentation from the contract. */
export const VARIABLES: ReadonlyArray<{ name: string; description: string; value(ctx: MacroContext): string }> =
  VARIABLE_VALUES.map((variable) => ({ ...variable, description: sqlMacroDoc(`$${variable.name}`).description }));

/** Looks up a macro or variable by name (without `$`). */
export function findMacro(name: string): MacroDefinition | undefined {
  return MACROS.find((macro) => macro.name === name);
}
