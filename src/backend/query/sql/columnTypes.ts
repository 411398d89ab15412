/**
 * The field-type registry of raw SQL: one table from PostgreSQL type OIDs to frame field types, and the value
 * conversion for each (from what node-postgres's default parsers return; we never change pg's global parsers).
 *
 * - int2/int4 → int16/int32; int8 → int64 (exact, as bigint); oid → uint32
 * - float4 → float32; float8 and numeric → float64 (numeric loses digits beyond ~15 significant ones; NaN and
 *   ±Infinity are kept)
 * - bool → boolean; text, varchar, bpchar, name, "char" → string
 * - timestamptz, timestamp, date → time (ms precision; timestamp and date read as UTC; ±infinity → null)
 * - json, jsonb and arrays → json
 * - everything else (uuid, inet, interval, money, time, bytea, ranges, …) → its PostgreSQL text form as a string
 */
import type { FieldType, JsonValue, NumberStorage } from '../../frames/frame';

/** How one column becomes a field. */
export interface ColumnType {
  /** PostgreSQL type name, for messages and docs. */
  pgType: string;
  type: Exclude<FieldType, 'enum'>;
  storage?: NumberStorage;
  convert(value: unknown): unknown;
}

const isNullish = (v: unknown): v is null | undefined => v === null || v === undefined;

/** A Date (or pg's ±Infinity for ±infinity) as epoch ms, or null. `local` re-reads a local-time Date as UTC. */
function dateMs(value: unknown, local: boolean): number | null {
  if (!(value instanceof Date)) {
    return null; // ±Infinity, or anything unexpected
  }
  const ms = local
    ? Date.UTC(
        value.getFullYear(),
        value.getMonth(),
        value.getDate(),
        value.getHours(),
        value.getMinutes(),
        value.getSeconds(),
        value.getMilliseconds()
      )
    : value.getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** Any pg value as plain JSON (Dates as ISO strings, bytes as \x hex, int8 strings stay strings). */
export function toJsonValue(value: unknown): JsonValue {
  if (isNullish(value)) {
    return null;
  }
  if (typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (value instanceof Date) {
    return Number.isFinite(value.getTime()) ? value.toISOString() : null;
  }
  if (Buffer.isBuffer(value)) {
    return `\\x${value.toString('hex')}`;
  }
  if (Array.isArray(value)) {
    return value.map(toJsonValue);
  }
  if (typeof value === 'object') {
    const withText = value as { toPostgres?: () => string };
    if (typeof withText.toPostgres === 'function') {
      return withText.toPostgres();
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return String(value);
}

/** Any pg value as text: strings as they are, everything else in a readable text form. */
export function toText(value: unknown): string | null {
  if (isNullish(value)) {
    return null;
  }
  if (typeof value === 'string') {
    return value;
  }
  const json = toJsonValue(value);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

interface IntervalParts {
  years?: number;
  months?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

/** An interval (pg's parsed object) in PostgreSQL's own output style: `1 year 2 mons 3 days 04:05:06.789`. */
export function intervalText(value: unknown): string | null {
  if (isNullish(value)) {
    return null;
  }
  if (typeof value !== 'object') {
    return String(value);
  }
  const p = value as IntervalParts;
  const unit = (n: number | undefined, one: string, many: string) =>
    n ? `${n} ${Math.abs(n) === 1 ? one : many}` : '';
  const ms = ((p.hours ?? 0) * 3600 + (p.minutes ?? 0) * 60 + (p.seconds ?? 0)) * 1000 + (p.milliseconds ?? 0);
  const dateParts = [unit(p.years, 'year', 'years'), unit(p.months, 'mon', 'mons'), unit(p.days, 'day', 'days')].filter(
    Boolean
  );
  if (ms === 0 && dateParts.length > 0) {
    return dateParts.join(' ');
  }
  const abs = Math.abs(ms);
  const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
  const fraction =
    abs % 1000 === 0
      ? ''
      : `.${String(Math.round((abs % 1000) * 1000))
          .padStart(6, '0')
          .replace(/0+$/, '')}`;
  const clock = `${ms < 0 ? '-' : ''}${pad(abs / 3_600_000)}:${pad((abs / 60_000) % 60)}:${pad((abs / 1000) % 60)}${fraction}`;
  return [...dateParts, clock].join(' ');
}

const integer = (v: unknown) => (isNullish(v) ? null : Number(v));
const float = (v: unknown) => (isNullish(v) ? null : Number(v));

const number = (pgType: string, storage: NumberStorage, convert: (v: unknown) => unknown = integer): ColumnType => ({
  pgType,
  type: 'number',
  storage,
  convert,
});
const text = (pgType: string): ColumnType => ({ pgType, type: 'string', convert: toText });
const time = (pgType: string, local: boolean): ColumnType => ({
  pgType,
  type: 'time',
  convert: (v) => (isNullish(v) ? null : dateMs(v, local)),
});
const json = (pgType: string): ColumnType => ({ pgType, type: 'json', convert: toJsonValue });

/** The registry, by type OID (pg_type.oid; stable across PostgreSQL versions for built-in types). */
export const COLUMN_TYPES: ReadonlyMap<number, ColumnType> = new Map<number, ColumnType>([
  [16, { pgType: 'bool', type: 'boolean', convert: (v) => (isNullish(v) ? null : Boolean(v)) }],
  [20, number('int8', 'int64', (v) => (isNullish(v) ? null : BigInt(String(v))))],
  [21, number('int2', 'int16')],
  [23, number('int4', 'int32')],
  [26, number('oid', 'uint32')],
  [700, number('float4', 'float32', float)],
  [701, number('float8', 'float64', float)],
  [1700, number('numeric', 'float64', float)],
  [25, text('text')],
  [1043, text('varchar')],
  [1042, text('bpchar')],
  [19, text('name')],
  [18, text('char')],
  [1184, time('timestamptz', false)],
  [1114, time('timestamp', true)],
  [1082, time('date', true)],
  [1186, { pgType: 'interval', type: 'string', convert: intervalText }],
  [114, json('json')],
  [3802, json('jsonb')],
  ...[1000, 1005, 1007, 1016, 1021, 1022, 1231, 1009, 1015, 1014, 199, 3807, 1115, 1185, 1182, 2951, 1041].map(
    (oid): [number, ColumnType] => [oid, json('array')]
  ),
]);

/** The column type of an OID; anything not in the registry is text. */
export function columnTypeOf(oid: number): ColumnType {
  return COLUMN_TYPES.get(oid) ?? { pgType: `oid ${oid}`, type: 'string', convert: toText };
}
