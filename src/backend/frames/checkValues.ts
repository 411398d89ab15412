/**
 * Per-row checks of field values: each value must fit the field's declared type exactly, because the encoders
 * write typed buffers and a value that does not fit would otherwise be silently wrapped, rounded or zeroed.
 */
import { checkJsonValue } from './checkShape';
import { FrameError, describe } from './frameError';
import type { Field, NumberStorage } from './frame';

/** Integer ranges of the storages that fit a JavaScript number exactly. */
const SMALL_INT_RANGES: Partial<Record<NumberStorage, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};
const INT64_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;
const UINT64_RANGE = [0n, 2n ** 64n - 1n] as const;

// Times are int64 nanoseconds on the wire, so epoch ms (+ nanos) must lie within -9223372036854.775808 ms and
// 9223372036854.775807 ms.
const MAX_MS = 9223372036854;
const MAX_MS_NANOS = 775807;
const MIN_MS = -9223372036855;
const MIN_MS_NANOS = 224192;

/** Throws a FrameError naming the row unless every value of the field fits its type and nullability. */
export function checkFieldValues(field: Field, where: string): void {
  const check = valueCheck(field, where);
  const { values, nullable } = field;
  for (let row = 0; row < values.length; row++) {
    const value = values[row];
    if (value === null || value === undefined) {
      if (!nullable) {
        // Go would silently read a null in a non-nullable column as 0 / "" / 1970; refuse it here instead.
        throw new FrameError(`${where} row ${row}: null in a non-nullable field (set nullable: true)`);
      }
      continue;
    }
    const problem = check(value, row);
    if (problem !== undefined) {
      throw new FrameError(`${where} row ${row}: ${problem}`);
    }
  }
}

/** Returns a function that describes what is wrong with one non-null value, or undefined when it is fine. */
function valueCheck(field: Field, where: string): (value: unknown, row: number) => string | undefined {
  switch (field.type) {
    case 'string':
      return (v) => (typeof v === 'string' ? undefined : `expected a string, got ${describe(v)}`);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? undefined : `expected a boolean, got ${describe(v)}`);
    case 'enum':
      return (v) => (isIntegerIn(v, 0, 65535) ? undefined : `expected an enum index 0..65535, got ${describe(v)}`);
    case 'json':
      return (v) => {
        checkJsonValue(v, `${where} row`);
        return undefined;
      };
    case 'time':
      return timeCheck(field.nanos, field.values.length, where);
    case 'number':
      return numberCheck(field.storage ?? 'float64');
  }
}

function timeCheck(nanos: ArrayLike<number> | undefined, rows: number, where: string) {
  if (nanos !== undefined && nanos.length !== rows) {
    throw new FrameError(`${where}: nanos has ${nanos.length} entries for ${rows} rows`);
  }
  return (ms: unknown, row: number): string | undefined => {
    if (typeof ms !== 'number' || !Number.isInteger(ms)) {
      return `expected integer epoch milliseconds, got ${describe(ms)} (put sub-millisecond parts in nanos)`;
    }
    const ns = nanos === undefined ? 0 : (nanos[row] ?? NaN);
    if (!isIntegerIn(ns, 0, 999999)) {
      return `nanos must be an integer from 0 to 999999, got ${describe(ns)}`;
    }
    const tooLate = ms > MAX_MS || (ms === MAX_MS && ns > MAX_MS_NANOS);
    const tooEarly = ms < MIN_MS || (ms === MIN_MS && ns < MIN_MS_NANOS);
    return tooLate || tooEarly ? `${ms} ms does not fit int64 nanoseconds` : undefined;
  };
}

function numberCheck(storage: NumberStorage): (value: unknown) => string | undefined {
  const small = SMALL_INT_RANGES[storage];
  if (small !== undefined) {
    const [min, max] = small;
    return (v) =>
      isIntegerIn(v, min, max) ? undefined : `expected an integer ${min}..${max} for ${storage}, got ${describe(v)}`;
  }
  if (storage === 'int64' || storage === 'uint64') {
    const [min, max] = storage === 'int64' ? INT64_RANGE : UINT64_RANGE;
    return (v) => {
      // Compare as bigint so the bounds are exact (2^63 is not a safe integer).
      const exact = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
      return exact !== undefined && exact >= min && exact <= max
        ? undefined
        : `expected an integer ${min}..${max} for ${storage}, got ${describe(v)}`;
    };
  }
  if (storage === 'float32') {
    // A finite value beyond float32's range would silently become Infinity.
    return (v) =>
      typeof v === 'number' && (Number.isFinite(Math.fround(v)) || !Number.isFinite(v))
        ? undefined
        : `expected a number within float32 range, got ${describe(v)}`;
  }
  return (v) => (typeof v === 'number' ? undefined : `expected a number for float64, got ${describe(v)}`);
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
